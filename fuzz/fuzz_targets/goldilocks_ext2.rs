//! The quadratic extension on arbitrary coordinates against the big-integer reference
//! (Fp[X]/(X² − 7), inversion by Fermat in the extension).
#![no_main]

use carbide_field::reference::QuadraticRef;
use carbide_field::{Field, Goldilocks, GoldilocksExt2, PrimeField};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;

fuzz_target!(|input: ([u64; 4], u64)| {
    let ([a0, a1, b0, b1], e) = input;
    let g = Goldilocks::from_noncanonical_u64;
    let a = GoldilocksExt2::new(g(a0), g(a1));
    let b = GoldilocksExt2::new(g(b0), g(b1));
    let r = QuadraticRef::new::<Goldilocks>(7);
    let q = |x: &GoldilocksExt2| (x.0[0].as_canonical_biguint(), x.0[1].as_canonical_biguint());
    let back = |(c0, c1): (BigUint, BigUint)| {
        GoldilocksExt2::new(Goldilocks::from_biguint(&c0), Goldilocks::from_biguint(&c1))
    };
    let (qa, qb) = (q(&a), q(&b));
    assert_eq!(a + b, back(r.add(&qa, &qb)));
    assert_eq!(a - b, back(r.sub(&qa, &qb)));
    assert_eq!(a * b, back(r.mul(&qa, &qb)));
    assert_eq!(-a, back(r.neg(&qa)));
    assert_eq!(a.square(), back(r.mul(&qa, &qa)));
    assert_eq!(a.exp_u64(e), back(r.pow(&qa, &BigUint::from(e))));
    assert_eq!(a.try_inverse(), r.inverse(&qa).map(back));
});
