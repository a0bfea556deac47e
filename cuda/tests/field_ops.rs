//! Field kernels against the CPU, bit for bit, on edge and random raw values (non-canonical
//! ones included). Without a device: `skipped: no CUDA device`, unless `REQUIRE_GPU=1`.

use carbide_cuda::Gpu;
use carbide_field::Goldilocks;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn gpu() -> Option<Gpu> {
    match Gpu::new(0) {
        Ok(g) => Some(g),
        Err(e) => {
            assert!(
                std::env::var("REQUIRE_GPU").map_or(true, |v| v != "1"),
                "REQUIRE_GPU=1 but {e}"
            );
            println!("skipped: no CUDA device ({e})");
            None
        }
    }
}

/// All pairs of raw edge values, then random raw pairs.
fn operands() -> (Vec<u64>, Vec<u64>) {
    const P: u64 = 0xffff_ffff_0000_0001;
    let edges = [
        0,
        1,
        2,
        P - 1,
        P,
        P + 1,
        u64::MAX,
        u64::MAX - 1,
        1 << 32,
        (1 << 32) - 1,
        1 << 63,
        P >> 1,
    ];
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for &x in &edges {
        for &y in &edges {
            a.push(x);
            b.push(y);
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..(1 << 16) {
        a.push(rng.r#gen());
        b.push(rng.r#gen());
    }
    (a, b)
}

/// A CPU field operation.
type BinaryOp<F = Goldilocks> = fn(F, F) -> F;

#[test]
fn goldilocks_ops_match_the_cpu() {
    let Some(gpu) = gpu() else { return };
    let (a, b) = operands();
    let cpu = |f: BinaryOp| -> Vec<u64> {
        a.iter()
            .zip(&b)
            .map(|(&x, &y)| {
                f(
                    Goldilocks::from_noncanonical_u64(x),
                    Goldilocks::from_noncanonical_u64(y),
                )
                .as_noncanonical_u64()
            })
            .collect()
    };
    let ops: [(&str, BinaryOp); 3] = [
        ("goldilocks_add", |x, y| x + y),
        ("goldilocks_sub", |x, y| x - y),
        ("goldilocks_mul", |x, y| x * y),
    ];
    for (kernel, f) in ops {
        let got = gpu
            .binary(kernel, &a, &b, 1)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, cpu(f), "{kernel} on {}", gpu.info().name);
    }
    assert!(gpu.binary("goldilocks_add", &a, &b[..3], 1).is_err());
}

/// BN254 Fr and Fq: the kernels' sums, differences and Montgomery products against arkworks,
/// on arkworks' own Montgomery limbs.
fn bn254_matches<F: ark_ff::PrimeField + carbide_field::Field>(field: &str) {
    let Some(gpu) = gpu() else { return };
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (zero, one) = (
        <F as carbide_field::Field>::ZERO,
        <F as carbide_field::Field>::ONE,
    );
    let mut xs = vec![zero, one, -one, one + one, -(one + one)];
    while xs.len() < 1 << 12 {
        xs.push(<F as ark_ff::UniformRand>::rand(&mut rng));
    }
    let ys: Vec<F> = xs.iter().rev().copied().collect();
    let words = |v: &[F]| -> Vec<u64> {
        v.iter()
            .flat_map(|x| x.montgomery_limbs().unwrap_or_default())
            .collect()
    };
    let (a, b) = (words(&xs), words(&ys));
    let ops: [(&str, BinaryOp<F>); 3] = [
        ("add", |x, y| x + y),
        ("sub", |x, y| x - y),
        ("mul", |x, y| x * y),
    ];
    for (op, f) in ops {
        let kernel = format!("{field}_{op}");
        let got = gpu
            .binary(&kernel, &a, &b, 4)
            .unwrap_or_else(|e| panic!("{e}"));
        let want: Vec<F> = xs.iter().zip(&ys).map(|(&x, &y)| f(x, y)).collect();
        assert_eq!(got, words(&want), "{kernel}");
    }
}

#[test]
fn bn254_fr_ops_match_arkworks() {
    bn254_matches::<ark_bn254::Fr>("bn254_fr");
}

#[test]
fn bn254_fq_ops_match_arkworks() {
    bn254_matches::<ark_bn254::Fq>("bn254_fq");
}

#[test]
fn goldilocks_ext2_ops_match_the_cpu() {
    use carbide_field::GoldilocksExt2;
    let Some(gpu) = gpu() else { return };
    let (a, b) = operands();
    // Pairs of raw words as (c0, c1); the edge block pairs every edge with every edge.
    let ext = |w: &[u64]| -> GoldilocksExt2 {
        GoldilocksExt2::new(
            Goldilocks::from_noncanonical_u64(w[0]),
            Goldilocks::from_noncanonical_u64(w[1]),
        )
    };
    let ops: [(&str, BinaryOp<GoldilocksExt2>); 3] = [
        ("goldilocks_ext2_add", |x, y| x + y),
        ("goldilocks_ext2_sub", |x, y| x - y),
        ("goldilocks_ext2_mul", |x, y| x * y),
    ];
    for (kernel, f) in ops {
        let got = gpu
            .binary(kernel, &a, &b, 2)
            .unwrap_or_else(|e| panic!("{e}"));
        let want: Vec<u64> = a
            .chunks_exact(2)
            .zip(b.chunks_exact(2))
            .flat_map(|(x, y)| f(ext(x), ext(y)).0.map(|c| c.as_noncanonical_u64()))
            .collect();
        assert_eq!(got, want, "{kernel}");
    }
}
