//! [`CudaMerkle`]: Merkle commitments with Poseidon on a device (`kernels/merkle.cu`),
//! implementing carbide-field's `MerkleHasher`: the same digests as the CPU's `CpuMerkle`.

#![allow(unsafe_code)]

use carbide_field::Goldilocks;
use carbide_field::merkle::{MerkleError, MerkleHasher, MerkleTree, tree_height};
use carbide_field::poseidon::{Digest, ROUND_CONSTANTS, WIDTH};
use cudarc::driver::{CudaSlice, LaunchConfig};

use crate::device::{Arg, Gpu};
use crate::error::CudaError;
use crate::field::as_words;
use crate::runtime::driver_error;

/// Merkle hashing on a CUDA device.
#[derive(Debug, Clone)]
pub struct CudaMerkle {
    gpu: Gpu,
}

fn grid(items: u64) -> LaunchConfig {
    LaunchConfig {
        grid_dim: (items.div_ceil(64).clamp(1, 1 << 20) as u32, 1, 1),
        block_dim: (64, 1, 1),
        shared_mem_bytes: 0,
    }
}

fn failed(e: CudaError) -> MerkleError {
    MerkleError::Backend {
        backend: "cuda",
        reason: e.to_string(),
    }
}

impl CudaMerkle {
    /// Merkle hashing on `gpu`'s device, on a stream of its own.
    pub fn new(gpu: &Gpu) -> Result<Self, CudaError> {
        Ok(Self { gpu: gpu.fork()? })
    }

    /// Every level, leaves to cap, computed on the device: the device error when it fails.
    pub fn commit_on(
        &self,
        values: &[Goldilocks],
        width: usize,
        cap_height: usize,
    ) -> Result<MerkleTree, CudaError> {
        let height = tree_height(values.len(), width, cap_height)
            .map_err(|e| CudaError::Shape(e.to_string()))?;
        let g = &self.gpu;
        let s = g.stream();
        let rows = 1u64 << height;
        let data = s.clone_htod(as_words(values)?).map_err(driver_error)?;
        let rc = s.clone_htod(&ROUND_CONSTANTS[..]).map_err(driver_error)?;
        let mut levels: Vec<CudaSlice<u64>> = vec![
            s.alloc_zeros::<u64>(4 * rows as usize)
                .map_err(driver_error)?,
        ];
        let args = [
            g.addr(&data),
            (width as u32).into(),
            rows.into(),
            g.addr(&rc),
            g.addr(&levels[0]),
        ];
        // SAFETY: merkle_hash_rows(const u64* values, u32 width, u64 rows, const u64* rc,
        // u64* digests) reads rows·width values and the 360 constants and writes 4·rows
        // digest words; the buffers have those sizes and outlive the kernel (stream-ordered
        // frees).
        unsafe { g.launch("merkle.cu", "merkle_hash_rows", grid(rows), &args)? };
        let mut n = rows / 2;
        while n >= 1 << cap_height && n > 0 {
            let above = s.alloc_zeros::<u64>(4 * n as usize).map_err(driver_error)?;
            let below = levels.last().map(|l| g.addr(l)).unwrap_or(Arg::U64(0));
            let args = [below, n.into(), g.addr(&rc), g.addr(&above)];
            // SAFETY: merkle_compress(const u64* below, u64 n, const u64* rc, u64* above)
            // reads 8n words of the level below (it has 2n digests) and writes 4n.
            unsafe { g.launch("merkle.cu", "merkle_compress", grid(n), &args)? };
            levels.push(above);
            n /= 2;
        }
        let levels = levels
            .iter()
            .map(|l| {
                let words = s.clone_dtoh(l).map_err(driver_error)?;
                Ok(words
                    .chunks_exact(4)
                    .map(|d| {
                        d.iter()
                            .map(|&w| Goldilocks::from_noncanonical_u64(w))
                            .collect::<Vec<_>>()
                    })
                    .map(|d| [d[0], d[1], d[2], d[3]])
                    .collect::<Vec<Digest>>())
            })
            .collect::<Result<Vec<_>, CudaError>>()?;
        s.synchronize().map_err(driver_error)?;
        drop((data, rc));
        Ok(MerkleTree::from_levels(levels))
    }
}

impl CudaMerkle {
    /// The least nonce passing Poseidon proof of work from `base` (see
    /// `carbide_field::poseidon::grind`), searched on the device in batches.
    pub fn grind_on(
        &self,
        base: &[Goldilocks; WIDTH],
        position: usize,
        bits: u32,
    ) -> Result<u64, CudaError> {
        if bits == 0 {
            return Ok(0);
        }
        if position >= WIDTH || bits > 32 {
            return Err(CudaError::Shape(format!(
                "grinding {bits} bits at position {position}"
            )));
        }
        const BATCH: u64 = 1 << 22;
        let g = &self.gpu;
        let s = g.stream();
        let base = s.clone_htod(as_words(base)?).map_err(driver_error)?;
        let rc = s.clone_htod(&ROUND_CONSTANTS[..]).map_err(driver_error)?;
        let found = s.clone_htod(&[u64::MAX]).map_err(driver_error)?;
        // 2^32 batches of 2^22 nonces keep every nonce below p.
        for start in (0..1u64 << 40).step_by(BATCH as usize) {
            let args = [
                g.addr(&base),
                (position as u32).into(),
                bits.into(),
                start.into(),
                BATCH.into(),
                g.addr(&rc),
                g.addr(&found),
            ];
            // SAFETY: poseidon_grind(const u64* base, u32 position, u32 bits, u64 start,
            // u64 count, const u64* rc, unsigned long long* found) reads the 12 base words
            // and the 360 constants and atomically lowers the one word at `found`; position
            // < 12 and 1 <= bits <= 32 were checked; the buffers outlive the kernel.
            unsafe { g.launch("merkle.cu", "poseidon_grind", grid(BATCH), &args)? };
            let hit = s.clone_dtoh(&found).map_err(driver_error)?;
            if let Some(&n) = hit.first().filter(|&&n| n != u64::MAX) {
                return Ok(n);
            }
        }
        Err(CudaError::Shape(format!("no nonce for {bits} bits")))
    }
}

impl MerkleHasher for CudaMerkle {
    fn grind(
        &self,
        base: &[Goldilocks; WIDTH],
        position: usize,
        bits: u32,
    ) -> Result<u64, MerkleError> {
        self.grind_on(base, position, bits).map_err(failed)
    }

    fn hash_rows(&self, values: &[Goldilocks], width: usize) -> Result<Vec<Digest>, MerkleError> {
        let height = tree_height(values.len(), width, 0)?;
        let tree = self.commit_on(values, width, height).map_err(failed)?;
        Ok(tree.cap().to_vec())
    }

    fn commit(
        &self,
        values: &[Goldilocks],
        width: usize,
        cap_height: usize,
    ) -> Result<MerkleTree, MerkleError> {
        tree_height(values.len(), width, cap_height)?;
        self.commit_on(values, width, cap_height).map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    //! kernels/merkle.cu compiled as host C++ (tests/host/merkle.cpp) against the CPU's
    //! Merkle tree: every level, widths that fit a digest and widths that need several
    //! absorptions, every cap height.

    use std::fmt::Write as _;
    use std::path::PathBuf;
    use std::sync::OnceLock;

    use carbide_field::merkle::CpuMerkle;
    use carbide_field::{Field, Goldilocks};
    use rand::SeedableRng;

    use super::*;

    fn harness() -> Option<&'static PathBuf> {
        static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
        crate::testing::host_program(&BUILT, "merkle")
    }

    #[test]
    fn grinding_on_the_host_finds_the_cpus_nonce() {
        static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
        let Some(exe) = crate::testing::host_program(&BUILT, "grind") else {
            return;
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(6);
        for (position, bits) in [(0usize, 1u32), (3, 5), (7, 8), (2, 9)] {
            let base: [Goldilocks; WIDTH] = core::array::from_fn(|_| Goldilocks::random(&mut rng));
            let want = carbide_field::poseidon::grind(&base, position, bits);
            // One range holding the answer, and one starting past it (nothing lower there).
            for (start, count) in [(0u64, want + 100), (want + 1, 64)] {
                let mut input = String::new();
                for b in base {
                    let _ = write!(input, "{:x} ", b.as_noncanonical_u64());
                }
                let _ = write!(input, "{position} {bits} {start:x} {count:x} ");
                for c in ROUND_CONSTANTS {
                    let _ = write!(input, "{c:x} ");
                }
                let out = crate::testing::run_host_program(exe, input);
                let got = u64::from_str_radix(out.trim(), 16).unwrap();
                if start == 0 {
                    assert_eq!(got, want, "position {position}, {bits} bits");
                } else {
                    assert!(got == u64::MAX || got > want);
                    if got != u64::MAX {
                        assert!(carbide_field::poseidon::grind_ok(
                            &base, position, got, bits
                        ));
                    }
                }
            }
        }
    }

    #[test]
    fn kernels_on_the_host_match_the_cpu_tree() {
        let Some(exe) = harness() else { return };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        for (log_rows, width) in [
            (0usize, 1usize),
            (2, 4),
            (3, 5),
            (4, 8),
            (5, 9),
            (3, 17),
            (6, 2),
        ] {
            let rows = 1usize << log_rows;
            // Non-canonical words too: the device reads any u64 as Goldilocks does.
            let values: Vec<Goldilocks> = (0..rows * width)
                .map(|i| {
                    if i % 7 == 3 {
                        Goldilocks::from_noncanonical_u64(u64::MAX - i as u64)
                    } else {
                        Goldilocks::random(&mut rng)
                    }
                })
                .collect();
            for cap_height in [0, log_rows / 2, log_rows] {
                let want = CpuMerkle.commit(&values, width, cap_height).unwrap();
                let mut input = format!("{width} {rows} {cap_height}\n");
                for v in &values {
                    let _ = write!(input, "{:x} ", v.as_noncanonical_u64());
                }
                for c in ROUND_CONSTANTS {
                    let _ = write!(input, "{c:x} ");
                }
                let out = crate::testing::run_host_program(exe, input);
                let levels: Vec<Vec<Digest>> = out
                    .lines()
                    .map(|l| {
                        let w: Vec<Goldilocks> = l
                            .split_whitespace()
                            .map(|x| {
                                Goldilocks::from_noncanonical_u64(
                                    u64::from_str_radix(x, 16).unwrap(),
                                )
                            })
                            .collect();
                        w.chunks_exact(4)
                            .map(|d| [d[0], d[1], d[2], d[3]])
                            .collect()
                    })
                    .collect();
                let got = MerkleTree::from_levels(levels);
                assert_eq!(
                    got.cap(),
                    want.cap(),
                    "2^{log_rows}×{width} cap {cap_height}"
                );
                assert_eq!(got.open(rows - 1).unwrap(), want.open(rows - 1).unwrap());
            }
        }
    }
}
