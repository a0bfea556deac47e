//! The IFMA Montgomery arithmetic against arkworks, lane by lane, on edge and random values,
//! including the non-canonical inputs the lazy butterflies feed it (below 2p or 4p).
#![cfg(target_arch = "x86_64")]

use ark_ff::BigInt;
use carbide_field::Field;
use carbide_field::mont52::{Block, LANES, Mont52, from_limbs52, ifma, load, store, to_limbs52};
use num_bigint::BigUint;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn words(b: &BigUint) -> [u64; 4] {
    let d = b.to_u64_digits();
    core::array::from_fn(|i| d.get(i).copied().unwrap_or(0))
}

fn big(w: [u64; 4]) -> BigUint {
    BigUint::from_slice(
        &w.iter()
            .flat_map(|x| [*x as u32, (*x >> 32) as u32])
            .collect::<Vec<_>>(),
    )
}

/// Values below 2^260 as lanes of 52-bit limbs (not through 4 words: 4p may exceed 2^256).
fn block(values: &[BigUint; LANES]) -> Block {
    let mask = (BigUint::from(1u8) << 52) - 1u8;
    core::array::from_fn(|k| {
        core::array::from_fn(|l| words(&((&values[l] >> (52 * k)) & &mask))[0])
    })
}

fn lanes(b: &Block) -> [BigUint; LANES] {
    core::array::from_fn(|l| (0..5).map(|k| BigUint::from(b[k][l]) << (52 * k)).sum())
}

/// Raw Montgomery values to test with: edges, then random ones.
fn samples<F: Field + ark_ff::PrimeField<BigInt = BigInt<4>>>(
    rng: &mut ChaCha8Rng,
    count: usize,
) -> Vec<BigUint> {
    let p: BigUint = F::MODULUS.into();
    let one = BigUint::from(1u8);
    let mut out = vec![
        BigUint::ZERO,
        one.clone(),
        BigUint::from(2u8),
        &p - 1u8,
        &p - 2u8,
        &p >> 1,
        (&p >> 1) + 1u8,
        BigUint::from(u64::MAX),
        (&one << 52) - 1u8,
        &one << 52,
        (&one << 208) - 1u8,
        &one << 208,
    ];
    while out.len() < count {
        out.push(big(F::rand(rng).into_bigint().0[..4].try_into().unwrap()) % &p);
    }
    out
}

fn check_field<F: Field + ark_ff::PrimeField<BigInt = BigInt<4>>>() {
    let Some(s) = ifma() else {
        println!("skipped: no AVX-512 IFMA on this CPU");
        return;
    };
    let p: BigUint = F::MODULUS.into();
    let m = Mont52::new(words(&p)).unwrap();
    let r256: BigUint = BigUint::from(1u8) << 256;
    let r260: BigUint = BigUint::from(1u8) << 260;
    let r260_inv = r260.modinv(&p).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(52);
    let xs = samples::<F>(&mut rng, 256);
    let ys = samples::<F>(&mut rng, 256);

    // The hook hands out exactly what arkworks stores, and takes it back.
    for x in xs.iter().take(20) {
        let e = F::from_montgomery_limbs(words(x)).unwrap();
        assert_eq!(e.montgomery_limbs(), Some(words(x)));
        assert_eq!(big(e.into_bigint().0), (x * r256.modinv(&p).unwrap()) % &p);
    }
    assert_eq!(
        F::from_montgomery_limbs(words(&p)),
        None,
        "p itself is not canonical"
    );
    // R′ conversion: x·2^256 ↦ x·2^260.
    for x in xs.iter().take(20) {
        let want = (x * 16u8) % &p;
        assert_eq!(big(from_limbs52(m.r260_from_r256(words(x)))), want);
        assert_eq!(m.r256_from_r260(m.r260_from_r256(words(x))), words(x));
        let neg = big(from_limbs52(m.neg(to_limbs52(words(x)))));
        assert_eq!((neg + x) % &p, BigUint::ZERO);
    }

    for (chunk, (xa, ya)) in xs.chunks(LANES).zip(ys.chunks(LANES)).enumerate() {
        // Lift the inputs into the ranges each operation accepts: a < 4p for products,
        // a, b < 2p elsewhere.
        let k = chunk % 4;
        let a4: [BigUint; LANES] = core::array::from_fn(|l| &xa[l] + &p * ((k + l) % 4));
        let a2: [BigUint; LANES] = core::array::from_fn(|l| &xa[l] + &p * ((k + l) % 2));
        let b2: [BigUint; LANES] = core::array::from_fn(|l| &ya[l] + &p * ((k + l + 1) % 2));
        let (ba4, ba2, bb2) = (block(&a4), block(&a2), block(&b2));
        let outs = s.vectorize(|| {
            let c = m.splat(s);
            let (a4, a2, b2) = (load(&ba4), load(&ba2), load(&bb2));
            let results = [
                c.mul(a4, b2),
                c.add(a2, b2),
                c.sub(a2, b2),
                c.sub_lazy(a2, b2),
                c.canonical(a2),
                c.reduce_4p(a4),
                c.canonical(c.mul(a4, b2)),
            ];
            results.map(|v| {
                let mut b = [[0; LANES]; 5];
                store(v, &mut b);
                b
            })
        });
        let [mul, add, sub, sub_lazy, canon, red4, mul_canon] = outs.each_ref().map(lanes);
        for l in 0..LANES {
            let ctx = format!("lane {l}: a4={} a2={} b2={}", a4[l], a2[l], b2[l]);
            let prod = (&a4[l] * &b2[l] * &r260_inv) % &p;
            assert!(mul[l] < &p * 2u8, "{ctx}");
            assert_eq!(&mul[l] % &p, prod, "{ctx}");
            assert_eq!(mul_canon[l], prod, "{ctx}");
            assert!(add[l] < &p * 2u8 && sub[l] < &p * 2u8, "{ctx}");
            assert_eq!(&add[l] % &p, (&a2[l] + &b2[l]) % &p, "{ctx}");
            assert_eq!(&sub[l] % &p, (&a2[l] + &p * 2u8 - &b2[l]) % &p, "{ctx}");
            assert_eq!(sub_lazy[l], &a2[l] + &p * 2u8 - &b2[l], "{ctx}");
            assert_eq!(canon[l], &a2[l] % &p, "{ctx}");
            assert!(red4[l] < &p * 2u8, "{ctx}");
            assert_eq!(&red4[l] % &p, &a4[l] % &p, "{ctx}");
        }
    }

    // Through arkworks: the product of an arkworks value and an R′ constant is the arkworks
    // value of the product.
    let x = ark_ff::Field::pow(&F::from(123456789u64), [77u64]);
    let y = ark_ff::Field::inverse(&F::from(987654321u64)).unwrap();
    let bx = block(&core::array::from_fn(|_| {
        big(x.montgomery_limbs().unwrap())
    }));
    let ry = m.r260_from_r256(y.montgomery_limbs().unwrap());
    let prod = s.vectorize(|| {
        let c = m.splat(s);
        let mut out = [[0; LANES]; 5];
        store(c.canonical(c.mul(load(&bx), c.broadcast(&ry))), &mut out);
        out
    });
    for v in lanes(&prod) {
        assert_eq!(F::from_montgomery_limbs(words(&v)), Some(x * y));
    }
}

#[test]
fn bn254_fr() {
    check_field::<ark_bn254::Fr>();
}

#[test]
fn bn254_fq() {
    check_field::<ark_bn254::Fq>();
}

#[test]
fn bls12_381_fr() {
    check_field::<ark_bls12_381::Fr>();
}

#[test]
fn goldilocks_has_no_montgomery_limbs() {
    let g = carbide_field::Goldilocks::new(5);
    assert_eq!(g.montgomery_limbs(), None);
    assert_eq!(
        <carbide_field::Goldilocks as Field>::from_montgomery_limbs([5, 0, 0, 0]),
        None
    );
    // Six-word arkworks fields are not 256-bit ones.
    let q = ark_bls12_381::Fq::from(5u64);
    assert_eq!(Field::montgomery_limbs(&q), None);
}

#[test]
fn transpose_is_a_transpose() {
    let Some(s) = ifma() else {
        println!("skipped: no AVX-512 IFMA on this CPU");
        return;
    };
    let m = Mont52::new(words(
        &<ark_bn254::Fr as ark_ff::PrimeField>::MODULUS.into(),
    ))
    .unwrap();
    let rows: [[u64; 8]; 8] =
        core::array::from_fn(|r| core::array::from_fn(|l| (r * 8 + l) as u64));
    let out = s.vectorize(|| {
        let c = m.splat(s);
        c.transpose(rows.map(pulp::cast))
            .map(pulp::cast::<_, [u64; 8]>)
    });
    for r in 0..8 {
        for l in 0..8 {
            assert_eq!(out[r][l], rows[l][r]);
        }
    }
}
