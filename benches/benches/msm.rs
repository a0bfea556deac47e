#![allow(missing_docs)] // criterion_main! generates undocumented items.
//! BN254 G1 MSM, carbide against ark-ec's `VariableBaseMSM::msm` in the same criterion groups
//! (one group per race of `carbide_benches::msm_races`).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn races(c: &mut Criterion) {
    common::run_races(c, carbide_benches::msm_races());
}

criterion_group!(benches, races);
criterion_main!(benches);
