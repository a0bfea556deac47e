//! Goldilocks arithmetic on arbitrary bit patterns (non-canonical ones included) against the
//! big-integer reference.
#![no_main]

use carbide_field::reference::PrimeRef;
use carbide_field::{Field, Goldilocks, PrimeField};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;

fuzz_target!(|input: (u64, u64, u64, u128)| {
    let (ra, rb, e, wide) = input;
    let r = PrimeRef::of::<Goldilocks>();
    let (a, b) = (Goldilocks::from_noncanonical_u64(ra), Goldilocks::from_noncanonical_u64(rb));
    let (ba, bb) = (BigUint::from(ra), BigUint::from(rb));
    let back = |x: BigUint| Goldilocks::from_biguint(&x);
    assert_eq!(a.as_canonical_u64() as u128, ra as u128 % Goldilocks::ORDER as u128);
    assert_eq!(a + b, back(r.add(&ba, &bb)));
    assert_eq!(a - b, back(r.sub(&ba, &bb)));
    assert_eq!(a * b, back(r.mul(&ba, &bb)));
    assert_eq!(-a, back(r.neg(&ba)));
    assert_eq!(a.square(), back(r.mul(&ba, &ba)));
    assert_eq!(a.exp_u64(e), back(r.pow(&ba, &BigUint::from(e))));
    assert_eq!(a.try_inverse(), r.inverse(&ba).map(back));
    assert_eq!(
        Goldilocks::from_u128(wide).as_canonical_u64() as u128,
        wide % Goldilocks::ORDER as u128
    );
    // Results are valid inputs again: the canonical value of a sum of results is consistent.
    let s = (a * b) + (a - b);
    assert_eq!(s.as_canonical_biguint(), r.add(&r.mul(&ba, &bb), &r.sub(&ba, &bb)));
});
