#![allow(missing_docs)] // criterion_main! generates undocumented items.
//! NTTs, carbide against its peers in the same criterion groups: one group per race of
//! `carbide_benches::ntt_races` (Goldilocks against plonky2's `fft`, BN254 Fr against
//! ark-poly, the 64-column LDE against plonky2's `lde_onto_coset` column by column).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn races(c: &mut Criterion) {
    common::run_races(c, carbide_benches::ntt_races());
}

criterion_group!(benches, races);
criterion_main!(benches);
