//! Bit-exact conversions to and from plonky2's Goldilocks field and its quadratic extension.
//! The stored u64 moves unchanged, non-canonical values included.

use plonky2_field::extension::quadratic::QuadraticExtension;
use plonky2_field::goldilocks_field::GoldilocksField;

use crate::goldilocks::{Goldilocks, GoldilocksExt2};

impl From<GoldilocksField> for Goldilocks {
    #[inline]
    fn from(x: GoldilocksField) -> Self {
        Goldilocks::from_noncanonical_u64(x.0)
    }
}

impl From<Goldilocks> for GoldilocksField {
    #[inline]
    fn from(x: Goldilocks) -> Self {
        GoldilocksField(x.as_noncanonical_u64())
    }
}

impl From<QuadraticExtension<GoldilocksField>> for GoldilocksExt2 {
    #[inline]
    fn from(x: QuadraticExtension<GoldilocksField>) -> Self {
        GoldilocksExt2([x.0[0].into(), x.0[1].into()])
    }
}

impl From<GoldilocksExt2> for QuadraticExtension<GoldilocksField> {
    #[inline]
    fn from(x: GoldilocksExt2) -> Self {
        QuadraticExtension([x.0[0].into(), x.0[1].into()])
    }
}
