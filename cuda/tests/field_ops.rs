//! The field headers against the CPU, bit for bit, on edge and random raw values
//! (non-canonical ones included), on two executors: the kernels of `field_ops.cu` on a GPU,
//! and the same headers compiled as host C++ with the PTX carry flag emulated
//! (`tests/host/`). Without a device the GPU suite prints `skipped: no CUDA device`, unless
//! `REQUIRE_GPU=1`; without a C++ compiler the host suite skips, unless `REQUIRE_CXX=1`.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use carbide_cuda::Gpu;
use carbide_field::Goldilocks;
use common::gpu;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Runs `out[i] = kernel(a[i], b[i])` on elements of `words` u64 each.
trait Exec {
    fn binary(&self, kernel: &str, a: &[u64], b: &[u64], words: usize) -> Vec<u64>;
}

impl<T: Exec> Exec for &T {
    fn binary(&self, kernel: &str, a: &[u64], b: &[u64], words: usize) -> Vec<u64> {
        (**self).binary(kernel, a, b, words)
    }
}

impl Exec for Gpu {
    fn binary(&self, kernel: &str, a: &[u64], b: &[u64], words: usize) -> Vec<u64> {
        let out = Gpu::binary(self, kernel, a, b, words).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            Gpu::binary(self, kernel, a, &b[..b.len() - 1], words).is_err(),
            "unequal operands are refused"
        );
        out
    }
}

/// The field headers built as a host program (`tests/host/field_ops.cpp`).
struct Host(PathBuf);

impl Exec for Host {
    fn binary(&self, kernel: &str, a: &[u64], b: &[u64], words: usize) -> Vec<u64> {
        let mut input = String::new();
        for (x, y) in a.chunks_exact(words).zip(b.chunks_exact(words)) {
            input.push_str(kernel);
            for w in x.iter().chain(y) {
                input.push_str(&format!(" {w:x}"));
            }
            input.push('\n');
        }
        carbide_cuda::testing::run_host_program(&self.0, input)
            .split_whitespace()
            .map(|w| u64::from_str_radix(w, 16).unwrap())
            .collect()
    }
}

fn host() -> Option<Host> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    carbide_cuda::testing::host_program(&BUILT, "field_ops").map(|p| Host(p.clone()))
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

fn goldilocks_ops(exec: &impl Exec) {
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
        assert_eq!(exec.binary(kernel, &a, &b, 1), cpu(f), "{kernel}");
    }
}

/// BN254 Fr and Fq: the kernels' sums, differences and Montgomery products against arkworks,
/// on arkworks' own Montgomery limbs.
/// Every operation in both forms: on carry chains and portable.
fn bn254_ops<F: ark_ff::PrimeField + carbide_field::Field>(exec: &impl Exec, field: &str) {
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
        let want: Vec<F> = xs.iter().zip(&ys).map(|(&x, &y)| f(x, y)).collect();
        for kernel in [format!("{field}_{op}"), format!("{field}_{op}_portable")] {
            assert_eq!(exec.binary(&kernel, &a, &b, 4), words(&want), "{kernel}");
        }
    }
}

fn goldilocks_ext2_ops(exec: &impl Exec) {
    use carbide_field::GoldilocksExt2;
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
        let got = exec.binary(kernel, &a, &b, 2);
        let want: Vec<u64> = a
            .chunks_exact(2)
            .zip(b.chunks_exact(2))
            .flat_map(|(x, y)| f(ext(x), ext(y)).0.map(|c| c.as_noncanonical_u64()))
            .collect();
        assert_eq!(got, want, "{kernel}");
    }
}

/// The suite for one executor.
macro_rules! suite {
    ($name:ident, $exec:expr) => {
        mod $name {
            use super::*;

            #[test]
            fn goldilocks_ops_match_the_cpu() {
                if let Some(e) = $exec {
                    goldilocks_ops(&e);
                }
            }

            #[test]
            fn goldilocks_ext2_ops_match_the_cpu() {
                if let Some(e) = $exec {
                    goldilocks_ext2_ops(&e);
                }
            }

            #[test]
            fn bn254_fr_ops_match_arkworks() {
                if let Some(e) = $exec {
                    bn254_ops::<ark_bn254::Fr>(&e, "bn254_fr");
                }
            }

            #[test]
            fn bn254_fq_ops_match_arkworks() {
                if let Some(e) = $exec {
                    bn254_ops::<ark_bn254::Fq>(&e, "bn254_fq");
                }
            }
        }
    };
}

suite!(on_gpu, gpu());
suite!(on_host, host());
