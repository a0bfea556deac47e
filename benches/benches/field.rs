#![allow(missing_docs)] // criterion_main! generates undocumented items.
//! Field arithmetic, carbide against its peers in the same criterion groups: one group per
//! race of `carbide_benches::field_races` (Goldilocks and its extension against plonky2,
//! BN254 Fr through carbide's traits against arkworks).

use carbide_benches::field_races;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn races(c: &mut Criterion) {
    for mut race in field_races() {
        let mut g = c.benchmark_group(race.group);
        g.throughput(Throughput::Elements(race.elements));
        for contender in &mut race.contenders {
            g.bench_function(contender.name, |b| b.iter(&mut contender.run));
        }
        g.finish();
    }
}

criterion_group!(benches, races);
criterion_main!(benches);
