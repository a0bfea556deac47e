//! The GPU MSM against the CPU's (carbide-msm, itself equal to ark-ec's): the same group
//! element at every power-of-two size 2^0..2^24 for G1 and G2 and sizes around them (the G2
//! reference at 2^24 takes about a minute on a 16-core host), on random and edge inputs, with
//! resident bases, precomputed multiples, batches, chunks, every window size, and refused bad
//! inputs. Without a device:
//! `skipped: no CUDA device`, unless `REQUIRE_GPU=1`.

mod common;

use ark_bn254::Fr;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::{UniformRand, Zero};
use carbide_cuda::{CudaMsm, CudaMsmBackend, GpuCurve};
use carbide_msm::{Msm, MsmError};
use common::gpu;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// `n` distinct points quickly: runs of 4096 consecutive multiples `s_j·G + i·H`.
fn bases<P: GpuCurve>(n: usize, seed: u64) -> Vec<Affine<P>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let g = Projective::<P>::generator();
    let h = g * Fr::rand(&mut rng);
    let starts: Vec<Fr> = (0..n.div_ceil(4096)).map(|_| Fr::rand(&mut rng)).collect();
    let points: Vec<Projective<P>> = starts
        .par_iter()
        .enumerate()
        .flat_map_iter(|(j, s)| {
            let len = 4096.min(n - j * 4096);
            std::iter::successors(Some(g * s), move |p| Some(*p + h)).take(len)
        })
        .collect();
    Projective::normalize_batch(&points)
}

fn scalars(n: usize, seed: u64) -> Vec<Fr> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| Fr::rand(&mut rng)).collect()
}

fn every_size<P: GpuCurve>(max_log: u32) {
    let Some(dev) = gpu() else { return };
    let all = bases::<P>(1 << max_log, 1);
    let mut sizes: Vec<usize> = vec![1, 2, 3, 5, 7, 100, 1000, 4097];
    for k in 0..=max_log {
        sizes.push(1 << k);
        if k >= 4 && k % 4 == 0 {
            sizes.push((1 << k) - 1);
            sizes.push((1 << k) + 3);
        }
    }
    sizes.retain(|&n| n <= 1 << max_log);
    sizes.sort_unstable();
    sizes.dedup();
    for n in sizes {
        let b = &all[..n];
        let s = scalars(n, n as u64);
        let gpu = CudaMsm::new(&dev, b).unwrap_or_else(|e| panic!("n {n}: {e}"));
        let got = gpu.msm(&s).unwrap_or_else(|e| panic!("n {n}: {e}"));
        assert_eq!(got, carbide_msm::msm(b, &s).unwrap(), "{} n {n}", P::NAME);
    }
}

fn edge_inputs<P: GpuCurve>() {
    let Some(dev) = gpu() else { return };
    let n = 3000;
    let mut b = bases::<P>(n, 2);
    let mut s = scalars(n, 3);
    for i in (0..n).step_by(97) {
        b[i] = Affine::identity();
    }
    for i in (1..n).step_by(89) {
        b[i] = b[i - 1];
        s[i] = s[i - 1];
    }
    for i in (2..n).step_by(83) {
        b[i] = -b[i - 1];
        s[i] = s[i - 1];
    }
    s[10] = Fr::zero();
    s[11] = Fr::from(1u64);
    s[12] = -Fr::from(1u64);
    s[13] = -Fr::from(2u64);
    let cases: Vec<(&str, Vec<Fr>)> = vec![
        ("mixed", s.clone()),
        ("all zero", vec![Fr::zero(); n]),
        ("all equal", vec![s[5]; n]),
        ("all −1", vec![-Fr::from(1u64); n]),
        ("small", (0..n as u64).map(|i| Fr::from(i % 5)).collect()),
    ];
    let gpu = CudaMsm::new(&dev, &b).unwrap();
    for (name, s) in cases {
        assert_eq!(
            gpu.msm(&s).unwrap(),
            carbide_msm::msm(&b, &s).unwrap(),
            "{} {name}",
            P::NAME
        );
    }
    let id = vec![Affine::<P>::identity(); 17];
    let g = CudaMsm::new(&dev, &id).unwrap();
    assert!(g.msm(&scalars(17, 4)).unwrap().is_zero());
    let empty = CudaMsm::<P>::new(&dev, &[]).unwrap();
    assert!(empty.msm(&[]).unwrap().is_zero());
}

fn context_batches_chunks_windows<P: GpuCurve>() {
    let Some(dev) = gpu() else { return };
    let n = 1 << 14;
    let b = bases::<P>(n, 5);
    let sets: Vec<Vec<Fr>> = (0..4).map(|k| scalars(n, 10 + k)).collect();
    let want: Vec<Projective<P>> = sets
        .iter()
        .map(|s| carbide_msm::msm(&b, s).unwrap())
        .collect();
    let ctx = CudaMsm::new(&dev, &b).unwrap();
    let refs: Vec<&[Fr]> = sets.iter().map(Vec::as_slice).collect();
    assert_eq!(ctx.msm_batch(&refs).unwrap(), want, "batch");
    for (s, w) in sets.iter().zip(&want) {
        assert_eq!(ctx.msm(s).unwrap(), *w, "one at a time over resident bases");
    }
    // A CPU context's precomputed multiples: every window in one bucket set.
    for c in [5, 8] {
        let cpu = carbide_msm::MsmContext::with_precomputation(&b, c).unwrap();
        let folded = CudaMsm::from_context(&dev, &cpu).unwrap();
        assert_eq!(
            folded.msm(&sets[2]).unwrap(),
            want[2],
            "precomputed, window {c}"
        );
        assert_eq!(folded.msm_batch(&refs).unwrap(), want, "precomputed batch");
        assert!(
            CudaMsm::from_context(&dev, &cpu)
                .unwrap()
                .with_window(4)
                .is_err()
        );
    }
    let plain = CudaMsm::from_context(&dev, &carbide_msm::MsmContext::new(&b)).unwrap();
    assert_eq!(
        plain.msm(&sets[3]).unwrap(),
        want[3],
        "context without tables"
    );
    for c in [2, 3, 7, 11, 16, 20] {
        let g = CudaMsm::new(&dev, &b).unwrap().with_window(c).unwrap();
        assert_eq!(g.msm(&sets[0]).unwrap(), want[0], "window {c}");
    }
    // The smallest memory limit (in MiB steps) that takes a quarter of the points per chunk.
    let limited = |mib: u64| {
        CudaMsm::new(&dev, &b)
            .unwrap()
            .with_window(12)
            .unwrap()
            .with_memory_limit(mib << 20)
    };
    let mib = (64..4096)
        .find(|&m| limited(m).chunk_len(n).is_ok_and(|c| c >= n / 4))
        .unwrap();
    let chunked = limited(mib);
    let per_chunk = chunked.chunk_len(n).unwrap();
    assert!(per_chunk < n, "{per_chunk} of {n}: not chunked");
    assert_eq!(chunked.msm(&sets[1]).unwrap(), want[1], "chunks");
    assert_eq!(
        chunked.msm_batch(&refs[..2]).unwrap(),
        want[..2].to_vec(),
        "chunked batch"
    );
    let none = CudaMsm::new(&dev, &b).unwrap().with_memory_limit(1 << 20);
    assert!(none.msm(&sets[0]).is_err(), "no memory: an error");
}

fn bad_inputs<P: GpuCurve>() {
    let Some(dev) = gpu() else { return };
    let b = bases::<P>(10, 6);
    let ctx = CudaMsm::new(&dev, &b).unwrap();
    assert!(ctx.msm(&scalars(9, 1)).is_err());
    assert!(ctx.msm_batch(&[&scalars(10, 1), &scalars(11, 1)]).is_err());
    assert!(CudaMsm::new(&dev, &b).unwrap().with_window(1).is_err());
    assert!(CudaMsm::new(&dev, &b).unwrap().with_window(21).is_err());
    let backend = CudaMsmBackend::new(&dev);
    assert!(matches!(
        Msm::<P>::msm(&backend, &b, &scalars(9, 1)),
        Err(MsmError::LengthMismatch {
            bases: 10,
            scalars: 9
        })
    ));
    let s = scalars(10, 2);
    assert_eq!(
        Msm::<P>::msm(&backend, &b, &s).unwrap(),
        carbide_msm::msm(&b, &s).unwrap()
    );
}

macro_rules! suite {
    ($name:ident, $curve:ty, $max_log:expr) => {
        mod $name {
            use super::*;

            #[test]
            fn every_size_matches_the_cpu() {
                every_size::<$curve>($max_log);
            }

            #[test]
            fn edge_inputs_match_the_cpu() {
                edge_inputs::<$curve>();
            }

            #[test]
            fn resident_bases_batches_chunks_and_windows() {
                context_batches_chunks_windows::<$curve>();
            }

            #[test]
            fn bad_inputs_are_refused() {
                bad_inputs::<$curve>();
            }
        }
    };
}

suite!(g1, ark_bn254::g1::Config, 24);
suite!(g2, ark_bn254::g2::Config, 24);
