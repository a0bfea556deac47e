use core::fmt::{Debug, Display};
use core::hash::Hash;
use core::iter::{Product, Sum};
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use num_bigint::BigUint;
use rand::Rng;

use crate::codec::CanonicalEncoding;
use crate::error::FieldError;
use crate::packed::PackedField;

/// A finite field.
///
/// Ring operations come from the operator traits; the field-specific ones are `try_inverse`
/// (no panicking inverse exists: zero has none, and callers get an `Option`), `order`,
/// `from_u64` and `random`. Everything else has a default an implementation may override
/// for speed.
///
/// Division is not among the required operators (`a / 0` has no answer but a panic, which is
/// what arkworks' `Div` does); `try_inverse` lets the caller decide.
pub trait Field:
    Copy
    + Send
    + Sync
    + Debug
    + Display
    + Default
    + Eq
    + Hash
    + 'static
    + Add<Output = Self>
    + AddAssign
    + Sub<Output = Self>
    + SubAssign
    + Neg<Output = Self>
    + Mul<Output = Self>
    + MulAssign
    + Sum
    + Product
    + CanonicalEncoding
{
    /// Several elements operated on lane by lane (SIMD); `Self` where there is no vector
    /// implementation.
    type Packing: PackedField<Scalar = Self>;

    /// The additive identity.
    const ZERO: Self;
    /// The multiplicative identity.
    const ONE: Self;

    /// The multiplicative inverse, or `None` for zero.
    fn try_inverse(&self) -> Option<Self>;

    /// The number of elements of the field.
    fn order() -> BigUint;

    /// The image of an integer: `n mod p` (embedded in the prime subfield for extensions).
    fn from_u64(n: u64) -> Self;

    /// A uniformly random element.
    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self;

    /// For 256-bit Montgomery fields (arkworks' 4-limb prime fields): the stored limbs,
    /// `self·2^256 mod p` little-endian, so vector kernels with their own arithmetic (AVX-512
    /// IFMA) take elements in without a conversion. `None` for every other field.
    #[inline]
    fn montgomery_limbs(&self) -> Option<[u64; 4]> {
        None
    }

    /// The element whose [`Self::montgomery_limbs`] are `limbs`; `None` if they are not below
    /// the modulus or the field is not a 256-bit Montgomery field.
    #[inline]
    fn from_montgomery_limbs(limbs: [u64; 4]) -> Option<Self> {
        let _ = limbs;
        None
    }

    /// Whether this is zero.
    #[inline]
    fn is_zero(&self) -> bool {
        *self == Self::ZERO
    }

    /// Whether this is one.
    #[inline]
    fn is_one(&self) -> bool {
        *self == Self::ONE
    }

    /// `2·self`.
    #[inline]
    fn double(&self) -> Self {
        *self + *self
    }

    /// `self²`.
    #[inline]
    fn square(&self) -> Self {
        *self * *self
    }

    /// `self³`.
    #[inline]
    fn cube(&self) -> Self {
        self.square() * *self
    }

    /// `self^(2^k)`, by `k` squarings.
    #[inline]
    fn exp_power_of_2(&self, k: usize) -> Self {
        let mut x = *self;
        for _ in 0..k {
            x = x.square();
        }
        x
    }

    /// `self^e` for a 64-bit exponent (`0^0 = 1`).
    fn exp_u64(&self, e: u64) -> Self {
        self.pow([e])
    }

    /// `self^e`, the exponent given as little-endian 64-bit limbs (as arkworks does).
    fn pow<S: AsRef<[u64]>>(&self, exp: S) -> Self {
        let mut acc = Self::ONE;
        for &limb in exp.as_ref().iter().rev() {
            for bit in (0..64).rev() {
                acc = acc.square();
                if (limb >> bit) & 1 == 1 {
                    acc *= *self;
                }
            }
        }
        acc
    }

    /// The powers `1, self, self², …` as an endless iterator.
    fn powers(&self) -> Powers<Self> {
        Powers {
            base: *self,
            current: Self::ONE,
        }
    }

    /// Replaces every element by its inverse with one field inversion (Montgomery's trick) on
    /// the calling thread. Zeros stay zero, as in arkworks' `batch_inversion`, so the call never
    /// fails. [`par_batch_inverse`](crate::par_batch_inverse) spreads the generic algorithm
    /// over threads.
    fn batch_inverse_in_place(values: &mut [Self]) {
        crate::batch::montgomery_batch_inverse_in_place(values);
    }

    /// The inverses of `values`, zeros mapped to zero (see [`Field::batch_inverse_in_place`]).
    fn batch_inverse(values: &[Self]) -> Vec<Self> {
        crate::batch::montgomery_batch_inverse(values)
    }
}

/// The powers `1, x, x², …` of a field element.
#[derive(Clone, Debug)]
pub struct Powers<F> {
    base: F,
    current: F,
}

impl<F: Field> Iterator for Powers<F> {
    type Item = F;

    #[inline]
    fn next(&mut self) -> Option<F> {
        let out = self.current;
        self.current *= self.base;
        Some(out)
    }
}

/// A field of prime order; its elements have canonical integer representatives in `[0, p)`.
pub trait PrimeField: Field + Ord {
    /// The canonical representative in `[0, p)`.
    fn as_canonical_biguint(&self) -> BigUint;

    /// `n mod p`.
    fn from_biguint(n: &BigUint) -> Self;
}

/// A prime field whose order fits in 64 bits.
pub trait PrimeField64: PrimeField {
    /// The order `p` of the field.
    const ORDER_U64: u64;

    /// The canonical representative in `[0, p)`.
    fn as_canonical_u64(&self) -> u64;

    /// The element `n` if `n < p`, else `None`.
    #[inline]
    fn from_canonical_u64(n: u64) -> Option<Self> {
        (n < Self::ORDER_U64).then(|| Self::from_u64(n))
    }
}

/// A field whose multiplicative group has a large subgroup of order a power of two: the
/// fields NTTs run over.
pub trait TwoAdicField: Field {
    /// The largest `s` such that `2^s` divides the order of the multiplicative group.
    const TWO_ADICITY: usize;

    /// The primitive `2^bits`-th root of unity used for NTTs of size `2^bits`: the one ark-poly
    /// uses for arkworks fields and the one plonky2 uses for Goldilocks, so transforms agree
    /// bit for bit. Consecutive generators square into each other.
    fn two_adic_generator(bits: usize) -> Result<Self, FieldError>;

    /// The shift of the coset `shift·H` used for low-degree extensions: a generator of the
    /// multiplicative group (plonky2's `coset_shift`, arkworks' `GENERATOR`), so no coset
    /// of a two-adic subgroup meets the subgroup itself.
    fn coset_shift() -> Self;
}

/// A finite extension of the field `Base`, as a vector space with a fixed basis
/// (`1, X, …, X^(D−1)` for the binomial extensions here).
///
/// Every field is a degree-1 extension of itself, so code generic over "the challenge field"
/// also runs with challenges in the base field.
pub trait ExtensionField<Base: Field>:
    Field
    + From<Base>
    + Add<Base, Output = Self>
    + AddAssign<Base>
    + Sub<Base, Output = Self>
    + SubAssign<Base>
    + Mul<Base, Output = Self>
    + MulAssign<Base>
{
    /// The degree of the extension over `Base`.
    const DEGREE: usize;

    /// The coordinates in the basis, lowest power first.
    fn as_base_slice(&self) -> &[Base];

    /// The element with these coordinates; an error unless exactly `DEGREE` are given.
    fn from_base_slice(coeffs: &[Base]) -> Result<Self, FieldError>;

    /// The base-field element this equals, if it lies in the base field.
    fn as_base(&self) -> Option<Base> {
        let (first, rest) = self.as_base_slice().split_first()?;
        rest.iter().all(Field::is_zero).then_some(*first)
    }

    /// Embeds a base-field element.
    #[inline]
    fn from_base(b: Base) -> Self {
        Self::from(b)
    }
}

impl<F: Field> ExtensionField<F> for F {
    const DEGREE: usize = 1;

    #[inline]
    fn as_base_slice(&self) -> &[F] {
        core::slice::from_ref(self)
    }

    fn from_base_slice(coeffs: &[F]) -> Result<Self, FieldError> {
        match coeffs {
            [x] => Ok(*x),
            _ => Err(FieldError::WrongDegree {
                expected: 1,
                actual: coeffs.len(),
            }),
        }
    }
}
