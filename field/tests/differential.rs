//! Every operation against the big-integer reference, on edge and random inputs.

mod common;

use carbide_field::{Field, Goldilocks, GoldilocksExt2, PrimeField, PrimeField64};
use common::*;
use num_bigint::BigUint;
use proptest::prelude::*;
use rand::Rng;

macro_rules! prime_differential {
    ($name:ident, $F:ty) => {
        mod $name {
            use super::*;
            type F = $F;

            #[test]
            fn edge_pairs() {
                let e = F::edge_values();
                for (i, &a) in e.iter().enumerate() {
                    for &b in &e {
                        diff_prime(a, b, (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                    }
                }
            }

            #[test]
            fn random_pairs() {
                let mut r = rng(21);
                for _ in 0..2000 {
                    let (a, b) = (F::sample_repr(&mut r), F::sample_repr(&mut r));
                    diff_prime::<F>(a, b, r.r#gen());
                }
            }

            #[test]
            fn from_biguint_reduces() {
                let mut r = rng(22);
                let p = F::order();
                for _ in 0..500 {
                    let words: Vec<u32> = (0..r.gen_range(0..16)).map(|_| r.r#gen()).collect();
                    let n = BigUint::new(words);
                    let x = F::from_biguint(&n);
                    assert_eq!(x.as_canonical_biguint(), &n % &p);
                }
            }

            proptest! {
                #[test]
                fn prop_differential(sa: u64, sb: u64, e: u64, ea: bool, eb: bool) {
                    diff_prime::<F>(from_seed(sa, ea), from_seed(sb, eb), e);
                }
            }
        }
    };
}

prime_differential!(goldilocks, Goldilocks);
prime_differential!(bn254_fr, ark_bn254::Fr);
prime_differential!(bls12_381_fr, ark_bls12_381::Fr);

#[test]
fn goldilocks_u64_views() {
    let mut r = rng(30);
    for _ in 0..10_000 {
        let raw: u64 = r.r#gen();
        let x = Goldilocks::from_noncanonical_u64(raw);
        let want = raw % Goldilocks::ORDER;
        assert_eq!(x.as_canonical_u64(), want);
        assert_eq!(PrimeField64::as_canonical_u64(&x), want);
        assert_eq!(x.as_noncanonical_u64(), raw, "bits kept");
        assert_eq!(Goldilocks::new(raw), x);
        assert_eq!(
            Goldilocks::new(raw).as_noncanonical_u64(),
            want,
            "new reduces"
        );
        assert_eq!(
            Goldilocks::from_canonical_u64(raw),
            (raw < Goldilocks::ORDER).then_some(x)
        );
        let wide: u128 = r.r#gen();
        assert_eq!(
            Goldilocks::from_u128(wide).as_canonical_u64() as u128,
            wide % Goldilocks::ORDER as u128
        );
    }
    assert_eq!(
        Goldilocks::from_u128(u128::MAX).as_canonical_u64() as u128,
        u128::MAX % Goldilocks::ORDER as u128
    );
}

#[test]
fn ext2_edge_pairs() {
    let e = GoldilocksExt2::edge_values();
    for (i, &a) in e.iter().enumerate() {
        for &b in &e {
            diff_ext2(a, b, i as u64 * 1_000_003 + 17);
        }
    }
}

#[test]
fn ext2_random_pairs() {
    let mut r = rng(31);
    for _ in 0..1000 {
        let (a, b) = (
            GoldilocksExt2::sample_repr(&mut r),
            GoldilocksExt2::sample_repr(&mut r),
        );
        diff_ext2(a, b, r.r#gen());
    }
}

proptest! {
    #[test]
    fn prop_ext2_differential(sa: u64, sb: u64, e: u64, ea: bool, eb: bool) {
        diff_ext2(from_seed(sa, ea), from_seed(sb, eb), e);
    }
}
