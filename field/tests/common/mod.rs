//! The generic field suite, written once and stamped out per field by `field_suite!`
//! (arkworks' test-templates idea). Every check takes its inputs as arguments so the same
//! function serves the exhaustive edge-value loops and the proptest cases.
#![allow(dead_code)]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use carbide_field::reference::{PrimeRef, QuadraticRef, to_big};
use carbide_field::{
    ExtensionField, Field, Goldilocks, GoldilocksExt2, PackedField, PrimeField, decode_slice,
    encode_slice, par_batch_inverse_in_place,
};
use num_bigint::BigUint;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Fixed seed: failures reproduce.
pub fn rng(stream: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(0xC0FFEE ^ stream)
}

/// What the suite needs beyond `Field`: edge values and a sampler that also produces every
/// legal internal representation (non-canonical ones for Goldilocks).
pub trait TestField: Field {
    fn edge_values() -> Vec<Self>;
    fn sample_repr(rng: &mut ChaCha8Rng) -> Self {
        Self::random(rng)
    }
}

/// Integers near the limb and word boundaries the issue names, reduced mod p.
pub fn prime_edges<F: PrimeField>() -> Vec<F> {
    let p = F::order();
    let two = BigUint::from(2u32);
    let mut v: Vec<BigUint> = vec![
        0u32.into(),
        1u32.into(),
        2u32.into(),
        &p - 1u32,
        &p - 2u32,
        (&p - 1u32) / 2u32,
        (&p + 1u32) / 2u32,
    ];
    for e in [32u32, 63, 64, 96, 128, 192] {
        let x = two.pow(e);
        v.push(&x - 1u32);
        v.push(x.clone());
        v.push(x + 1u32);
    }
    let mut out: Vec<F> = v.iter().map(F::from_biguint).collect();
    out.dedup();
    out
}

impl TestField for Goldilocks {
    fn edge_values() -> Vec<Self> {
        let mut v = prime_edges::<Self>();
        // Non-canonical representations: the same elements as 0, 1, 2^32 − 2, … with other bits.
        for raw in [
            Goldilocks::ORDER,
            Goldilocks::ORDER + 1,
            u64::MAX - 1,
            u64::MAX,
        ] {
            v.push(Goldilocks::from_noncanonical_u64(raw));
        }
        v
    }

    fn sample_repr(rng: &mut ChaCha8Rng) -> Self {
        match rng.gen_range(0..4) {
            0 => Goldilocks::from_noncanonical_u64(rng.gen_range(Goldilocks::ORDER..=u64::MAX)),
            1 => Goldilocks::from_noncanonical_u64(rng.r#gen()),
            _ => Goldilocks::random(rng),
        }
    }
}

impl TestField for GoldilocksExt2 {
    fn edge_values() -> Vec<Self> {
        let base = Goldilocks::edge_values();
        let picks = [0, 1, 3, 5, 9, base.len() - 1];
        let mut v = Vec::new();
        for &i in &picks {
            for &j in &picks {
                v.push(GoldilocksExt2::new(base[i], base[j]));
            }
        }
        v
    }

    fn sample_repr(rng: &mut ChaCha8Rng) -> Self {
        GoldilocksExt2::new(Goldilocks::sample_repr(rng), Goldilocks::sample_repr(rng))
    }
}

impl TestField for ark_bn254::Fr {
    fn edge_values() -> Vec<Self> {
        prime_edges()
    }
}

impl TestField for ark_bls12_381::Fr {
    fn edge_values() -> Vec<Self> {
        prime_edges()
    }
}

/// Edge values followed by `n` random ones.
pub fn inputs<F: TestField>(n: usize, stream: u64) -> Vec<F> {
    let mut r = rng(stream);
    let mut v = F::edge_values();
    v.extend((0..n).map(|_| F::sample_repr(&mut r)));
    v
}

fn hash_of<T: Hash>(x: &T) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

/// Element from a proptest seed: an edge value or a random representation.
pub fn from_seed<F: TestField>(seed: u64, pick_edge: bool) -> F {
    if pick_edge {
        let e = F::edge_values();
        e[(seed % e.len() as u64) as usize]
    } else {
        F::sample_repr(&mut rng(seed))
    }
}

// ---------------------------------------------------------------------------------------------
// Laws.

pub fn check_ring_laws<F: Field>(a: F, b: F, c: F) {
    assert_eq!(a + b, b + a, "a+b commutes");
    assert_eq!((a + b) + c, a + (b + c), "+ associates");
    assert_eq!(a * b, b * a, "a*b commutes");
    assert_eq!((a * b) * c, a * (b * c), "* associates");
    assert_eq!(a * (b + c), a * b + a * c, "distributes");
    assert_eq!((a - b) + b, a, "sub inverts add");
    assert_eq!(a - b, a + (-b), "sub is add of negation");
    assert_eq!(a - b, -(b - a), "sub antisymmetric");
    let mut x = a;
    x += b;
    assert_eq!(x, a + b);
    x -= c;
    assert_eq!(x, a + b - c);
    x *= c;
    assert_eq!(x, (a + b - c) * c);
}

pub fn check_unary_laws<F: Field>(a: F) {
    assert_eq!(a + F::ZERO, a);
    assert_eq!(a * F::ONE, a);
    assert_eq!(a * F::ZERO, F::ZERO);
    assert_eq!(a + (-a), F::ZERO);
    assert_eq!(-(-a), a);
    assert_eq!(a.double(), a + a);
    assert_eq!(a.square(), a * a);
    assert_eq!(a.cube(), a * a * a);
    assert_eq!(a.exp_power_of_2(3), a.square().square().square());
    assert_eq!(a.exp_u64(0), F::ONE);
    assert_eq!(a.exp_u64(1), a);
    assert_eq!(a.exp_u64(5), a * a * a * a * a);
    assert_eq!(a.pow([5u64]), a.exp_u64(5));
    // A two-limb exponent 2^64 + 3 = (a^(2^32))^(2^32) · a³.
    assert_eq!(a.pow([3u64, 1]), a.exp_power_of_2(64) * a.cube());
    assert_eq!(a.is_zero(), a == F::ZERO);
    match a.try_inverse() {
        None => assert!(a.is_zero(), "only zero lacks an inverse"),
        Some(inv) => {
            assert_eq!(a * inv, F::ONE);
            assert_eq!(inv.try_inverse(), Some(a));
        }
    }
    // Fermat: a^(q−1) = 1 for a ≠ 0, with q the order of the field.
    let q_minus_1 = F::order() - 1u32;
    let limbs: Vec<u64> = q_minus_1.iter_u64_digits().collect();
    let expected = if a.is_zero() { F::ZERO } else { F::ONE };
    assert_eq!(a.pow(&limbs), expected);
    // Equal elements hash equally, whatever their internal bits.
    let same = a + F::ZERO;
    assert_eq!(hash_of(&a), hash_of(&same));
    // The encoding is canonical: one byte string per element.
    let enc = a.to_canonical_bytes();
    assert_eq!(enc.len(), F::ENCODED_LEN);
    assert_eq!(F::from_canonical_bytes(&enc), Ok(a));
    assert_eq!((a * F::ONE).to_canonical_bytes(), enc);
}

pub fn check_constants<F: Field>() {
    assert_ne!(F::ZERO, F::ONE);
    assert!(F::ZERO.is_zero());
    assert!(F::ONE.is_one());
    assert_eq!(F::default(), F::ZERO);
    assert_eq!(F::from_u64(0), F::ZERO);
    assert_eq!(F::from_u64(1), F::ONE);
    assert_eq!(F::from_u64(2), F::ONE + F::ONE);
    assert_eq!(F::ZERO.try_inverse(), None);
    let xs: Vec<F> = (1..=10u64).map(F::from_u64).collect();
    assert_eq!(xs.iter().copied().sum::<F>(), F::from_u64(55));
    assert_eq!(xs.iter().copied().product::<F>(), F::from_u64(3_628_800));
    let g = F::from_u64(3);
    let p: Vec<F> = g.powers().take(5).collect();
    assert_eq!(p, vec![F::ONE, g, g * g, g * g * g, g.exp_u64(4)]);
}

pub fn check_random<F: Field>() {
    let mut r = rng(7);
    let xs: Vec<F> = (0..64).map(|_| F::random(&mut r)).collect();
    let distinct: std::collections::HashSet<_> = xs.iter().collect();
    assert!(
        distinct.len() >= 60,
        "64 samples should be (almost surely) distinct"
    );
    let mut r2 = rng(7);
    let ys: Vec<F> = (0..64).map(|_| F::random(&mut r2)).collect();
    assert_eq!(xs, ys, "a fixed seed reproduces");
}

pub fn check_batch_inverse<F: TestField>(n: usize) {
    let mut xs = inputs::<F>(n, 11);
    xs.insert(0, F::ZERO);
    xs.push(F::ZERO);
    let expected: Vec<F> = xs
        .iter()
        .map(|x| x.try_inverse().unwrap_or(F::ZERO))
        .collect();
    assert_eq!(F::batch_inverse(&xs), expected);
    let mut generic = xs.clone();
    carbide_field::montgomery_batch_inverse_in_place(&mut generic);
    assert_eq!(generic, expected);
    let mut ys = xs.clone();
    par_batch_inverse_in_place(&mut ys);
    assert_eq!(ys, expected);
    assert_eq!(carbide_field::par_batch_inverse(&xs), expected);
    assert_eq!(carbide_field::montgomery_batch_inverse(&xs), expected);
    // Enough elements for several parallel chunks, a zero in one of them.
    let mut many = inputs::<F>(3 * (1 << 12) + 5, 12);
    many[5000] = F::ZERO;
    let want: Vec<F> = many
        .iter()
        .map(|x| x.try_inverse().unwrap_or(F::ZERO))
        .collect();
    assert_eq!(carbide_field::par_batch_inverse(&many), want);
    // Every length around the interleaving width, zeros in every position.
    for n in 0..12 {
        for zero_at in 0..=n {
            let mut v: Vec<F> = xs[2..2 + n].to_vec();
            if zero_at < n {
                v[zero_at] = F::ZERO;
            }
            let want: Vec<F> = v
                .iter()
                .map(|x| x.try_inverse().unwrap_or(F::ZERO))
                .collect();
            assert_eq!(F::batch_inverse(&v), want, "n = {n}, zero at {zero_at}");
            let mut generic = v.clone();
            carbide_field::montgomery_batch_inverse_in_place(&mut generic);
            assert_eq!(generic, want, "generic: n = {n}, zero at {zero_at}");
        }
    }
    assert!(F::batch_inverse(&[]).is_empty());
    assert_eq!(F::batch_inverse(&[F::ZERO]), vec![F::ZERO]);
}

pub fn check_slice_codec<F: TestField>() {
    let xs = inputs::<F>(20, 3);
    let bytes = encode_slice(&xs);
    assert_eq!(bytes.len(), xs.len() * F::ENCODED_LEN);
    assert_eq!(decode_slice::<F>(&bytes).unwrap(), xs);
    assert!(
        decode_slice::<F>(&bytes[..bytes.len() - 1]).is_err(),
        "truncated"
    );
    assert!(decode_slice::<F>(&[]).unwrap().is_empty());
    // Too short and too long single elements.
    let one = F::ONE.to_canonical_bytes();
    assert!(F::from_canonical_bytes(&one[..one.len() - 1]).is_err());
    let mut long = one.clone();
    long.push(0);
    assert!(F::from_canonical_bytes(&long).is_err());
    assert!(F::from_canonical_bytes(&[]).is_err());
    // All-ones bytes exceed every modulus here.
    let ff = vec![0xffu8; F::ENCODED_LEN];
    assert!(
        F::from_canonical_bytes(&ff).is_err(),
        "2^k − 1 ≥ p is non-canonical"
    );
}

pub fn check_extension<B: Field, E: ExtensionField<B> + TestField>() {
    let xs = inputs::<E>(20, 5);
    for &x in &xs {
        let coeffs = x.as_base_slice();
        assert_eq!(coeffs.len(), E::DEGREE);
        assert_eq!(E::from_base_slice(coeffs), Ok(x));
        let b = coeffs[0];
        assert_eq!(E::from_base(b).as_base(), Some(b));
        assert_eq!(
            x * E::from_base(b),
            x * b,
            "Mul<Base> agrees with embedding"
        );
        assert_eq!(x + E::from_base(b), x + b);
        assert_eq!(x - E::from_base(b), x - b);
    }
    assert!(E::from_base_slice(&[]).is_err());
    assert!(E::from_base_slice(&vec![B::ONE; E::DEGREE + 1]).is_err());
}

// ---------------------------------------------------------------------------------------------
// Differential checks against the big-integer reference.

pub fn diff_prime<F: PrimeField + TestField>(a: F, b: F, e: u64) {
    let r = PrimeRef::of::<F>();
    let (ab, bb) = (to_big(&a), to_big(&b));
    assert!(&ab < r.modulus(), "canonical representative below p");
    let big = F::from_biguint;
    assert_eq!(a + b, big(&r.add(&ab, &bb)), "add {a:?} {b:?}");
    assert_eq!(a - b, big(&r.sub(&ab, &bb)), "sub {a:?} {b:?}");
    assert_eq!(a * b, big(&r.mul(&ab, &bb)), "mul {a:?} {b:?}");
    assert_eq!(-a, big(&r.neg(&ab)), "neg {a:?}");
    assert_eq!(a.square(), big(&r.mul(&ab, &ab)), "square {a:?}");
    assert_eq!(a.double(), big(&r.add(&ab, &ab)), "double {a:?}");
    assert_eq!(
        a.exp_u64(e),
        big(&r.pow(&ab, &BigUint::from(e))),
        "exp {a:?}^{e}"
    );
    assert_eq!(
        a.try_inverse(),
        r.inverse(&ab).map(|x| big(&x)),
        "inverse {a:?}"
    );
    // A multi-limb exponent, little-endian limbs as arkworks takes them.
    let limbs = [e, e.rotate_left(17) ^ 0xA5A5, 3];
    let e_big = BigUint::from_slice(&[
        limbs[0] as u32,
        (limbs[0] >> 32) as u32,
        limbs[1] as u32,
        (limbs[1] >> 32) as u32,
        3,
    ]);
    assert_eq!(a.pow(limbs), big(&r.pow(&ab, &e_big)), "pow {a:?}^{e_big}");
    let xs = [a, b, a * b, -a];
    let sum = xs.iter().fold(BigUint::ZERO, |s, x| r.add(&s, &to_big(x)));
    let prod = xs
        .iter()
        .fold(BigUint::from(1u32), |s, x| r.mul(&s, &to_big(x)));
    assert_eq!(xs.iter().copied().sum::<F>(), big(&sum), "sum");
    assert_eq!(xs.iter().copied().product::<F>(), big(&prod), "product");
    // The result's bytes are those of the reference's integer.
    let prod = r.mul(&ab, &bb);
    let mut want = prod.to_bytes_le();
    want.resize(F::ENCODED_LEN, 0);
    assert_eq!(
        (a * b).to_canonical_bytes(),
        want,
        "encoding of {a:?}·{b:?}"
    );
    assert_eq!(
        a.cmp(&b),
        ab.cmp(&bb),
        "order is the canonical integers' order"
    );
    assert_eq!(F::from_u64(e), big(&BigUint::from(e)), "from_u64 {e}");
}

pub fn diff_ext2(a: GoldilocksExt2, b: GoldilocksExt2, e: u64) {
    let r = QuadraticRef::new::<Goldilocks>(7);
    let q = |x: &GoldilocksExt2| (to_big(&x.0[0]), to_big(&x.0[1]));
    let back = |(c0, c1): (BigUint, BigUint)| {
        GoldilocksExt2::new(Goldilocks::from_biguint(&c0), Goldilocks::from_biguint(&c1))
    };
    let (qa, qb) = (q(&a), q(&b));
    assert_eq!(a + b, back(r.add(&qa, &qb)), "add {a:?} {b:?}");
    assert_eq!(a - b, back(r.sub(&qa, &qb)), "sub {a:?} {b:?}");
    assert_eq!(a * b, back(r.mul(&qa, &qb)), "mul {a:?} {b:?}");
    assert_eq!(-a, back(r.neg(&qa)), "neg {a:?}");
    assert_eq!(a.square(), back(r.mul(&qa, &qa)), "square {a:?}");
    assert_eq!(
        a.exp_u64(e),
        back(r.pow(&qa, &BigUint::from(e))),
        "exp {a:?}^{e}"
    );
    assert_eq!(a.try_inverse(), r.inverse(&qa).map(back), "inverse {a:?}");
    let e_big = (BigUint::from(e) << 64u32) + BigUint::from(e ^ 0x5A5A);
    assert_eq!(
        a.pow([e ^ 0x5A5A, e]),
        back(r.pow(&qa, &e_big)),
        "pow {a:?}^{e_big}"
    );
    assert_eq!(
        a * b.0[0],
        back(r.mul(&qa, &(q(&b).0, BigUint::ZERO))),
        "mul by base"
    );
}

/// `F::Packing` lane by lane equals the scalar operations, inside `vectorized` (SIMD) and
/// outside it, on every pair of edge values and on random (also non-canonical) inputs.
pub fn check_packing<F: TestField>() {
    let w = <F::Packing as PackedField>::WIDTH;
    let mut xs = F::edge_values();
    let mut r = rng(9);
    xs.extend((0..64).map(|_| F::sample_repr(&mut r)));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for &x in &xs {
        for &y in &xs {
            a.push(x);
            b.push(y);
        }
    }
    let len = a.len() / w * w;
    let lanes = |v: &[F], f: fn(F::Packing, F::Packing) -> F::Packing| -> Vec<F> {
        let mut out = vec![F::ZERO; len];
        for ((o, x), y) in out
            .chunks_exact_mut(w)
            .zip(v.chunks_exact(w))
            .zip(b.chunks_exact(w))
        {
            f(F::Packing::load(x), F::Packing::load(y)).store(o);
        }
        out
    };
    type Op<P> = fn(P, P) -> P;
    type Case<F> = (&'static str, Op<<F as Field>::Packing>, Op<F>);
    let ops: [Case<F>; 3] = [
        ("add", |x, y| x + y, |x, y| x + y),
        ("sub", |x, y| x - y, |x, y| x - y),
        ("mul", |x, y| x * y, |x, y| x * y),
    ];
    for (name, packed, scalar) in ops {
        let expect: Vec<F> = a[..len]
            .iter()
            .zip(&b)
            .map(|(&x, &y)| scalar(x, y))
            .collect();
        let simd = F::Packing::vectorized(|| lanes(&a, packed));
        assert!(
            expect == simd,
            "{name}: packed (vectorized) differs from scalar"
        );
        assert!(
            expect == lanes(&a, packed),
            "{name}: packed differs from scalar"
        );
    }
    let x = F::sample_repr(&mut r);
    let mut out = vec![F::ZERO; w];
    F::Packing::broadcast(x).store(&mut out);
    assert!(out.iter().all(|&o| o == x), "broadcast");
    let p = F::Packing::from_fn(|i| F::from_u64(i as u64));
    p.store(&mut out);
    assert!(
        out.iter()
            .enumerate()
            .all(|(i, &o)| o == F::from_u64(i as u64)),
        "from_fn"
    );
}

/// Stamps out the generic suite for one field.
#[macro_export]
macro_rules! field_suite {
    ($name:ident, $F:ty) => {
        mod $name {
            use super::common::*;
            use proptest::prelude::*;

            type F = $F;

            #[test]
            fn constants() {
                check_constants::<F>();
            }

            #[test]
            fn unary_laws_on_edges_and_random() {
                for a in inputs::<F>(200, 1) {
                    check_unary_laws(a);
                }
            }

            #[test]
            fn ring_laws_on_edge_triples() {
                let e = F::edge_values();
                let e = &e[..e.len().min(14)];
                for &a in e {
                    for &b in e {
                        for &c in e {
                            check_ring_laws(a, b, c);
                        }
                    }
                }
            }

            #[test]
            fn ring_laws_on_random() {
                let xs = inputs::<F>(300, 2);
                for w in xs.windows(3) {
                    check_ring_laws(w[0], w[1], w[2]);
                }
            }

            #[test]
            fn random_is_seeded_and_spread() {
                check_random::<F>();
            }

            #[test]
            fn batch_inverse_matches_single() {
                check_batch_inverse::<F>(5000);
            }

            #[test]
            fn packing_matches_scalar() {
                check_packing::<F>();
            }

            #[test]
            fn slice_codec() {
                check_slice_codec::<F>();
            }

            proptest! {
                #![proptest_config(ProptestConfig::with_cases(256))]
                #[test]
                fn prop_ring_laws(sa: u64, sb: u64, sc: u64, ea: bool, eb: bool, ec: bool) {
                    let (a, b, c): (F, F, F) =
                        (from_seed(sa, ea), from_seed(sb, eb), from_seed(sc, ec));
                    check_ring_laws(a, b, c);
                    check_unary_laws(a);
                }
            }
        }
    };
}
