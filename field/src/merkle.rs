//! Merkle commitments to the rows of a matrix with Poseidon, as plonky2 builds them: a leaf is
//! `hash_or_noop(row)`, a node `two_to_one(left, right)`, and the commitment is the cap, the
//! `2^cap_height` digests `cap_height` levels below the root (a cap of one is the root). Caps
//! and proofs equal plonky2's `MerkleTree` (differentially tested), so its circuits can check
//! them.
//!
//! [`MerkleHasher`] is the capability (the CPU's [`CpuMerkle`] here; the GPU's in
//! carbide-cuda); [`verify`] needs no backend.
//!
//! The other hash, [`MerkleHash::Blake3`] ([`Blake3Merkle`]), is for proofs no circuit will
//! verify: a leaf is BLAKE3 of `0x00 ‖ the row's canonical little-endian words`, a node BLAKE3
//! of `left ‖ right`, and a 32-byte hash is a digest of four elements (each little-endian word
//! reduced mod p). Lengths keep leaves and nodes apart: a leaf's message has an odd number of
//! bytes, a node's 64, so a leaf equal to a node is a BLAKE3 collision; without a prefix a node
//! is one compression, not two.
//!
//! ```
//! use carbide_field::merkle::{CpuMerkle, MerkleHasher, verify};
//! use carbide_field::Goldilocks;
//!
//! // 8 rows of 3 columns, row-major.
//! let m: Vec<Goldilocks> = (0..24u64).map(Goldilocks::new).collect();
//! let tree = CpuMerkle.commit(&m, 3, 1)?;
//! let proof = tree.open(5)?;
//! verify(tree.cap(), 5, &m[15..18], &proof)?;
//! assert!(verify(tree.cap(), 4, &m[15..18], &proof).is_err());
//! # Ok::<(), carbide_field::merkle::MerkleError>(())
//! ```

#[cfg(feature = "parallel")]
use rayon::prelude::*;
use thiserror::Error;

use crate::blake3_lanes::{LANES, MAX_LEN, Messages};
use crate::poseidon::{Digest, hash_or_noop, two_to_one};
use crate::{Field, Goldilocks};

/// Why a tree could not be built or a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MerkleError {
    /// The rows are not a power-of-two number of whole rows of `width`.
    #[error("{len} values are not a power-of-two number of rows of width {width}")]
    Shape {
        /// Values given.
        len: usize,
        /// Columns.
        width: usize,
    },
    /// The cap is higher than the tree.
    #[error("cap height {cap_height} exceeds the tree's height {height}")]
    CapTooHigh {
        /// Asked for.
        cap_height: usize,
        /// log2 of the rows.
        height: usize,
    },
    /// A leaf index beyond the rows.
    #[error("leaf {index} of {leaves}")]
    Index {
        /// Asked for.
        index: usize,
        /// Rows in the tree.
        leaves: usize,
    },
    /// The path does not lead to the cap.
    #[error("the Merkle path does not lead to the committed cap")]
    Mismatch,
    /// The backend (a GPU) failed; the reason is its own error, on one line.
    #[error("the {backend} backend failed: {reason}")]
    Backend {
        /// Which backend, e.g. "cuda".
        backend: &'static str,
        /// Why.
        reason: String,
    },
    /// A proof or cap of the wrong length.
    #[error("a Merkle proof of {siblings} siblings for a cap of {cap} digests")]
    ProofShape {
        /// Siblings given.
        siblings: usize,
        /// Cap digests given.
        cap: usize,
    },
}

/// A tree: every level from the leaf digests up to the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleTree {
    /// `levels[0]` the leaves' digests, `levels[k]` half of `levels[k − 1]`, the last the cap.
    levels: Vec<Vec<Digest>>,
}

impl MerkleTree {
    /// The tree with these levels (leaves first, the cap last), as a backend built them.
    pub fn from_levels(levels: Vec<Vec<Digest>>) -> Self {
        Self { levels }
    }

    /// The commitment: `2^cap_height` digests.
    pub fn cap(&self) -> &[Digest] {
        self.levels.last().map_or(&[], Vec::as_slice)
    }

    /// The number of leaves.
    pub fn leaves(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    /// The siblings from leaf `index` up to the cap (plonky2's `MerkleProof::siblings`).
    pub fn open(&self, index: usize) -> Result<Vec<Digest>, MerkleError> {
        if index >= self.leaves() {
            return Err(MerkleError::Index {
                index,
                leaves: self.leaves(),
            });
        }
        let below_cap = &self.levels[..self.levels.len() - 1];
        Ok(below_cap
            .iter()
            .enumerate()
            .map(|(k, level)| level[(index >> k) ^ 1])
            .collect())
    }
}

/// The hash a tree is built with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MerkleHash {
    /// plonky2's Poseidon (recursion-friendly; the default).
    #[default]
    Poseidon,
    /// BLAKE3 (fast on CPUs; for proofs no circuit verifies).
    Blake3,
}

impl MerkleHash {
    /// The leaf digest of `row`.
    pub fn leaf(self, row: &[Goldilocks]) -> Digest {
        match self {
            Self::Poseidon => hash_or_noop(row),
            Self::Blake3 => {
                let mut bytes = vec![0u8; 1 + 8 * row.len()];
                blake3_message(Some(LEAF), row, &mut bytes);
                digest_of(blake3::hash(&bytes).as_bytes())
            }
        }
    }

    /// The node over `left` and `right`.
    pub fn node(self, left: Digest, right: Digest) -> Digest {
        match self {
            Self::Poseidon => two_to_one(left, right),
            Self::Blake3 => {
                let mut bytes = [0u8; 64];
                blake3_message(None, left.iter().chain(&right), &mut bytes);
                digest_of(blake3::hash(&bytes).as_bytes())
            }
        }
    }

    /// The CPU's backend for this hash.
    pub fn cpu(self) -> &'static dyn MerkleHasher {
        match self {
            Self::Poseidon => &CpuMerkle,
            Self::Blake3 => &Blake3Merkle,
        }
    }

    /// A short name (`poseidon`, `blake3`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Poseidon => "poseidon",
            Self::Blake3 => "blake3",
        }
    }
}

/// The byte before a BLAKE3 leaf's words (a node has none).
const LEAF: u8 = 0;

/// What a BLAKE3 leaf (`prefix` [`LEAF`]) or node (no prefix) hashes: `prefix ‖ the
/// canonical little-endian words`, written to the front of `out`.
fn blake3_message<'a>(
    prefix: Option<u8>,
    words: impl IntoIterator<Item = &'a Goldilocks>,
    out: &mut [u8],
) {
    let start = usize::from(prefix.is_some());
    if let Some(p) = prefix {
        out[0] = p;
    }
    for (b, x) in out[start..].chunks_exact_mut(8).zip(words) {
        b.copy_from_slice(&x.as_canonical_u64().to_le_bytes());
    }
}

/// Four elements from 32 bytes.
fn digest_of(bytes: &[u8; 32]) -> Digest {
    core::array::from_fn(|i| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[8 * i..8 * i + 8]);
        Goldilocks::from_noncanonical_u64(u64::from_le_bytes(w))
    })
}

/// Whether `row` is leaf `index` of the Poseidon tree committed to by `cap`, by the path
/// `siblings`.
pub fn verify(
    cap: &[Digest],
    index: usize,
    row: &[Goldilocks],
    siblings: &[Digest],
) -> Result<(), MerkleError> {
    verify_with(MerkleHash::Poseidon, cap, index, row, siblings)
}

/// [`verify`] for a tree built with `hash`.
pub fn verify_with(
    hash: MerkleHash,
    cap: &[Digest],
    index: usize,
    row: &[Goldilocks],
    siblings: &[Digest],
) -> Result<(), MerkleError> {
    let shape = || MerkleError::ProofShape {
        siblings: siblings.len(),
        cap: cap.len(),
    };
    if !cap.len().is_power_of_two() || siblings.len() >= usize::BITS as usize - 1 {
        return Err(shape());
    }
    let leaves = cap
        .len()
        .checked_mul(1 << siblings.len())
        .ok_or_else(shape)?;
    if index >= leaves {
        return Err(MerkleError::Index { index, leaves });
    }
    let mut digest = hash.leaf(row);
    let mut i = index;
    for s in siblings {
        digest = if i & 1 == 0 {
            hash.node(digest, *s)
        } else {
            hash.node(*s, digest)
        };
        i >>= 1;
    }
    if cap[i] == digest {
        Ok(())
    } else {
        Err(MerkleError::Mismatch)
    }
}

/// log2 of the rows of a row-major matrix, or the error.
pub fn tree_height(len: usize, width: usize, cap_height: usize) -> Result<usize, MerkleError> {
    let rows = len.checked_div(width).unwrap_or(0);
    if width == 0 || rows * width != len || !rows.is_power_of_two() {
        return Err(MerkleError::Shape { len, width });
    }
    let height = rows.trailing_zeros() as usize;
    if cap_height > height {
        return Err(MerkleError::CapTooHigh { cap_height, height });
    }
    Ok(height)
}

/// Commitments to the rows of a matrix. One required method, the leaves' digests; the tree
/// above them has a default (pairs hashed level by level).
pub trait MerkleHasher: Sync {
    /// `hash_or_noop` of every row of a row-major matrix of `width` columns.
    fn hash_rows(&self, values: &[Goldilocks], width: usize) -> Result<Vec<Digest>, MerkleError>;

    /// The hash this backend builds trees with (what [`verify_with`] must be given).
    fn hash(&self) -> MerkleHash {
        MerkleHash::Poseidon
    }

    /// The level above `below` (pairs hashed into nodes).
    fn compress_level(&self, below: &[Digest]) -> Vec<Digest> {
        compress_pairs(below)
    }

    /// The least nonce passing Poseidon proof of work from the sponge state `base` with the
    /// nonce written at `position` ([`crate::poseidon::grind`]): the transcript's grinding,
    /// done where the hashing is (a GPU backend searches on its device).
    fn grind(
        &self,
        base: &[Goldilocks; crate::poseidon::WIDTH],
        position: usize,
        bits: u32,
    ) -> Result<u64, MerkleError> {
        Ok(crate::poseidon::grind(base, position, bits))
    }

    /// The tree over the rows, up to a cap of `2^cap_height` digests.
    fn commit(
        &self,
        values: &[Goldilocks],
        width: usize,
        cap_height: usize,
    ) -> Result<MerkleTree, MerkleError> {
        let height = tree_height(values.len(), width, cap_height)?;
        let mut levels = vec![self.hash_rows(values, width)?];
        for _ in cap_height..height {
            let below = levels.last().map_or(&[][..], Vec::as_slice);
            levels.push(self.compress_level(below));
        }
        Ok(MerkleTree { levels })
    }
}

/// Work per parallel task, in digests.
const TASK: usize = 1 << 10;

/// `two_to_one` of each pair of a level (SIMD lanes within a task, tasks across threads).
pub fn compress_pairs(level: &[Digest]) -> Vec<Digest> {
    let mut out = crate::par_filled(level.len() / 2, [Goldilocks::ZERO; 4]);
    #[cfg(feature = "parallel")]
    let tasks = out.par_chunks_mut(TASK).zip(level.par_chunks(2 * TASK));
    #[cfg(not(feature = "parallel"))]
    let tasks = out.chunks_mut(TASK).zip(level.chunks(2 * TASK));
    tasks.for_each(|(o, b)| crate::poseidon::compress_pairs_into(b, o));
    out
}

/// The CPU's Merkle hashing (rayon across rows).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuMerkle;

impl MerkleHasher for CpuMerkle {
    fn hash_rows(&self, values: &[Goldilocks], width: usize) -> Result<Vec<Digest>, MerkleError> {
        tree_height(values.len(), width, 0)?;
        let mut out = crate::par_filled(values.len() / width, [Goldilocks::ZERO; 4]);
        #[cfg(feature = "parallel")]
        let tasks = out
            .par_chunks_mut(TASK)
            .zip(values.par_chunks(TASK * width));
        #[cfg(not(feature = "parallel"))]
        let tasks = out.chunks_mut(TASK).zip(values.chunks(TASK * width));
        tasks.for_each(|(o, rows)| crate::poseidon::hash_rows_into(rows, width, o));
        Ok(out)
    }
}

/// Trees hashed with BLAKE3 on the CPU (rayon across rows and nodes).
#[derive(Debug, Clone, Copy, Default)]
pub struct Blake3Merkle;

impl MerkleHasher for Blake3Merkle {
    fn hash_rows(&self, values: &[Goldilocks], width: usize) -> Result<Vec<Digest>, MerkleError> {
        tree_height(values.len(), width, 0)?;
        if 1 + 8 * width > MAX_LEN {
            #[cfg(feature = "parallel")]
            let rows = values.par_chunks(width);
            #[cfg(not(feature = "parallel"))]
            let rows = values.chunks(width);
            return Ok(rows.map(|r| MerkleHash::Blake3.leaf(r)).collect());
        }
        Ok(blake3_groups(values, width, Some(LEAF)))
    }

    fn hash(&self) -> MerkleHash {
        MerkleHash::Blake3
    }

    fn compress_level(&self, below: &[Digest]) -> Vec<Digest> {
        let words: &[Goldilocks] = below.as_flattened();
        blake3_groups(&words[..words.len() / 8 * 8], 8, None)
    }
}

/// BLAKE3 of `prefix ‖ the canonical little-endian words` of each `width`-word item of
/// `values` (at most [`MAX_LEN`] bytes each), sixteen items per SIMD pass (eight, straight
/// from `values`, where AVX2 is the widest), passes across threads.
fn blake3_groups(values: &[Goldilocks], width: usize, prefix: Option<u8>) -> Vec<Digest> {
    const GROUPS: usize = 16;
    let len = usize::from(prefix.is_some()) + 8 * width;
    let mut out = crate::par_filled(values.len() / width, [Goldilocks::ZERO; 4]);
    #[cfg(target_arch = "x86_64")]
    let avx2 = crate::goldilocks::avx2_only();
    let task = |msgs: &mut Messages, (out, items): (&mut [Digest], &[Goldilocks])| {
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = avx2 {
            return crate::blake3_avx2::hash_items(simd, items, width, prefix, out);
        }
        for (out, items) in out.chunks_mut(LANES).zip(items.chunks(LANES * width)) {
            for (m, item) in msgs.bytes.iter_mut().zip(items.chunks_exact(width)) {
                blake3_message(prefix, item, &mut m[..len]);
            }
            let hashes = msgs.hash(len);
            for (o, h) in out.iter_mut().zip(&hashes) {
                *o = digest_of(&core::array::from_fn(|i| h[i / 4].to_le_bytes()[i % 4]));
            }
        }
    };
    let per_task = GROUPS * LANES;
    #[cfg(feature = "parallel")]
    out.par_chunks_mut(per_task)
        .zip(values.par_chunks(per_task * width))
        .for_each_init(Messages::new, task);
    #[cfg(not(feature = "parallel"))]
    {
        let mut msgs = Messages::new();
        out.chunks_mut(per_task)
            .zip(values.chunks(per_task * width))
            .for_each(|t| task(&mut msgs, t));
    }
    out
}
