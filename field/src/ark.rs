//! The trait ladder for arkworks prime fields themselves (`ark_bn254::Fr`, `ark_bls12_381::Fr`,
//! any `ark_ff::Fp`): no wrapper type, so arkworks values go in and come out unchanged.

use ark_ff::{
    BigInt, BigInteger, FftField, Fp, FpConfig, PrimeField as ArkPrimeField, UniformRand,
};
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

    #[inline]
    fn montgomery_limbs(&self) -> Option<[u64; 4]> {
        is_montgomery_256::<P, N>().then(|| core::array::from_fn(|i| self.0.0[i]))
    }

    #[inline]
    fn from_montgomery_limbs(limbs: [u64; 4]) -> Option<Self> {
        if !is_montgomery_256::<P, N>() {
            return None;
        }
        let mut raw = BigInt([0u64; N]);
        raw.0[..4].copy_from_slice(&limbs);
        (raw < P::MODULUS).then_some(Fp(raw, core::marker::PhantomData))
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

/// Whether `Fp<P, N>` stores `x·2^256 mod p` in four words: ONE is stored as 2^256 mod p
/// exactly then (MontBackend), as 1 by a plain-integer backend. Constant per type.
#[inline(always)]
fn is_montgomery_256<P: FpConfig<N>, const N: usize>() -> bool {
    N == 4 && <Fp<P, N> as Field>::ONE.0.0 == const { pow2_mod(P::MODULUS.0, 64 * N) }
}

/// `2^e mod p` by doubling, at compile time.
const fn pow2_mod<const N: usize>(p: [u64; N], e: usize) -> [u64; N] {
    let mut r = [0u64; N];
    r[0] = 1;
    let mut step = 0;
    while step < e {
        // r ← 2r, then subtract p while r ≥ p (once suffices: r < p before doubling).
        let mut carry = 0;
        let mut i = 0;
        while i < N {
            let top = r[i] >> 63;
            r[i] = (r[i] << 1) | carry;
            carry = top;
            i += 1;
        }
        if carry == 1 || !lt(&r, &p) {
            let mut borrow = 0u64;
            let mut i = 0;
            while i < N {
                let (d, b1) = r[i].overflowing_sub(p[i]);
                let (d, b2) = d.overflowing_sub(borrow);
                r[i] = d;
                borrow = (b1 | b2) as u64;
                i += 1;
            }
        }
        step += 1;
    }
    r
}

/// `a < b` for little-endian words.
const fn lt<const N: usize>(a: &[u64; N], b: &[u64; N]) -> bool {
    let mut i = N;
    while i > 0 {
        i -= 1;
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}
