//! BN254 Fr through carbide's traits (not arkworks' own) against the big-integer reference.
#![no_main]

use ark_bn254::Fr;
use carbide_field::reference::PrimeRef;
use carbide_field::{CanonicalEncoding, Field, PrimeField};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;

fuzz_target!(|input: ([u8; 32], [u8; 32], u64)| {
    let (xa, xb, e) = input;
    let r = PrimeRef::of::<Fr>();
    let (ba, bb) = (r.reduce(&BigUint::from_bytes_le(&xa)), r.reduce(&BigUint::from_bytes_le(&xb)));
    let (a, b) = (Fr::from_biguint(&ba), Fr::from_biguint(&bb));
    let back = |x: BigUint| Fr::from_biguint(&x);
    assert_eq!(a.as_canonical_biguint(), ba);
    assert_eq!(a + b, back(r.add(&ba, &bb)));
    assert_eq!(a - b, back(r.sub(&ba, &bb)));
    assert_eq!(a * b, back(r.mul(&ba, &bb)));
    assert_eq!(-a, back(r.neg(&ba)));
    assert_eq!(Field::square(&a), back(r.mul(&ba, &ba)));
    assert_eq!(a.exp_u64(e), back(r.pow(&ba, &BigUint::from(e))));
    assert_eq!(a.try_inverse(), r.inverse(&ba).map(back));
    // The raw bytes decode iff they are below p, and then to the same element.
    match Fr::from_canonical_bytes(&xa) {
        Ok(x) => assert_eq!(x.to_canonical_bytes(), xa.to_vec()),
        Err(_) => assert!(BigUint::from_bytes_le(&xa) >= *r.modulus()),
    }
});
