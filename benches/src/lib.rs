//! carbide-benches: criterion benches that race carbide against its peers in the same group
//! (plonky2's Goldilocks, arkworks' BN254 Fr), plus the shared input generation they use.
//!
//! Run them with `cargo bench -p carbide-benches --bench field`, then
//! `python3 benches/report.py` for the ours/peer table with ratios.

use carbide_field::Field;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// `n` random elements from a fixed seed, so every run races on the same inputs.
pub fn random_vec<F: Field>(n: usize, seed: u64) -> Vec<F> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| F::random(&mut rng)).collect()
}

/// `out[i] = a[i] · b[i]`, written once against the trait: the code path a generic caller of
/// carbide takes.
#[inline(never)]
pub fn mul_slices<F: Field>(a: &[F], b: &[F], out: &mut [F]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x * *y;
    }
}

/// `out[i] = a[i] + b[i]` through the trait.
#[inline(never)]
pub fn add_slices<F: Field>(a: &[F], b: &[F], out: &mut [F]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x + *y;
    }
}

/// `x ← x·y` repeated `n` times: a dependent chain, so this measures latency, not throughput.
#[inline(never)]
pub fn mul_chain<F: Field>(mut x: F, y: F, n: usize) -> F {
    for _ in 0..n {
        x *= y;
    }
    x
}
