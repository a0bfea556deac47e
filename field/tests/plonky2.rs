//! Goldilocks and its extension against plonky2's, operation by operation, and the bit-exact
//! conversions between them (the `plonky2` feature).
#![cfg(feature = "plonky2")]

mod common;

use carbide_field::{Field, Goldilocks, GoldilocksExt2, TwoAdicField};
use common::{TestField, rng};
use plonky2_field::extension::quadratic::QuadraticExtension;
use plonky2_field::goldilocks_field::GoldilocksField as P2;
use plonky2_field::types::{Field as P2Field, Field64, PrimeField64 as P2Prime64};
use proptest::prelude::*;
use rand::Rng;

type P2Ext = QuadraticExtension<P2>;

fn ours_vs_plonky2(a: Goldilocks, b: Goldilocks, e: u64) {
    let (pa, pb) = (P2::from(a), P2::from(b));
    assert_eq!(pa.0, a.as_noncanonical_u64(), "bits move unchanged");
    assert_eq!(
        Goldilocks::from(pa).as_noncanonical_u64(),
        a.as_noncanonical_u64()
    );
    let same = |ours: Goldilocks, theirs: P2| {
        assert_eq!(
            ours.as_canonical_u64(),
            theirs.to_canonical_u64(),
            "{a:?} {b:?}"
        )
    };
    same(a + b, pa + pb);
    same(a - b, pa - pb);
    same(a * b, pa * pb);
    same(-a, -pa);
    same(a.square(), plonky2_field::ops::Square::square(&pa));
    same(a.double(), P2Field::double(&pa));
    same(a.exp_u64(e), pa.exp_u64(e));
    assert_eq!(a.try_inverse().map(P2::from), pa.try_inverse());
    assert_eq!(a.as_canonical_u64(), pa.to_canonical_u64());
}

fn ext_vs_plonky2(a: GoldilocksExt2, b: GoldilocksExt2, e: u64) {
    let (pa, pb) = (P2Ext::from(a), P2Ext::from(b));
    let same = |ours: GoldilocksExt2, theirs: P2Ext| assert_eq!(ours, GoldilocksExt2::from(theirs));
    same(a + b, pa + pb);
    same(a - b, pa - pb);
    same(a * b, pa * pb);
    same(-a, -pa);
    same(a.square(), plonky2_field::ops::Square::square(&pa));
    same(a.exp_u64(e), pa.exp_u64(e));
    same(a * b.0[0], pa * P2Ext::from(P2::from(b.0[0])));
    assert_eq!(a.try_inverse().map(P2Ext::from), pa.try_inverse());
}

#[test]
fn constants_agree() {
    assert_eq!(Goldilocks::ORDER, P2::ORDER);
    assert_eq!(Goldilocks::TWO_ADICITY, <P2 as P2Field>::TWO_ADICITY);
    assert_eq!(GoldilocksExt2::TWO_ADICITY, <P2Ext as P2Field>::TWO_ADICITY);
    assert_eq!(P2::from(Goldilocks::coset_shift()), P2::coset_shift());
    assert_eq!(
        P2Ext::from(GoldilocksExt2::coset_shift()),
        P2Ext::coset_shift()
    );
    for bits in 0..=Goldilocks::TWO_ADICITY {
        let ours = P2::from(Goldilocks::two_adic_generator(bits).unwrap());
        assert_eq!(ours, P2::primitive_root_of_unity(bits), "2^{bits}");
    }
    for bits in 0..=GoldilocksExt2::TWO_ADICITY {
        let ours = P2Ext::from(GoldilocksExt2::two_adic_generator(bits).unwrap());
        assert_eq!(ours, P2Ext::primitive_root_of_unity(bits), "ext 2^{bits}");
    }
}

#[test]
fn edge_pairs_agree() {
    let e = Goldilocks::edge_values();
    for &a in &e {
        for &b in &e {
            ours_vs_plonky2(a, b, a.as_noncanonical_u64() ^ 0x55);
        }
    }
    let e = GoldilocksExt2::edge_values();
    for &a in &e {
        for &b in &e {
            ext_vs_plonky2(a, b, b.0[1].as_noncanonical_u64());
        }
    }
}

#[test]
fn random_agree() {
    let mut r = rng(40);
    for _ in 0..20_000 {
        ours_vs_plonky2(
            Goldilocks::sample_repr(&mut r),
            Goldilocks::sample_repr(&mut r),
            r.r#gen(),
        );
    }
    for _ in 0..5_000 {
        let (a, b) = (
            GoldilocksExt2::sample_repr(&mut r),
            GoldilocksExt2::sample_repr(&mut r),
        );
        ext_vs_plonky2(a, b, r.r#gen());
    }
}

#[test]
fn serde_interoperates() {
    let mut r = rng(41);
    for _ in 0..100 {
        let x = Goldilocks::random(&mut r);
        let theirs = serde_json::to_string(&P2::from(x)).unwrap();
        assert_eq!(serde_json::to_string(&x).unwrap(), theirs);
        assert_eq!(serde_json::from_str::<Goldilocks>(&theirs).unwrap(), x);
        let y = GoldilocksExt2::random(&mut r);
        let theirs = serde_json::to_string(&P2Ext::from(y)).unwrap();
        assert_eq!(serde_json::from_str::<GoldilocksExt2>(&theirs).unwrap(), y);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn prop_raw_bits_agree(a: u64, b: u64, e: u64) {
        ours_vs_plonky2(Goldilocks::from_noncanonical_u64(a), Goldilocks::from_noncanonical_u64(b), e);
    }

    #[test]
    fn prop_ext_agree(a0: u64, a1: u64, b0: u64, b1: u64, e: u64) {
        let g = Goldilocks::from_noncanonical_u64;
        ext_vs_plonky2(GoldilocksExt2::new(g(a0), g(a1)), GoldilocksExt2::new(g(b0), g(b1)), e);
    }
}
