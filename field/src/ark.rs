//! The trait ladder for arkworks prime fields themselves (`ark_bn254::Fr`, `ark_bls12_381::Fr`,
//! any `ark_ff::Fp`): no wrapper type, so arkworks values go in and come out unchanged.

use ark_ff::{BigInteger, FftField, Fp, FpConfig, PrimeField as ArkPrimeField, UniformRand};
use num_bigint::BigUint;
use rand::Rng;

use crate::codec::CanonicalEncoding;
use crate::error::{DecodeError, FieldError};
use crate::traits::{Field, PrimeField, TwoAdicField};

impl<P: FpConfig<N>, const N: usize> Field for Fp<P, N> {
    type Packing = Self;
    const ZERO: Self = <Self as ark_ff::AdditiveGroup>::ZERO;
    const ONE: Self = <Self as ark_ff::Field>::ONE;

    #[inline]
    fn try_inverse(&self) -> Option<Self> {
        ark_ff::Field::inverse(self)
    }

    fn order() -> BigUint {
        P::MODULUS.into()
    }

    #[inline]
    fn from_u64(n: u64) -> Self {
        Self::from(n)
    }

    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self {
        <Self as UniformRand>::rand(rng)
    }

    #[inline]
    fn is_zero(&self) -> bool {
        ark_ff::Zero::is_zero(self)
    }

    #[inline]
    fn double(&self) -> Self {
        ark_ff::AdditiveGroup::double(self)
    }

    #[inline]
    fn square(&self) -> Self {
        ark_ff::Field::square(self)
    }

    fn pow<S: AsRef<[u64]>>(&self, exp: S) -> Self {
        ark_ff::Field::pow(self, exp)
    }
}

impl<P: FpConfig<N>, const N: usize> PrimeField for Fp<P, N> {
    fn as_canonical_biguint(&self) -> BigUint {
        self.into_bigint().into()
    }

    fn from_biguint(n: &BigUint) -> Self {
        Self::from(n.clone())
    }
}

impl<P: FpConfig<N>, const N: usize> TwoAdicField for Fp<P, N> {
    const TWO_ADICITY: usize = <Self as FftField>::TWO_ADICITY as usize;

    fn two_adic_generator(bits: usize) -> Result<Self, FieldError> {
        let max_bits = <Self as TwoAdicField>::TWO_ADICITY;
        let err = FieldError::TwoAdicityExceeded { bits, max_bits };
        if bits > max_bits || bits >= 64 {
            return Err(err);
        }
        // Exactly what ark-poly's Radix2EvaluationDomain::new asks for.
        Self::get_root_of_unity(1u64 << bits).ok_or(err)
    }

    fn coset_shift() -> Self {
        <Self as FftField>::GENERATOR
    }
}

/// Little-endian bytes of the canonical integer, `8·N` of them: arkworks' own compressed
/// serialization of a prime-field element.
impl<P: FpConfig<N>, const N: usize> CanonicalEncoding for Fp<P, N> {
    const ENCODED_LEN: usize = 8 * N;

    fn write_canonical(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.into_bigint().to_bytes_le());
    }

    fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() != Self::ENCODED_LEN {
            return Err(DecodeError::wrong_length::<Self>(
                Self::ENCODED_LEN,
                bytes.len(),
            ));
        }
        let mut limbs = [0u64; N];
        for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *limb = u64::from_le_bytes(word);
        }
        // from_bigint refuses integers ≥ p.
        Self::from_bigint(ark_ff::BigInt(limbs)).ok_or_else(DecodeError::non_canonical::<Self>)
    }
}
