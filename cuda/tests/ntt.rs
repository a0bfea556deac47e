//! The GPU NTT against the CPU's (`Radix2Dit`), bit for bit: every size 2^0..2^24 forward and
//! inverse, batches, cosets, low-degree extensions, resident data, and bad shapes refused
//! with the input untouched. Goldilocks results must be canonical words. Without a device:
//! `skipped: no CUDA device`, unless `REQUIRE_GPU=1`.

mod common;

use ark_bn254::Fr;
use carbide_cuda::{CudaNtt, Gpu, GpuField};
use carbide_field::{Field, Goldilocks};
use carbide_ntt::{Ntt, NttError, Radix2Dit};
use common::gpu;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn random<F: Field>(n: usize, seed: u64) -> Vec<F> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| F::random(&mut rng)).collect()
}

/// Equal as field elements and, for Goldilocks, stored canonically (the kernels' store).
trait Exact: Field {
    fn exact(gpu: &[Self], cpu: &[Self]) -> bool {
        gpu == cpu
    }
}

impl Exact for Fr {}

impl Exact for Goldilocks {
    fn exact(gpu: &[Self], cpu: &[Self]) -> bool {
        gpu.len() == cpu.len()
            && gpu
                .iter()
                .zip(cpu)
                .all(|(g, c)| g.as_noncanonical_u64() == c.as_canonical_u64())
    }
}

fn setup<F: GpuField>() -> Option<(Gpu, CudaNtt<F>, Radix2Dit<F>)> {
    let gpu = gpu()?;
    let ntt = CudaNtt::<F>::new(&gpu).unwrap_or_else(|e| panic!("{e}"));
    Some((gpu, ntt, Radix2Dit::new()))
}

fn every_size<F: GpuField + Exact>(max_log: u32) {
    let Some((_, gpu, cpu)) = setup::<F>() else {
        return;
    };
    for log_n in 0..=max_log {
        let input: Vec<F> = random(1 << log_n, u64::from(log_n));
        let (mut g, mut c) = (input.clone(), input.clone());
        gpu.ntt_batch(&mut g, 1)
            .unwrap_or_else(|e| panic!("2^{log_n}: {e}"));
        cpu.ntt_batch(&mut c, 1).unwrap();
        assert!(F::exact(&g, &c), "forward 2^{log_n}");
        gpu.intt_batch(&mut g, 1).unwrap();
        assert!(F::exact(&g, &input), "inverse 2^{log_n}");
    }
}

fn batches<F: GpuField + Exact>() {
    let Some((_, gpu, cpu)) = setup::<F>() else {
        return;
    };
    let shift = F::coset_shift();
    for (log_n, width) in [
        (0u32, 5usize),
        (3, 2),
        (10, 7),
        (13, 3),
        (16, 16),
        (12, 100),
    ] {
        let input: Vec<F> = random(width << log_n, 1000 + u64::from(log_n));
        type Op<F> = fn(&dyn Ntt<F>, &mut [F], usize, F) -> Result<(), NttError>;
        let ops: [(&str, Op<F>); 4] = [
            ("forward", |n, v, w, _| n.ntt_batch(v, w)),
            ("inverse", |n, v, w, _| n.intt_batch(v, w)),
            ("coset", |n, v, w, s| n.coset_ntt_batch(v, w, s)),
            ("coset inverse", |n, v, w, s| n.coset_intt_batch(v, w, s)),
        ];
        for (name, op) in ops {
            let (mut g, mut c) = (input.clone(), input.clone());
            op(&gpu, &mut g, width, shift).unwrap_or_else(|e| panic!("{name}: {e}"));
            op(&cpu, &mut c, width, shift).unwrap();
            assert!(F::exact(&g, &c), "{name} 2^{log_n}×{width}");
        }
        for added in [1usize, 3] {
            let g = gpu.coset_lde_batch(&input, width, added, shift).unwrap();
            let c = cpu.coset_lde_batch(&input, width, added, shift).unwrap();
            assert!(F::exact(&g, &c), "LDE 2^{log_n}×{width} +{added}");
        }
    }
}

fn resident<F: GpuField + Exact>() {
    let Some((dev, gpu, cpu)) = setup::<F>() else {
        return;
    };
    let (log_n, width) = (18u32, 2usize);
    let input: Vec<F> = random(width << log_n, 77);
    let mut data = dev.upload(&input).unwrap();
    let mut work = dev.alloc::<F>(input.len()).unwrap();
    gpu.ntt_device(&mut data, &mut work, width).unwrap();
    // The NTT runs on its own stream: read back through it.
    let got = data.download(gpu.gpu()).unwrap();
    let mut c = input.clone();
    cpu.ntt_batch(&mut c, width).unwrap();
    assert!(F::exact(&got, &c));
    assert!(
        gpu.ntt_device(&mut data, &mut work, 3).is_err(),
        "rows not a power of two"
    );
    let mut short = dev.alloc::<F>(4).unwrap();
    assert!(
        gpu.ntt_device(&mut data, &mut short, width).is_err(),
        "short work buffer"
    );
}

/// Batches larger than the memory the NTT may use go through in groups of columns.
fn chunked<F: GpuField + Exact>() {
    let Some((dev, _, cpu)) = setup::<F>() else {
        return;
    };
    // 64 MiB of margin, the twiddles, and room for about two columns of 2^18.
    let column = 2u64 << 18 << 3 << (F::WORDS.trailing_zeros());
    let limit = ((64u64 << 20) + column * 5 / 2 + (1 << 21) * F::WORDS as u64) * 10 / 9;
    let gpu = CudaNtt::<F>::new(&dev).unwrap().with_memory_limit(limit);
    let width = 5;
    let input: Vec<F> = random(width << 18, 8);
    let (mut g, mut c) = (input.clone(), input.clone());
    gpu.ntt_batch(&mut g, width).unwrap();
    cpu.ntt_batch(&mut c, width).unwrap();
    assert!(F::exact(&g, &c), "grouped forward");
    let shift = F::coset_shift();
    let g = gpu
        .coset_lde_batch(&input[..width << 16], width, 1, shift)
        .unwrap();
    let c = cpu
        .coset_lde_batch(&input[..width << 16], width, 1, shift)
        .unwrap();
    assert!(F::exact(&g, &c), "grouped LDE");
    // Not even one column fits: an error, and the input is untouched.
    let tiny = CudaNtt::<F>::new(&dev).unwrap().with_memory_limit(1 << 20);
    let mut v = input.clone();
    assert!(matches!(
        tiny.ntt_batch(&mut v, width),
        Err(NttError::Backend { .. })
    ));
    assert_eq!(v, input);
}

fn bad_shapes<F: GpuField + Exact>() {
    let Some((_, gpu, _)) = setup::<F>() else {
        return;
    };
    let input: Vec<F> = random(24, 3);
    let mut v = input.clone();
    assert!(matches!(
        gpu.ntt_batch(&mut v, 5),
        Err(NttError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        gpu.ntt_batch(&mut v, 1),
        Err(NttError::NotPowerOfTwo { .. })
    ));
    assert!(matches!(
        gpu.ntt_batch(&mut [], 1),
        Err(NttError::NotPowerOfTwo { .. })
    ));
    assert!(matches!(
        gpu.coset_intt_batch(&mut v[..16], 1, F::ZERO),
        Err(NttError::ZeroShift)
    ));
    assert!(matches!(
        gpu.coset_lde_batch(&v[..16], 1, 2, F::ZERO),
        Err(NttError::ZeroShift)
    ));
    assert!(matches!(
        gpu.coset_lde_batch(&v[..16], 1, F::TWO_ADICITY, F::ONE),
        Err(NttError::TooLarge { .. })
    ));
    assert_eq!(v, input, "refused calls change nothing");
}

macro_rules! suite {
    ($name:ident, $field:ty, $max_log:expr) => {
        mod $name {
            use super::*;

            #[test]
            fn every_size_matches_the_cpu() {
                every_size::<$field>($max_log);
            }

            #[test]
            fn batches_cosets_and_ldes_match_the_cpu() {
                batches::<$field>();
            }

            #[test]
            fn resident_data_matches_the_cpu() {
                resident::<$field>();
            }

            #[test]
            fn batches_beyond_the_memory_limit_go_in_groups() {
                chunked::<$field>();
            }

            #[test]
            fn bad_shapes_are_refused() {
                bad_shapes::<$field>();
            }
        }
    };
}

suite!(goldilocks, Goldilocks, 24);
suite!(bn254_fr, Fr, 24);
