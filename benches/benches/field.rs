#![allow(missing_docs)] // criterion_main! generates undocumented items.
//! Field arithmetic, carbide against its peers in the same criterion groups: one group per
//! race of `carbide_benches::field_races` (Goldilocks and its extension against plonky2,
//! BN254 Fr through carbide's traits against arkworks).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn races(c: &mut Criterion) {
    common::run_races(c, carbide_benches::field_races());
}

criterion_group!(benches, races);
criterion_main!(benches);
