//! kernels/msm.cu itself, compiled as host C++ (tests/host/msm.cpp: the kernel sequence of
//! `device.rs`, a block's threads as threads, atomics as atomics), on random and edge inputs
//! for G1 and G2, its window sums combined by `device::combine` and compared with arkworks.
//! Skips without a C++ compiler unless `REQUIRE_CXX=1`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{CurveGroup, PrimeGroup, VariableBaseMSM};
use ark_ff::{UniformRand, Zero};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::curve::GpuCurve;
use super::device::combine;
use crate::field::as_words;

fn harness() -> Option<&'static PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    crate::testing::host_program(&BUILT, "msm")
}

/// The kernels on `bases` (with `fold`, a precomputed table of `windows(c)` points per
/// scalar).
fn run<P: GpuCurve>(
    exe: &PathBuf,
    bases: &[Affine<P>],
    scalars: &[Fr],
    c: u32,
    fold: bool,
) -> Projective<P> {
    let words = 2 * P::COORD_WORDS;
    let mut input = format!("{} {} {c} {}\n", P::NAME, scalars.len(), u32::from(fold));
    let mut buf = vec![0u64; words];
    for p in bases {
        P::base_words(p, &mut buf);
        for w in &buf {
            let _ = write!(input, "{w:x} ");
        }
    }
    input.push('\n');
    for w in as_words(scalars).unwrap() {
        let _ = write!(input, "{w:x} ");
    }
    input.push('\n');
    let text = crate::testing::run_host_program(exe, input);
    let mut it = text.split_whitespace();
    let windows: usize = it.next().unwrap().parse().unwrap();
    let sums: Vec<u64> = it.map(|w| u64::from_str_radix(w, 16).unwrap()).collect();
    combine::<P>(&sums, c, windows).unwrap()
}

/// Random points, then the edge cases: infinity among the bases, duplicates, P and −P, and
/// scalars 0, 1, −1.
fn inputs<P: GpuCurve>(n: usize, seed: u64) -> (Vec<Affine<P>>, Vec<Fr>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let g = Projective::<P>::generator();
    let mut bases: Vec<Affine<P>> = (0..n)
        .map(|_| (g * Fr::rand(&mut rng)).into_affine())
        .collect();
    let mut scalars: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    if n >= 8 {
        bases[1] = Affine::identity();
        bases[3] = bases[2];
        bases[5] = -bases[4];
        scalars[5] = scalars[4];
        scalars[6] = Fr::zero();
        scalars[7] = -Fr::from(1u64);
        scalars[0] = Fr::from(1u64);
    }
    (bases, scalars)
}

fn check<P: GpuCurve>(cases: &[(usize, u32)]) {
    let Some(exe) = harness() else { return };
    for &(n, c) in cases {
        let (bases, scalars) = inputs::<P>(n, n as u64 * 31 + u64::from(c));
        let want = Projective::<P>::msm(&bases, &scalars).unwrap();
        assert_eq!(
            run(exe, &bases, &scalars, c, false),
            want,
            "{} n {n} c {c}",
            P::NAME
        );
        if n <= 300 {
            // The precomputed table of the CPU context, all windows in one bucket set.
            let ctx = carbide_msm::MsmContext::with_precomputation(&bases, c as usize).unwrap();
            let (_, table) = ctx.precomputed().unwrap();
            let got = run(exe, table, &scalars, c, true);
            assert_eq!(got, want, "{} n {n} c {c} folded", P::NAME);
        }
    }
    // Every scalar the same: one bucket per window takes every point.
    let (bases, _) = inputs::<P>(64, 9);
    let scalars = vec![Fr::from(0xdead_beefu64); 64];
    let want = Projective::<P>::msm(&bases, &scalars).unwrap();
    assert_eq!(
        run(exe, &bases, &scalars, 4, false),
        want,
        "{} equal scalars",
        P::NAME
    );
}

#[test]
fn g1_kernels_on_the_host_match_arkworks() {
    check::<ark_bn254::g1::Config>(&[
        (1, 2),
        (2, 3),
        (9, 4),
        (33, 5),
        (200, 8),
        (1000, 7),
        (300, 12),
    ]);
}

#[test]
fn g2_kernels_on_the_host_match_arkworks() {
    check::<ark_bn254::g2::Config>(&[(1, 3), (9, 4), (100, 6)]);
}
