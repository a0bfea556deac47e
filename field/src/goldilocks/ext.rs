//! The quadratic extension Goldilocks[X]/(X² − 7), plonky2's `QuadraticExtension<GoldilocksField>`.

use core::fmt;
use core::ops::{Add, Mul, Neg, Sub};

use num_bigint::BigUint;
use rand::Rng;

use super::Goldilocks;
use crate::error::FieldError;
use crate::traits::{ExtensionField, Field, TwoAdicField};

/// The non-residue: X² = W.
const W: u32 = 7;

/// `a0 + a1·X` with X² = 7: the same coordinates, in the same order, as plonky2's
/// `QuadraticExtension<GoldilocksField>`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(C)]
pub struct GoldilocksExt2(pub [Goldilocks; 2]);

impl GoldilocksExt2 {
    /// plonky2's `EXT_POWER_OF_TWO_GENERATOR`: a primitive 2^33-th root of unity.
    const POWER_OF_TWO_GENERATOR: Self = Self([
        Goldilocks::new(0),
        Goldilocks::new(7_226_896_044_987_257_365),
    ]);
    /// plonky2's `EXT_MULTIPLICATIVE_GROUP_GENERATOR`.
    const MULTIPLICATIVE_GROUP_GENERATOR: Self = Self([
        Goldilocks::new(0),
        Goldilocks::new(11_713_931_119_993_638_672),
    ]);

    /// `a0 + a1·X`.
    #[inline]
    pub const fn new(a0: Goldilocks, a1: Goldilocks) -> Self {
        Self([a0, a1])
    }

    /// The coordinates `[a0, a1]`. (Inherent, so calls need no annotation: through the trait,
    /// `GoldilocksExt2` is also the trivial extension of itself.)
    #[inline]
    pub fn as_base_slice(&self) -> &[Goldilocks] {
        &self.0
    }

    /// `a0` if `a1 = 0`, i.e. if this lies in the base field.
    #[inline]
    pub fn as_base(&self) -> Option<Goldilocks> {
        self.0[1].is_zero().then_some(self.0[0])
    }

    /// The conjugate `a0 − a1·X` (the Frobenius image `self^p`).
    #[inline]
    pub fn conjugate(&self) -> Self {
        Self([self.0[0], -self.0[1]])
    }

    /// The norm `a0² − 7·a1²`, which lies in the base field.
    #[inline]
    pub fn norm(&self) -> Goldilocks {
        let [a0, a1] = self.0;
        a0.square() - a1.square().mul_small(W)
    }
}

impl fmt::Debug for GoldilocksExt2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:?} + {:?}·X)", self.0[0], self.0[1])
    }
}

impl fmt::Display for GoldilocksExt2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} + {}·X", self.0[0], self.0[1])
    }
}

impl From<Goldilocks> for GoldilocksExt2 {
    #[inline]
    fn from(b: Goldilocks) -> Self {
        Self([b, Goldilocks::ZERO])
    }
}

impl Add for GoldilocksExt2 {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        Self([self.0[0] + rhs.0[0], self.0[1] + rhs.0[1]])
    }
}

impl Sub for GoldilocksExt2 {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        Self([self.0[0] - rhs.0[0], self.0[1] - rhs.0[1]])
    }
}

impl Neg for GoldilocksExt2 {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Self([-self.0[0], -self.0[1]])
    }
}

impl Mul for GoldilocksExt2 {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        let [a0, a1] = self.0.map(|x| x.as_noncanonical_u64() as u128);
        let [b0, b1] = rhs.0.map(|x| x.as_noncanonical_u64() as u128);
        // Sum the 128-bit products first and reduce each coordinate once: a carry out of
        // 128 bits is worth 2^128 ≡ −2^32.
        let w_a1b1 = Goldilocks::from_u128(a1 * b1).as_noncanonical_u64() as u128 * W as u128;
        Self([
            Goldilocks::from_u129(a0 * b0, w_a1b1),
            Goldilocks::from_u129(a0 * b1, a1 * b0),
        ])
    }
}

impl Add<Goldilocks> for GoldilocksExt2 {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Goldilocks) -> Self {
        Self([self.0[0] + rhs, self.0[1]])
    }
}

impl Sub<Goldilocks> for GoldilocksExt2 {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Goldilocks) -> Self {
        Self([self.0[0] - rhs, self.0[1]])
    }
}

impl Mul<Goldilocks> for GoldilocksExt2 {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: Goldilocks) -> Self {
        Self([self.0[0] * rhs, self.0[1] * rhs])
    }
}

crate::macros::assign_ops!(GoldilocksExt2, GoldilocksExt2);
crate::macros::assign_ops!(GoldilocksExt2, Goldilocks);

crate::macros::sum_product!(GoldilocksExt2);

impl Field for GoldilocksExt2 {
    type Packing = Self;
    const ZERO: Self = Self([Goldilocks::ZERO; 2]);
    const ONE: Self = Self([Goldilocks::ONE, Goldilocks::ZERO]);

    fn try_inverse(&self) -> Option<Self> {
        // (a0 + a1X)(a0 − a1X) = norm ∈ Fp, and the norm of a non-zero element is non-zero
        // because X² − 7 is irreducible.
        let n_inv = self.norm().try_inverse()?;
        Some(self.conjugate() * n_inv)
    }

    fn order() -> BigUint {
        let p = Goldilocks::order();
        &p * &p
    }

    #[inline]
    fn from_u64(n: u64) -> Self {
        Goldilocks::new(n).into()
    }

    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self {
        Self([Goldilocks::random(rng), Goldilocks::random(rng)])
    }

    #[inline]
    fn square(&self) -> Self {
        let [a0, a1] = self.0;
        Self([a0.square() + a1.square().mul_small(W), (a0 * a1).double()])
    }
}

impl ExtensionField<Goldilocks> for GoldilocksExt2 {
    const DEGREE: usize = 2;

    #[inline]
    fn as_base_slice(&self) -> &[Goldilocks] {
        &self.0
    }

    fn from_base_slice(coeffs: &[Goldilocks]) -> Result<Self, FieldError> {
        match coeffs {
            [a0, a1] => Ok(Self([*a0, *a1])),
            _ => Err(FieldError::WrongDegree {
                expected: 2,
                actual: coeffs.len(),
            }),
        }
    }
}

impl TwoAdicField for GoldilocksExt2 {
    /// p² − 1 = (p − 1)(p + 1) and p + 1 ≡ 2 (mod 4): one more than the base field.
    const TWO_ADICITY: usize = 33;

    fn two_adic_generator(bits: usize) -> Result<Self, FieldError> {
        if bits > Self::TWO_ADICITY {
            return Err(FieldError::TwoAdicityExceeded {
                bits,
                max_bits: Self::TWO_ADICITY,
            });
        }
        Ok(Self::POWER_OF_TWO_GENERATOR.exp_power_of_2(Self::TWO_ADICITY - bits))
    }

    fn coset_shift() -> Self {
        Self::MULTIPLICATIVE_GROUP_GENERATOR
    }
}
