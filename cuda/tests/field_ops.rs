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
type BinaryOp = fn(Goldilocks, Goldilocks) -> Goldilocks;

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
            .binary_u64(kernel, &a, &b)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, cpu(f), "{kernel} on {}", gpu.info().name);
    }
    assert!(gpu.binary_u64("goldilocks_add", &a, &b[..3]).is_err());
}
