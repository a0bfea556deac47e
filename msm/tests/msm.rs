//! One suite for every curve: Pippenger (auto and fixed windows) and the fixed-base context
//! against the double-and-add reference at small n and against ark-ec up to 2^16, edge inputs,
//! and random sizes.

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{AdditiveGroup, AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{Field, UniformRand};
use carbide_msm::{Msm, MsmContext, MsmError, NaiveMsm, Pippenger, msm};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n` distinct points `Q + i·S`, cheap to make even on G2.
fn points<P: SWCurveConfig>(n: usize, seed: u64) -> Vec<Affine<P>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let g = Affine::<P>::generator();
    let step = g * P::ScalarField::rand(&mut rng);
    let mut p = g * P::ScalarField::rand(&mut rng);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(p);
        p += step;
    }
    Projective::normalize_batch(&out)
}

fn scalars<P: SWCurveConfig>(n: usize, seed: u64) -> Vec<P::ScalarField> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| P::ScalarField::rand(&mut rng)).collect()
}

fn ark<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[P::ScalarField]) -> Projective<P> {
    <Projective<P> as VariableBaseMSM>::msm(bases, scalars).unwrap()
}

fn matches_naive<P: SWCurveConfig>() {
    for n in (0..=9).chain([17, 33, 100]) {
        let (b, s) = (points::<P>(n, n as u64), scalars::<P>(n, 100 + n as u64));
        let want = NaiveMsm.msm(&b, &s).unwrap();
        assert_eq!(msm(&b, &s).unwrap(), want, "n = {n}");
        for c in [1, 2, 3, 5, 8] {
            let got = Pippenger::with_window(c).unwrap().msm(&b, &s).unwrap();
            assert_eq!(got, want, "n = {n}, window {c}");
        }
        if n > 0 {
            let ctx = MsmContext::with_precomputation(&b, 4).unwrap();
            assert_eq!(ctx.msm(&s).unwrap(), want, "precomputed, n = {n}");
        }
    }
}

fn matches_ark<P: SWCurveConfig>(max_log: usize) {
    for log_n in (4..=max_log).step_by(2) {
        let n = 1 << log_n;
        let (b, s) = (
            points::<P>(n, 7 + log_n as u64),
            scalars::<P>(n, 70 + log_n as u64),
        );
        let want = ark(&b, &s);
        assert_eq!(msm(&b, &s).unwrap(), want, "2^{log_n}");
        let ctx = MsmContext::new(&b);
        assert_eq!(ctx.msm(&s).unwrap(), want, "context 2^{log_n}");
        if log_n <= 12 {
            let pre = MsmContext::with_precomputation(&b, 10).unwrap();
            let s2 = scalars::<P>(n, 700 + log_n as u64);
            let batch = pre.msm_batch(&[&s, &s2]).unwrap();
            assert_eq!(
                batch,
                vec![want, ark(&b, &s2)],
                "precomputed batch 2^{log_n}"
            );
            let batch = Pippenger::default().msm_batch(&b, &[&s2, &s]).unwrap();
            assert_eq!(batch, vec![ark(&b, &s2), want], "batch 2^{log_n}");
        }
    }
}

/// Independent random points (the progressions above make many sums coincide, which tests
/// the doubling and identity cases; these do not).
fn random_points_match_ark<P: SWCurveConfig>() {
    use ark_ec::scalar_mul::ScalarMul;
    let n = 1 << 11;
    let exps = scalars::<P>(n, 31);
    let b = Projective::<P>::from(Affine::<P>::generator()).batch_mul(&exps);
    let s = scalars::<P>(n, 32);
    assert_eq!(msm(&b, &s).unwrap(), ark(&b, &s));
    let ctx = MsmContext::with_precomputation(&b, 9).unwrap();
    assert_eq!(ctx.msm(&s).unwrap(), ark(&b, &s));
}

fn edge_inputs<P: SWCurveConfig>() {
    let zero = Projective::<P>::ZERO;
    let g = Affine::<P>::generator();
    let minus_one = -P::ScalarField::ONE;
    let check = |b: &[Affine<P>], s: &[P::ScalarField], what: &str| {
        let want = NaiveMsm.msm(b, s).unwrap();
        assert_eq!(want, ark(b, s), "reference vs ark-ec: {what}");
        assert_eq!(msm(b, s).unwrap(), want, "{what}");
        for c in [2, 7] {
            assert_eq!(
                Pippenger::with_window(c).unwrap().msm(b, s).unwrap(),
                want,
                "{what}, c={c}"
            );
        }
        if !b.is_empty() {
            let pre = MsmContext::with_precomputation(b, 5).unwrap();
            assert_eq!(pre.msm(s).unwrap(), want, "precomputed: {what}");
        }
    };
    check(&[], &[], "empty");
    assert_eq!(msm::<P>(&[], &[]).unwrap(), zero);
    let b = points::<P>(64, 1);
    let s = scalars::<P>(64, 2);
    check(&b[..1], &s[..1], "n = 1");
    check(&b, &[P::ScalarField::ZERO; 64], "zero scalars");
    assert_eq!(msm(&b, &[P::ScalarField::ZERO; 64]).unwrap(), zero);
    check(&b, &[minus_one; 64], "r − 1 everywhere");
    check(&b[..1], &[minus_one], "r − 1 once");
    let mut with_inf = b.clone();
    for i in (0..64).step_by(3) {
        with_inf[i] = Affine::<P>::zero();
    }
    check(&with_inf, &s, "bases at infinity");
    check(&[Affine::<P>::zero(); 8], &s[..8], "only infinity");
    check(&[g; 64], &s, "duplicate bases");
    let mut pm = b[..32].to_vec();
    pm.extend(b[..32].iter().map(|p| -*p));
    check(&pm, &[s[0]; 64], "P and −P, equal scalars: the identity");
    assert_eq!(msm(&pm, &[s[0]; 64]).unwrap(), zero);
    check(&pm, &s, "P and −P, random scalars");
    check(&b, &[s[5]; 64], "all-equal scalars");
    // Doublings inside buckets: the same point twice with the same digit everywhere.
    let twice: Vec<_> = b[..8].iter().flat_map(|p| [*p, *p]).collect();
    check(
        &twice,
        &[P::ScalarField::from(3u64); 16],
        "pairs of equal points",
    );
    let small: Vec<_> = (0..64u64).map(P::ScalarField::from).collect();
    check(&b, &small, "small scalars");
    let mixed: Vec<_> = (0..64)
        .map(|i| if i % 2 == 0 { small[i] } else { s[i] })
        .collect();
    check(&b, &mixed, "small and full scalars");
    // Unequal lengths: an error, where ark-ec would truncate.
    assert_eq!(
        msm(&b, &s[..10]),
        Err(MsmError::LengthMismatch {
            bases: 64,
            scalars: 10
        })
    );
    assert!(NaiveMsm.msm(&b[..3], &s).is_err());
    assert!(MsmContext::new(&b).msm(&s[..63]).is_err());
    assert!(Pippenger::with_window(0).is_err() && Pippenger::with_window(25).is_err());
    assert!(MsmContext::with_precomputation(&b, 1).is_err());
}

fn random_sizes<P: SWCurveConfig>(cases: u32) {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for case in 0..cases {
        let n = rng.gen_range(0..400);
        let (b, mut s) = (
            points::<P>(n, case as u64),
            scalars::<P>(n, 1000 + case as u64),
        );
        // Sprinkle zeros, ones and −1s.
        for x in s.iter_mut() {
            match rng.gen_range(0..10) {
                0 => *x = P::ScalarField::ZERO,
                1 => *x = P::ScalarField::ONE,
                2 => *x = -P::ScalarField::ONE,
                _ => {}
            }
        }
        let c = rng.gen_range(1..=12);
        let want = ark(&b, &s);
        assert_eq!(msm(&b, &s).unwrap(), want, "n = {n}");
        assert_eq!(
            Pippenger::with_window(c).unwrap().msm(&b, &s).unwrap(),
            want,
            "n = {n}, c = {c}"
        );
    }
}

macro_rules! msm_suite {
    ($name:ident, $cfg:ty, $max_log:expr) => {
        mod $name {
            use super::*;

            #[test]
            fn matches_the_reference() {
                matches_naive::<$cfg>();
            }

            #[test]
            fn matches_ark_ec() {
                matches_ark::<$cfg>($max_log);
            }

            #[test]
            fn random_points_match_ark_ec() {
                random_points_match_ark::<$cfg>();
            }

            #[test]
            fn edge_inputs_are_handled() {
                edge_inputs::<$cfg>();
            }

            #[test]
            fn random_sizes_match_ark_ec() {
                random_sizes::<$cfg>(12);
            }
        }
    };
}

msm_suite!(bn254_g1, ark_bn254::g1::Config, 16);
msm_suite!(bn254_g2, ark_bn254::g2::Config, 16);
msm_suite!(bls12_381_g1, ark_bls12_381::g1::Config, 16);

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Random sizes, seeds and windows on BN254 G1 against ark-ec.
    #[test]
    fn proptest_bn254_g1(n in 0usize..300, seed in 0u64..1 << 32, c in 1usize..=14) {
        type P = ark_bn254::g1::Config;
        let (b, s) = (points::<P>(n, seed), scalars::<P>(n, seed ^ 0x5eed));
        let want = ark(&b, &s);
        proptest::prop_assert_eq!(Pippenger::with_window(c).unwrap().msm(&b, &s).unwrap(), want);
        proptest::prop_assert_eq!(msm(&b, &s).unwrap(), want);
    }
}
