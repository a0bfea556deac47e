//! Merkle caps and openings against plonky2's `MerkleTree` (Poseidon), every width 1..=9
//! (leaves that fit a digest are not hashed) and cap height; proofs verify, and any change to
//! the row, the index, a sibling or the cap is rejected; bad shapes are errors.

use carbide_field::merkle::{CpuMerkle, MerkleError, MerkleHasher, verify};
use carbide_field::{Field, Goldilocks};
use plonky2::field::goldilocks_field::GoldilocksField as P2;
use plonky2::field::types::{Field as _, PrimeField64 as _};
use plonky2::hash::merkle_tree::MerkleTree;
use plonky2::hash::poseidon::PoseidonHash;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn from_p2(d: plonky2::hash::hash_types::HashOut<P2>) -> [Goldilocks; 4] {
    d.elements.map(|x| Goldilocks::new(x.to_canonical_u64()))
}

#[test]
fn caps_and_openings_match_plonky2() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for (log_rows, width) in [(0, 1), (1, 4), (3, 5), (5, 9), (6, 1), (4, 3), (7, 8)] {
        let rows = 1usize << log_rows;
        let values: Vec<Goldilocks> = (0..rows * width)
            .map(|_| Goldilocks::random(&mut rng))
            .collect();
        let leaves: Vec<Vec<P2>> = values
            .chunks(width)
            .map(|r| {
                r.iter()
                    .map(|x| P2::from_canonical_u64(x.as_canonical_u64()))
                    .collect()
            })
            .collect();
        for cap_height in 0..=log_rows {
            let theirs = MerkleTree::<P2, PoseidonHash>::new(leaves.clone(), cap_height);
            let ours = CpuMerkle.commit(&values, width, cap_height).unwrap();
            let cap: Vec<[Goldilocks; 4]> = theirs.cap.0.iter().map(|d| from_p2(*d)).collect();
            assert_eq!(
                ours.cap(),
                &cap[..],
                "2^{log_rows}×{width} cap {cap_height}"
            );
            for index in [0, rows / 2, rows - 1] {
                let path = ours.open(index).unwrap();
                let expect: Vec<[Goldilocks; 4]> = theirs
                    .prove(index)
                    .siblings
                    .iter()
                    .map(|d| from_p2(*d))
                    .collect();
                assert_eq!(path, expect);
                let row = &values[index * width..(index + 1) * width];
                verify(ours.cap(), index, row, &path).unwrap();
                // Tampering is caught.
                let mut bad_row = row.to_vec();
                bad_row[0] += Goldilocks::ONE;
                assert_eq!(
                    verify(ours.cap(), index, &bad_row, &path),
                    Err(MerkleError::Mismatch)
                );
                if rows > 1 {
                    let other = index ^ 1;
                    assert!(verify(ours.cap(), other, row, &path).is_err());
                }
                if let Some(first) = path.first() {
                    let mut bad = path.clone();
                    bad[0] = [first[0] + Goldilocks::ONE, first[1], first[2], first[3]];
                    assert!(verify(ours.cap(), index, row, &bad).is_err());
                    assert!(verify(ours.cap(), index, row, &path[1..]).is_err());
                }
                let mut cap = ours.cap().to_vec();
                cap[index >> path.len()][3] += Goldilocks::ONE;
                assert!(verify(&cap, index, row, &path).is_err());
            }
        }
    }
}

#[test]
fn bad_shapes_are_errors() {
    let v: Vec<Goldilocks> = (0..12u64).map(Goldilocks::new).collect();
    assert!(matches!(
        CpuMerkle.commit(&v, 5, 0),
        Err(MerkleError::Shape { .. })
    ));
    assert!(matches!(
        CpuMerkle.commit(&v, 4, 0),
        Err(MerkleError::Shape { .. })
    )); // 3 rows
    assert!(matches!(
        CpuMerkle.commit(&v, 0, 0),
        Err(MerkleError::Shape { .. })
    ));
    assert!(matches!(
        CpuMerkle.commit(&[], 1, 0),
        Err(MerkleError::Shape { .. })
    ));
    assert!(matches!(
        CpuMerkle.commit(&v[..8], 2, 3),
        Err(MerkleError::CapTooHigh { .. })
    ));
    let tree = CpuMerkle.commit(&v[..8], 2, 1).unwrap();
    assert!(matches!(tree.open(4), Err(MerkleError::Index { .. })));
    let path = tree.open(1).unwrap();
    assert!(verify(tree.cap(), 9, &v[..2], &path).is_err());
    assert!(verify(&tree.cap()[..1], 1, &v[..2], &path).is_err());
    assert!(verify(&[], 0, &v[..2], &path).is_err());
    assert!(verify(tree.cap(), 0, &v[..2], &vec![path[0]; 70]).is_err());
}

/// BLAKE3 trees against a reference written from the format's definition with the blake3
/// crate directly: leaves `0x00 ‖ row`, nodes `left ‖ right`, digests as four words reduced
/// mod p.
#[test]
fn blake3_trees_match_their_definition() {
    use carbide_field::merkle::{Blake3Merkle, MerkleHash, verify_with};
    fn digest(bytes: &[u8]) -> [Goldilocks; 4] {
        let h = blake3::hash(bytes);
        core::array::from_fn(|i| {
            let w = u64::from_le_bytes(h.as_bytes()[8 * i..8 * i + 8].try_into().unwrap());
            Goldilocks::new(w)
        })
    }
    fn words(d: &[Goldilocks]) -> Vec<u8> {
        d.iter()
            .flat_map(|x| x.as_canonical_u64().to_le_bytes())
            .collect()
    }
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    // Row and node counts below, at and past one SIMD pass (16) and one task (256); rows of
    // 1 + 8·127 bytes (one chunk, hashed in lanes) and of 1 + 8·128 (two chunks, the crate).
    let shapes = [
        (0, 1, 0),
        (3, 2, 1),
        (5, 9, 2),
        (6, 4, 6),
        (4, 16, 0),
        (11, 3, 0),
        (9, 88, 1),
        (5, 127, 0),
        (4, 128, 1),
    ];
    for (log_rows, width, cap_height) in shapes {
        let m: Vec<Goldilocks> = (0..(1 << log_rows) * width)
            .map(|_| Goldilocks::random(&mut rng))
            .collect();
        let mut level: Vec<[Goldilocks; 4]> = m
            .chunks(width)
            .map(|r| digest(&[&[0u8][..], &words(r)].concat()))
            .collect();
        for _ in cap_height..log_rows {
            level = level
                .chunks(2)
                .map(|p| digest(&[words(&p[0]), words(&p[1])].concat()))
                .collect();
        }
        let tree = Blake3Merkle.commit(&m, width, cap_height).unwrap();
        assert_eq!(tree.cap(), &level[..], "2^{log_rows} × {width}");
        for i in [0, (1 << log_rows) - 1, (1 << log_rows) / 3] {
            let row = &m[i * width..(i + 1) * width];
            let path = tree.open(i).unwrap();
            verify_with(MerkleHash::Blake3, tree.cap(), i, row, &path).unwrap();
            // Not a Poseidon tree.
            if width > 4 || !path.is_empty() {
                assert!(verify(tree.cap(), i, row, &path).is_err());
            }
            let mut bad = row.to_vec();
            bad[0] += Goldilocks::ONE;
            assert!(verify_with(MerkleHash::Blake3, tree.cap(), i, &bad, &path).is_err());
        }
    }
}
