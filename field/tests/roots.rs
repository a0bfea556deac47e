//! Two-adic roots of unity and coset shifts: the ones ark-poly and plonky2 use, and correct.

mod common;

use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use carbide_field::{Field, FieldError, Goldilocks, GoldilocksExt2, TwoAdicField};
use num_bigint::BigUint;

/// Every generator has exact order 2^bits and squares into the previous one; past the
/// two-adicity there is an error, not a panic.
fn roots_are_primitive<F: TwoAdicField>() {
    let mut prev: Option<F> = None;
    for bits in (0..=F::TWO_ADICITY).rev() {
        let g = F::two_adic_generator(bits).unwrap();
        assert_eq!(g.exp_power_of_2(bits), F::ONE, "g^(2^{bits}) = 1");
        if bits > 0 {
            assert_ne!(g.exp_power_of_2(bits - 1), F::ONE, "order exactly 2^{bits}");
        }
        if let Some(p) = prev {
            assert_eq!(p.square(), g, "generators square into each other");
        }
        prev = Some(g);
    }
    for bits in [F::TWO_ADICITY + 1, 64, 1000] {
        assert_eq!(
            F::two_adic_generator(bits),
            Err(FieldError::TwoAdicityExceeded {
                bits,
                max_bits: F::TWO_ADICITY
            })
        );
    }
}

/// The coset shift generates the multiplicative group: shift^((q−1)/ℓ) ≠ 1 for each prime ℓ.
fn shift_generates<F: Field + TwoAdicField>(prime_factors_of_q_minus_1: &[u64]) {
    let q1 = F::order() - 1u32;
    let mut rest = q1.clone();
    for &l in prime_factors_of_q_minus_1 {
        let e = &q1 / l;
        let limbs: Vec<u64> = e.iter_u64_digits().collect();
        assert_ne!(
            F::coset_shift().pow(limbs),
            F::ONE,
            "shift is not an {l}-th power"
        );
        while &rest % l == BigUint::ZERO {
            rest /= l;
        }
    }
    assert_eq!(rest, BigUint::from(1u32), "the factor list is complete");
}

#[test]
fn goldilocks_roots() {
    roots_are_primitive::<Goldilocks>();
    // p − 1 = 2^32 · 3 · 5 · 17 · 257 · 65537.
    shift_generates::<Goldilocks>(&[2, 3, 5, 17, 257, 65537]);
}

#[test]
fn goldilocks_ext2_roots() {
    roots_are_primitive::<GoldilocksExt2>();
}

#[test]
fn bn254_fr_roots_match_ark_poly() {
    roots_are_primitive::<ark_bn254::Fr>();
    for bits in 0..=ark_bn254::Fr::TWO_ADICITY.min(26) {
        let d = Radix2EvaluationDomain::<ark_bn254::Fr>::new(1 << bits).unwrap();
        assert_eq!(
            ark_bn254::Fr::two_adic_generator(bits).unwrap(),
            d.group_gen,
            "2^{bits}"
        );
    }
    assert_eq!(ark_bn254::Fr::coset_shift(), ark_bn254::Fr::from(5u64));
}

#[test]
fn bls12_381_fr_roots_match_ark_poly() {
    roots_are_primitive::<ark_bls12_381::Fr>();
    for bits in 0..=26 {
        let d = Radix2EvaluationDomain::<ark_bls12_381::Fr>::new(1 << bits).unwrap();
        assert_eq!(
            ark_bls12_381::Fr::two_adic_generator(bits).unwrap(),
            d.group_gen
        );
    }
    assert_eq!(
        ark_bls12_381::Fr::coset_shift(),
        ark_bls12_381::Fr::from(7u64)
    );
}
