//! The Goldilocks field, p = 2^64 − 2^32 + 1, and its quadratic extension.
//!
//! Elements are stored as any u64 congruent to the value mod p (plonky2's representation):
//! values in `[p, 2^64)` are legal and stand for `value − p`. Keeping outputs only "almost
//! reduced" saves a conditional subtraction per operation; equality, hashing, ordering and
//! encoding all go through the canonical value, so the difference is invisible to callers.

mod ext;
mod packed;

use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::{Add, Mul, Neg, Sub};

use core::hint::select_unpredictable;

use num_bigint::BigUint;
use rand::Rng;

pub use ext::GoldilocksExt2;
pub(crate) use packed::SmallMds;
#[cfg(target_arch = "x86_64")]
pub(crate) use packed::avx2_only;
pub use packed::{PackedGoldilocks, simd_level};

use crate::error::FieldError;
use crate::traits::{Field, PrimeField, PrimeField64, TwoAdicField};

/// p = 2^64 − 2^32 + 1.
const P: u64 = 0xFFFF_FFFF_0000_0001;
/// 2^64 mod p = 2^32 − 1.
const EPSILON: u64 = 0xFFFF_FFFF;

/// An element of the Goldilocks field, `#[repr(transparent)]` over a u64 with the same bits
/// as plonky2's `GoldilocksField`, so slices move between host, device and plonky2 as they are.
#[derive(Clone, Copy, Default)]
#[repr(transparent)]
pub struct Goldilocks(u64);

impl Goldilocks {
    /// The field order p.
    pub const ORDER: u64 = P;
    /// Two, a handy constant.
    pub const TWO: Self = Self(2);
    /// p − 1.
    pub const NEG_ONE: Self = Self(P - 1);
    /// plonky2's `POWER_OF_TWO_GENERATOR`: a primitive 2^32-th root of unity.
    const POWER_OF_TWO_GENERATOR: u64 = 7_277_203_076_849_721_926;
    /// plonky2's `MULTIPLICATIVE_GROUP_GENERATOR`, a generator of the multiplicative group.
    const MULTIPLICATIVE_GROUP_GENERATOR: u64 = 14_293_326_489_335_486_720;

    /// The element `n mod p`, for any u64 (stored canonically).
    #[inline]
    pub const fn new(n: u64) -> Self {
        Self(if n >= P { n - P } else { n })
    }

    /// The element `n mod p`, keeping the bits of `n` as they are (`n` may lie in `[p, 2^64)`).
    /// This is the plain-copy constructor for data that came from plonky2 or a device.
    #[inline]
    pub const fn from_noncanonical_u64(n: u64) -> Self {
        Self(n)
    }

    /// The stored bits, possibly in `[p, 2^64)`; what plonky2 and the GPU see.
    #[inline]
    pub const fn as_noncanonical_u64(&self) -> u64 {
        self.0
    }

    /// The canonical value in `[0, p)`.
    #[inline]
    pub const fn as_canonical_u64(&self) -> u64 {
        // Only one subtraction: 2p > 2^64.
        if self.0 >= P { self.0 - P } else { self.0 }
    }

    /// `n mod p` for a 128-bit integer.
    #[inline]
    pub fn from_u128(n: u128) -> Self {
        Self(reduce128(n))
    }

    /// `(x + y) mod p` for two 128-bit integers, the sum taken without overflow.
    #[inline]
    pub(crate) fn from_u129(x: u128, y: u128) -> Self {
        let (sum, carry) = x.overflowing_add(y);
        // 2^128 = (2^64)² ≡ ε² = 2^64 − 2^33 + 1 ≡ −2^32, and 2^32 < p.
        Self(reduce128(sum)) - Self((carry as u64) << 32)
    }

    /// Multiplication usable in constant evaluation (the root table).
    #[inline]
    const fn const_mul(self, rhs: Self) -> Self {
        Self(reduce128_const(self.0 as u128 * rhs.0 as u128))
    }

    /// Multiplication by a small constant (the extension's `W = 7`): one reduction of 96 bits.
    #[inline]
    pub(crate) fn mul_small(self, c: u32) -> Self {
        let x = self.0 as u128 * c as u128;
        Self(reduce96(x as u64, (x >> 64) as u32))
    }

    /// `self^(2^N) · tail`, a step of the inversion addition chain.
    #[inline(always)]
    fn exp_acc<const N: usize>(self, tail: Self) -> Self {
        self.exp_power_of_2(N) * tail
    }
}

/// Reduces `x_lo + 2^64·x_hi` (x_hi < 2^32) to a u64 congruent mod p.
#[inline(always)]
fn reduce96(x_lo: u64, x_hi: u32) -> u64 {
    // 2^64 ≡ ε, and x_hi·ε < 2^64.
    let t1 = x_hi as u64 * EPSILON;
    let (res, carry) = x_lo.overflowing_add(t1);
    // A carry stands for 2^64 ≡ ε; res < t1 then, so adding ε cannot overflow.
    res.wrapping_add(select_unpredictable(carry, EPSILON, 0))
}

/// `x ≡ res + carry·2^64 (mod p)`: the reduction up to its final, data-dependent correction.
#[inline(always)]
const fn reduce128_split(x: u128) -> (u64, bool) {
    let x_lo = x as u64;
    let x_hi = (x >> 64) as u64;
    // x = x_lo + 2^64·x_hi_lo + 2^96·x_hi_hi, with 2^64 ≡ ε and 2^96 ≡ −1.
    let x_hi_hi = x_hi >> 32;
    let x_hi_lo = x_hi & EPSILON;
    let (mut t0, borrow) = x_lo.overflowing_sub(x_hi_hi);
    if borrow {
        // Rare (x_lo < 2^32). The wrap added 2^64 ≡ ε; take it back. t0 ≥ 2^64 − 2^32 here.
        // A predicted branch keeps this off the dependency chain, where a cmov would sit.
        core::hint::cold_path();
        t0 = t0.wrapping_sub(EPSILON);
    }
    // x_hi_lo·ε = x_hi_lo·2^32 − x_hi_lo < 2^64. Written as a shift of x_hi (the shift drops
    // x_hi_hi by itself) so LLVM emits shl + sub, two cycles, rather than a three-cycle imul on
    // the multiplication's dependency chain.
    let t1 = (x_hi << 32) - x_hi_lo;
    t0.overflowing_add(t1)
}

/// Reduces a 128-bit integer to a u64 congruent mod p (not necessarily below p).
#[inline(always)]
fn reduce128(x: u128) -> u64 {
    let (res, carry) = reduce128_split(x);
    // The carry is data-dependent (about half of random products): a cmov, never a branch,
    // which LLVM would otherwise pick in some loops (the NTT's butterflies).
    res.wrapping_add(select_unpredictable(carry, EPSILON, 0))
}

/// `reduce128` for constant evaluation (`select_unpredictable` is not const).
const fn reduce128_const(x: u128) -> u64 {
    let (res, carry) = reduce128_split(x);
    res.wrapping_add(EPSILON * carry as u64)
}

/// Primitive 2^k-th roots of unity for k = 0..=32, computed at compile time by squaring
/// plonky2's 2^32-th root, so `two_adic_generator(k)` equals plonky2's
/// `primitive_root_of_unity(k)`.
const TWO_ADIC_GENERATORS: [Goldilocks; 33] = {
    let mut table = [Goldilocks(0); 33];
    let mut g = Goldilocks(Goldilocks::POWER_OF_TWO_GENERATOR);
    let mut k = 32;
    loop {
        table[k] = Goldilocks(g.as_canonical_u64());
        if k == 0 {
            break;
        }
        g = g.const_mul(g);
        k -= 1;
    }
    table
};

impl PartialEq for Goldilocks {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.as_canonical_u64() == other.as_canonical_u64()
    }
}

impl Eq for Goldilocks {}

impl Hash for Goldilocks {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.as_canonical_u64());
    }
}

impl PartialOrd for Goldilocks {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Goldilocks {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_canonical_u64().cmp(&other.as_canonical_u64())
    }
}

impl fmt::Debug for Goldilocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_canonical_u64(), f)
    }
}

impl fmt::Display for Goldilocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.as_canonical_u64(), f)
    }
}

impl From<u64> for Goldilocks {
    #[inline]
    fn from(n: u64) -> Self {
        Self::new(n)
    }
}

impl Add for Goldilocks {
    type Output = Self;

    #[inline]
    fn add(self, rhs: Self) -> Self {
        let (sum, over) = self.0.overflowing_add(rhs.0);
        // Random operands overflow half the time: a cmov, never a branch.
        let (mut sum, over) = sum.overflowing_add(select_unpredictable(over, EPSILON, 0));
        if over {
            // Only when both inputs are non-canonical; the sum is then small.
            core::hint::cold_path();
            sum += EPSILON;
        }
        Self(sum)
    }
}

impl Sub for Goldilocks {
    type Output = Self;

    #[inline]
    fn sub(self, rhs: Self) -> Self {
        let (diff, under) = self.0.overflowing_sub(rhs.0);
        let (mut diff, under) = diff.overflowing_sub(select_unpredictable(under, EPSILON, 0));
        if under {
            // Only when rhs is non-canonical and self is tiny; the difference is then large.
            core::hint::cold_path();
            diff -= EPSILON;
        }
        Self(diff)
    }
}

impl Neg for Goldilocks {
    type Output = Self;

    #[inline]
    fn neg(self) -> Self {
        let c = self.as_canonical_u64();
        Self(if c == 0 { 0 } else { P - c })
    }
}

impl Mul for Goldilocks {
    type Output = Self;

    #[inline]
    fn mul(self, rhs: Self) -> Self {
        Self(reduce128(self.0 as u128 * rhs.0 as u128))
    }
}

crate::macros::assign_ops!(Goldilocks, Goldilocks);

crate::macros::sum_product!(Goldilocks);

impl Field for Goldilocks {
    type Packing = PackedGoldilocks;
    const ZERO: Self = Self(0);
    const ONE: Self = Self(1);

    fn try_inverse(&self) -> Option<Self> {
        if self.is_zero() {
            return None;
        }
        // x^(p−2) by an addition chain over p − 2 = 0b1^31 0 1^32 (72 multiplications).
        let x = *self;
        let t2 = x.square() * x;
        let t3 = t2.square() * x;
        let t6 = t3.exp_acc::<3>(t3);
        let t12 = t6.exp_acc::<6>(t6);
        let t24 = t12.exp_acc::<12>(t12);
        let t30 = t24.exp_acc::<6>(t6);
        let t31 = t30.square() * x;
        let t63 = t31.exp_acc::<32>(t31);
        Some(t63.square() * x)
    }

    fn order() -> BigUint {
        BigUint::from(P)
    }

    #[inline]
    fn from_u64(n: u64) -> Self {
        Self::new(n)
    }

    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self {
        Self(rng.gen_range(0..P))
    }

    #[inline]
    fn is_zero(&self) -> bool {
        self.as_canonical_u64() == 0
    }

    #[inline]
    fn exp_u64(&self, mut e: u64) -> Self {
        let mut base = *self;
        let mut acc = Self::ONE;
        while e != 0 {
            if e & 1 == 1 {
                acc *= base;
            }
            base = base.square();
            e >>= 1;
        }
        acc
    }
}

impl PrimeField for Goldilocks {
    fn as_canonical_biguint(&self) -> BigUint {
        BigUint::from(self.as_canonical_u64())
    }

    fn from_biguint(n: &BigUint) -> Self {
        let r = n % P;
        Self(r.iter_u64_digits().next().unwrap_or(0))
    }
}

impl PrimeField64 for Goldilocks {
    const ORDER_U64: u64 = P;

    #[inline]
    fn as_canonical_u64(&self) -> u64 {
        Goldilocks::as_canonical_u64(self)
    }
}

impl TwoAdicField for Goldilocks {
    const TWO_ADICITY: usize = 32;

    fn two_adic_generator(bits: usize) -> Result<Self, FieldError> {
        TWO_ADIC_GENERATORS
            .get(bits)
            .copied()
            .ok_or(FieldError::TwoAdicityExceeded {
                bits,
                max_bits: Self::TWO_ADICITY,
            })
    }

    #[inline]
    fn coset_shift() -> Self {
        Self(Self::MULTIPLICATIVE_GROUP_GENERATOR)
    }
}
