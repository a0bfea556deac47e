//! Runs races as criterion groups: one group per race, carbide and the peer side by side.

use carbide_benches::Race;
use criterion::{Criterion, Throughput};

/// One criterion group per race, every contender a function of the group.
pub fn run_races(c: &mut Criterion, races: Vec<Race>) {
    for mut race in races {
        let mut g = c.benchmark_group(race.group);
        g.throughput(Throughput::Elements(race.elements));
        if race.elements >= 1 << 20 || race.group.starts_with("msm/") {
            // Large transforms and MSMs take tens of milliseconds to seconds a run: fewer
            // samples keep the run short.
            g.sample_size(10);
        }
        for contender in &mut race.contenders {
            g.bench_function(contender.name, |b| b.iter(&mut contender.run));
        }
        g.finish();
    }
}
