//! The memory image and its commitment. Every word a program can reach (its segments' words,
//! then the 32 registers) is a leaf (address, value) of a Poseidon Merkle tree; a segment's
//! proof names the words it touched with their values before and after and the sibling
//! hashes that connect them to the root, so the verifier carries memory from one segment to
//! the next as one digest: it checks the old values against the root before and computes the
//! root after, without holding the memory.

use std::sync::Arc;

use carbide_field::merkle;
use carbide_field::poseidon::{self, Digest};
use carbide_field::{Field, Goldilocks};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::VmError;
use super::cpu::REGISTERS;
use super::elf::Program;

/// A word a segment touched: its leaf, its value before the segment and after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touched {
    /// The leaf (the word's place in the image).
    pub index: u32,
    /// The value at the segment's start.
    pub before: u32,
    /// The value at its end.
    pub after: u32,
}

/// The words a program can reach: addresses ascending, initial values, and which are
/// read-only (code and read-only data).
#[derive(Clone, Debug)]
pub struct Image {
    addrs: Arc<Vec<u64>>,
    initial: Arc<Vec<u32>>,
    read_only: Arc<Vec<bool>>,
}

impl Image {
    /// The image of `program`'s segments (words; a segment must start on a word) and the 32
    /// registers (zero).
    pub fn new(program: &Program) -> Result<Self, VmError> {
        let mut words: Vec<(u64, u32, bool)> = Vec::new();
        for s in &program.segments {
            if !s.vaddr.is_multiple_of(4) {
                return Err(VmError::Elf(format!(
                    "segment at {:#x} does not start on a word",
                    s.vaddr
                )));
            }
            // The executor's rule: only non-executable writable segments take stores.
            let read_only = !s.writable || s.executable;
            words.extend(s.data.chunks(4).enumerate().map(|(k, c)| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                let addr = u64::from(s.vaddr / 4) + k as u64;
                (addr, u32::from_le_bytes(w), read_only)
            }));
        }
        words.extend((0..32).map(|i| (REGISTERS + i, 0, false)));
        words.sort_unstable_by_key(|w| w.0);
        if words.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(VmError::Elf("segments overlap".into()));
        }
        Ok(Self {
            addrs: Arc::new(words.iter().map(|w| w.0).collect()),
            initial: Arc::new(words.iter().map(|w| w.1).collect()),
            read_only: Arc::new(words.iter().map(|w| w.2).collect()),
        })
    }

    /// Words (leaves).
    pub fn len(&self) -> usize {
        self.addrs.len()
    }

    /// Never: the registers are always there.
    pub fn is_empty(&self) -> bool {
        self.addrs.is_empty()
    }

    /// The leaf of a word address.
    pub fn row_of(&self, addr: u64) -> Option<usize> {
        self.addrs.binary_search(&addr).ok()
    }

    /// The word address of a leaf.
    pub fn addr(&self, index: usize) -> u64 {
        self.addrs[index]
    }

    /// Whether the program may not store to a leaf.
    pub fn read_only(&self, index: usize) -> bool {
        self.read_only[index]
    }

    /// The values at the program's start.
    pub fn initial(&self) -> &[u32] {
        &self.initial
    }

    /// Levels of the tree above the leaves.
    fn height(&self) -> usize {
        self.len().next_power_of_two().max(2).trailing_zeros() as usize
    }

    fn leaf(&self, index: usize, value: u32) -> Digest {
        leaf(self.addrs[index], value)
    }

    /// Whether `touched` is a segment's valid set of leaves: not empty, sorted, distinct, in
    /// the image, read-only words unchanged.
    pub fn check(&self, touched: &[Touched]) -> Result<(), String> {
        if touched.is_empty() {
            return Err("a segment touches no memory (it reads registers every cycle)".into());
        }
        for (k, t) in touched.iter().enumerate() {
            let i = t.index as usize;
            if i >= self.len() {
                return Err(format!("touched word {i} is not in the image"));
            }
            if k > 0 && touched[k - 1].index >= t.index {
                return Err("touched words out of order or repeated".into());
            }
            if self.read_only[i] && t.before != t.after {
                return Err(format!(
                    "a store to read-only memory at {:#010x}",
                    self.addrs[i] * 4
                ));
            }
        }
        Ok(())
    }
}

/// A leaf: the word address and its value.
pub fn leaf(addr: u64, value: u32) -> Digest {
    poseidon::hash_no_pad(&[Goldilocks::new(addr), Goldilocks::new(u64::from(value))])
}

/// Leaves past the image's end.
const PAD: Digest = [Goldilocks::ZERO; 4];

/// The image's tree at some moment: every level, leaves first, root last.
#[derive(Clone, Debug)]
pub struct MemoryTree {
    levels: Vec<Vec<Digest>>,
}

impl MemoryTree {
    /// The tree of `image` holding `values` (one per leaf): the leaves ([`leaf`]) in SIMD
    /// lanes across threads, each level's pairs likewise (every segment's prover and every
    /// verifier builds the whole tree once).
    pub fn new(image: &Image, values: &[u32]) -> Self {
        const TASK: usize = 1 << 10;
        let mut leaves = vec![PAD; 1 << image.height()];
        leaves[..values.len()]
            .par_chunks_mut(TASK)
            .zip(values.par_chunks(TASK))
            .zip(image.addrs.par_chunks(TASK))
            .for_each(|((out, values), addrs)| {
                let pairs: Vec<Goldilocks> = addrs
                    .iter()
                    .zip(values)
                    .flat_map(|(&a, &v)| [Goldilocks::new(a), Goldilocks::new(u64::from(v))])
                    .collect();
                // Whole rows of two, so always Some.
                if let Some(digests) = poseidon::hash_no_pad_rows(&pairs, 2) {
                    out.copy_from_slice(&digests);
                }
            });
        // Past the image's last word every node is the same per level (a tree of PADs), so
        // only the nodes above some word are hashed.
        let (mut real, mut empty) = (values.len(), PAD);
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map_or(&[][..], Vec::as_slice);
            let up = real.div_ceil(2);
            empty = poseidon::two_to_one(empty, empty);
            let mut level = merkle::compress_pairs(&below[..2 * up]);
            level.resize(below.len() / 2, empty);
            levels.push(level);
            real = up;
        }
        Self { levels }
    }

    /// The commitment.
    pub fn root(&self) -> Digest {
        self.levels[self.levels.len() - 1][0]
    }

    /// Writes `value` to leaf `index` and rehashes its path.
    pub fn set(&mut self, image: &Image, index: usize, value: u32) {
        self.levels[0][index] = image.leaf(index, value);
        let mut k = index;
        for h in 1..self.levels.len() {
            k /= 2;
            let below = &self.levels[h - 1];
            let node = poseidon::two_to_one(below[2 * k], below[2 * k + 1]);
            self.levels[h][k] = node;
        }
    }

    /// The sibling hashes connecting the leaves `indices` (sorted, distinct) to the root, in
    /// the order [`roots`] consumes them.
    pub fn siblings(&self, indices: &[usize]) -> Vec<Digest> {
        let mut out = Vec::new();
        let mut known: Vec<usize> = indices.to_vec();
        for level in &self.levels[..self.levels.len() - 1] {
            let mut up = Vec::with_capacity(known.len());
            let mut i = 0;
            while i < known.len() {
                let k = known[i];
                if k.is_multiple_of(2) && known.get(i + 1) == Some(&(k + 1)) {
                    i += 2;
                } else {
                    out.push(level[k ^ 1]);
                    i += 1;
                }
                up.push(k / 2);
            }
            known = up;
        }
        out
    }
}

/// The roots before and after a segment that changed the leaves `touched` (checked by
/// [`Image::check`]) from their values before to their values after, given the siblings.
pub fn roots(
    image: &Image,
    touched: &[Touched],
    siblings: &[Digest],
) -> Result<(Digest, Digest), String> {
    image.check(touched)?;
    let mut nodes: Vec<(usize, Digest, Digest)> = touched
        .iter()
        .map(|t| {
            let i = t.index as usize;
            (i, image.leaf(i, t.before), image.leaf(i, t.after))
        })
        .collect();
    let mut sib = siblings.iter();
    let short = || "too few sibling hashes for the touched words".to_owned();
    for _ in 0..image.height() {
        let mut up = Vec::with_capacity(nodes.len());
        let mut i = 0;
        while i < nodes.len() {
            let (k, b, a) = nodes[i];
            let pair = match nodes.get(i + 1) {
                Some(&(k1, b1, a1)) if k.is_multiple_of(2) && k1 == k + 1 => {
                    i += 2;
                    ((b, b1), (a, a1))
                }
                _ => {
                    i += 1;
                    let s = *sib.next().ok_or_else(short)?;
                    if k.is_multiple_of(2) {
                        ((b, s), (a, s))
                    } else {
                        ((s, b), (s, a))
                    }
                }
            };
            up.push((
                k / 2,
                poseidon::two_to_one(pair.0.0, pair.0.1),
                poseidon::two_to_one(pair.1.0, pair.1.1),
            ));
        }
        nodes = up;
    }
    if sib.next().is_some() {
        return Err("more sibling hashes than the touched words need".into());
    }
    match nodes.as_slice() {
        [(0, before, after)] => Ok((*before, *after)),
        _ => Err("the touched words do not meet in one root".into()),
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// The tree from SIMD lanes and threads against its definition, leaf by leaf and node by
    /// node, over more leaves than one task and a padded last level.
    #[test]
    fn the_tree_is_its_definition() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for len in [1, 2, 7, 1024, 2500] {
            let mut addrs: Vec<u64> = (0..len).map(|_| rng.gen_range(0..1u64 << 31)).collect();
            addrs.sort_unstable();
            let values: Vec<u32> = (0..len).map(|_| rng.r#gen()).collect();
            let image = Image {
                addrs: Arc::new(addrs.clone()),
                initial: Arc::new(values.clone()),
                read_only: Arc::new(vec![false; len]),
            };
            let tree = MemoryTree::new(&image, &values);
            let mut level: Vec<Digest> = addrs
                .iter()
                .zip(&values)
                .map(|(&a, &v)| leaf(a, v))
                .collect();
            level.resize(len.next_power_of_two().max(2), PAD);
            for (h, got) in tree.levels.iter().enumerate() {
                assert_eq!(got, &level, "{len} leaves, level {h}");
                level = level
                    .chunks_exact(2)
                    .map(|p| poseidon::two_to_one(p[0], p[1]))
                    .collect();
            }
            assert_eq!(tree.levels.last().map(Vec::len), Some(1));
        }
    }
}
