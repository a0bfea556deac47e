//! Interpolation and evaluation helpers against direct evaluation (Horner at each point).

use carbide_field::{ExtensionField, Field, Goldilocks, GoldilocksExt2, TwoAdicField};
use carbide_ntt::NttError;
use carbide_ntt::poly::{
    evaluate_at, evaluate_evals_at, evaluate_on_coset, interpolate, interpolate_coset,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn random_vec<F: Field>(n: usize, seed: u64) -> Vec<F> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| F::random(&mut rng)).collect()
}

fn helpers_agree<F: TwoAdicField, E: ExtensionField<F>>() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for log_n in [0usize, 1, 3, 7] {
        let n = 1 << log_n;
        for len in [0, 1, n / 2 + 1, n] {
            let coeffs: Vec<F> = random_vec(len.min(n), (log_n * 10 + len) as u64);
            for shift in [F::ONE, F::coset_shift()] {
                let evals = evaluate_on_coset(&coeffs, log_n, shift).unwrap();
                let omega = F::two_adic_generator(log_n).unwrap();
                for (i, &e) in evals.iter().enumerate() {
                    let x = shift * omega.exp_u64(i as u64);
                    assert_eq!(
                        e,
                        evaluate_at::<F, F>(&coeffs, x),
                        "2^{log_n}, len {len}, row {i}"
                    );
                }
                let mut padded = coeffs.clone();
                padded.resize(n, F::ZERO);
                let back = if shift == F::ONE {
                    interpolate(&evals).unwrap()
                } else {
                    interpolate_coset(&evals, shift).unwrap()
                };
                assert_eq!(back, padded, "interpolation 2^{log_n}, len {len}");
                if shift == F::ONE {
                    // Barycentric at random points of the extension and at a point of H.
                    for _ in 0..3 {
                        let x = E::random(&mut rng);
                        assert_eq!(
                            evaluate_evals_at(&evals, x).unwrap(),
                            evaluate_at(&padded, x),
                            "barycentric 2^{log_n}"
                        );
                    }
                    let i = n / 2;
                    let on_h = E::from(omega.exp_u64(i as u64));
                    assert_eq!(evaluate_evals_at(&evals, on_h).unwrap(), E::from(evals[i]));
                }
            }
        }
    }
    assert!(matches!(
        evaluate_on_coset(&[F::ONE; 5], 2, F::ONE),
        Err(NttError::ShapeMismatch { len: 5, .. })
    ));
    assert!(interpolate(&[F::ONE; 3]).is_err());
    assert!(evaluate_evals_at::<F, E>(&[F::ONE; 6], E::ONE).is_err());
    assert!(evaluate_on_coset(&[F::ONE], F::TWO_ADICITY + 1, F::ONE).is_err());
}

#[test]
fn goldilocks_with_extension_points() {
    helpers_agree::<Goldilocks, GoldilocksExt2>();
}

#[test]
fn goldilocks() {
    helpers_agree::<Goldilocks, Goldilocks>();
}

#[test]
fn bn254_fr() {
    helpers_agree::<ark_bn254::Fr, ark_bn254::Fr>();
}
