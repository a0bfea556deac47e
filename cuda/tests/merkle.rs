//! Merkle commitments on the GPU against the CPU's (`CpuMerkle`, itself equal to plonky2's):
//! caps and openings for widths 1..=33 and trees up to 2^20 leaves, and refused shapes.
//! Without a device: `skipped: no CUDA device`, unless `REQUIRE_GPU=1`.

mod common;

use carbide_cuda::CudaMerkle;
use carbide_field::merkle::{CpuMerkle, MerkleError, MerkleHasher};
use carbide_field::{Field, Goldilocks};
use common::gpu;
use rand::SeedableRng;

#[test]
fn trees_match_the_cpu() {
    let Some(dev) = gpu() else { return };
    let gpu = CudaMerkle::new(&dev).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
    for (log_rows, width) in [
        (0, 1),
        (1, 4),
        (5, 5),
        (10, 8),
        (12, 9),
        (14, 33),
        (20, 2),
        (16, 135),
    ] {
        let rows = 1usize << log_rows;
        let values: Vec<Goldilocks> = (0..rows * width)
            .map(|_| Goldilocks::random(&mut rng))
            .collect();
        for cap_height in [0, log_rows / 2, log_rows] {
            let want = CpuMerkle.commit(&values, width, cap_height).unwrap();
            let got = gpu.commit(&values, width, cap_height).unwrap();
            assert_eq!(
                got.cap(),
                want.cap(),
                "2^{log_rows}×{width} cap {cap_height}"
            );
            for i in [0, rows / 3, rows - 1] {
                assert_eq!(got.open(i).unwrap(), want.open(i).unwrap());
            }
        }
        assert_eq!(
            gpu.hash_rows(&values, width).unwrap(),
            CpuMerkle.hash_rows(&values, width).unwrap()
        );
    }
}

#[test]
fn bad_shapes_are_refused() {
    let Some(dev) = gpu() else { return };
    let gpu = CudaMerkle::new(&dev).unwrap();
    let v = vec![Goldilocks::ONE; 12];
    assert!(matches!(
        gpu.commit(&v, 5, 0),
        Err(MerkleError::Shape { .. })
    ));
    assert!(matches!(
        gpu.commit(&v[..8], 2, 3),
        Err(MerkleError::CapTooHigh { .. })
    ));
}

#[test]
fn grinding_finds_the_cpus_nonce() {
    let Some(g) = gpu() else { return };
    let m = CudaMerkle::new(&g).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
    for (position, bits) in [(0usize, 0u32), (0, 1), (5, 8), (7, 16), (3, 20)] {
        let base: [Goldilocks; 12] = core::array::from_fn(|_| Goldilocks::random(&mut rng));
        assert_eq!(
            m.grind(&base, position, bits).unwrap(),
            CpuMerkle.grind(&base, position, bits).unwrap(),
            "position {position}, {bits} bits"
        );
    }
    let base = [Goldilocks::ZERO; 12];
    assert!(m.grind(&base, 12, 4).is_err());
    assert!(m.grind(&base, 0, 33).is_err());
}
