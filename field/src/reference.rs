//! Slow, obviously correct big-integer arithmetic: the reference that the tests and fuzz
//! targets compare every fast path against. Inversion here is Fermat's little theorem
//! (`x^(q−2)` by generic exponentiation), independent of the fast code's algorithms.

use num_bigint::BigUint;

use crate::traits::PrimeField;

/// Arithmetic modulo a prime `p` on canonical `BigUint` representatives.
#[derive(Clone, Debug)]
pub struct PrimeRef {
    p: BigUint,
}

impl PrimeRef {
    /// The reference for the prime field `F`.
    pub fn of<F: PrimeField>() -> Self {
        Self { p: F::order() }
    }

    /// The modulus.
    pub fn modulus(&self) -> &BigUint {
        &self.p
    }

    /// `x mod p`.
    pub fn reduce(&self, x: &BigUint) -> BigUint {
        x % &self.p
    }

    /// `a + b mod p`.
    pub fn add(&self, a: &BigUint, b: &BigUint) -> BigUint {
        (a + b) % &self.p
    }

    /// `a − b mod p`.
    pub fn sub(&self, a: &BigUint, b: &BigUint) -> BigUint {
        (a + &self.p - (b % &self.p)) % &self.p
    }

    /// `−a mod p`.
    pub fn neg(&self, a: &BigUint) -> BigUint {
        (&self.p - (a % &self.p)) % &self.p
    }

    /// `a·b mod p`.
    pub fn mul(&self, a: &BigUint, b: &BigUint) -> BigUint {
        (a * b) % &self.p
    }

    /// `a^e mod p`, `0^0 = 1`.
    pub fn pow(&self, a: &BigUint, e: &BigUint) -> BigUint {
        a.modpow(e, &self.p)
    }

    /// `a^(p−2)`, the inverse for `a ≠ 0`; `None` for zero.
    pub fn inverse(&self, a: &BigUint) -> Option<BigUint> {
        let a = a % &self.p;
        (a != BigUint::ZERO).then(|| a.modpow(&(&self.p - 2u32), &self.p))
    }
}

/// Arithmetic in `Fp[X]/(X² − w)` on pairs `(c0, c1)` of canonical representatives.
#[derive(Clone, Debug)]
pub struct QuadraticRef {
    base: PrimeRef,
    w: BigUint,
}

/// An element `c0 + c1·X` of a [`QuadraticRef`] extension.
pub type Quad = (BigUint, BigUint);

impl QuadraticRef {
    /// The extension of `F` by a square root of `w`.
    pub fn new<F: PrimeField>(w: u64) -> Self {
        Self {
            base: PrimeRef::of::<F>(),
            w: BigUint::from(w),
        }
    }

    /// The base-field reference.
    pub fn base(&self) -> &PrimeRef {
        &self.base
    }

    /// Componentwise sum.
    pub fn add(&self, a: &Quad, b: &Quad) -> Quad {
        (self.base.add(&a.0, &b.0), self.base.add(&a.1, &b.1))
    }

    /// Componentwise difference.
    pub fn sub(&self, a: &Quad, b: &Quad) -> Quad {
        (self.base.sub(&a.0, &b.0), self.base.sub(&a.1, &b.1))
    }

    /// Componentwise negation.
    pub fn neg(&self, a: &Quad) -> Quad {
        (self.base.neg(&a.0), self.base.neg(&a.1))
    }

    /// Schoolbook product with X² = w.
    pub fn mul(&self, a: &Quad, b: &Quad) -> Quad {
        let p = self.base.modulus();
        let c0 = (&a.0 * &b.0 + &self.w * &a.1 * &b.1) % p;
        let c1 = (&a.0 * &b.1 + &a.1 * &b.0) % p;
        (c0, c1)
    }

    /// `a^e` by square-and-multiply.
    pub fn pow(&self, a: &Quad, e: &BigUint) -> Quad {
        let mut acc = (BigUint::from(1u32), BigUint::ZERO);
        for i in (0..e.bits()).rev() {
            acc = self.mul(&acc, &acc);
            if e.bit(i) {
                acc = self.mul(&acc, a);
            }
        }
        acc
    }

    /// `a^(p²−2)`, the inverse for `a ≠ 0`; `None` for zero.
    pub fn inverse(&self, a: &Quad) -> Option<Quad> {
        if a.0 == BigUint::ZERO && a.1 == BigUint::ZERO {
            return None;
        }
        let p = self.base.modulus();
        Some(self.pow(a, &(p * p - 2u32)))
    }
}

/// The canonical representative of a prime-field element.
pub fn to_big<F: PrimeField>(x: &F) -> BigUint {
    x.as_canonical_biguint()
}
