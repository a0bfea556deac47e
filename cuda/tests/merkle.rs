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
