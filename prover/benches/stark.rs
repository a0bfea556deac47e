#![allow(missing_docs)] // criterion_main! generates undocumented items.
//! The STARK race as criterion groups: carbide's prover (Poseidon, and BLAKE3 beside it)
//! against starky's `prove` on the same 32-column wide-fib AIR, blowup 2, 84 queries,
//! 16 bits of grinding (`carbide_prover::race`). Run with
//! `cargo bench -p carbide-prover --features bench --bench stark`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn races(c: &mut Criterion) {
    for mut race in carbide_prover::race::stark_races(&[16, 18]) {
        let mut g = c.benchmark_group(race.group);
        g.throughput(Throughput::Elements(race.elements));
        g.sample_size(10);
        for contender in &mut race.contenders {
            g.bench_function(contender.name, |b| b.iter(&mut contender.run));
        }
        g.finish();
    }
}

criterion_group!(benches, races);
criterion_main!(benches);
