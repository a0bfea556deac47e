//! BLAKE3 of sixteen messages of one length at once, one message per 32-bit SIMD lane.
//!
//! Merkle trees hash millions of short inputs of one size (a row, a pair of digests). The
//! blake3 crate hashes each alone, one compression after another with the lanes of a vector
//! spread over one state; here each lane holds its own message's state, so sixteen messages
//! advance together (one AVX-512 register per state word). Only single-chunk messages (at
//! most 1024 bytes), which is every Merkle input carbide builds short of rows over 127
//! columns; the bits are the crate's (`lanes_match_the_blake3_crate` checks).

use crate::packed::{Kernel, PackedField};

/// Messages hashed together.
pub(crate) const LANES: usize = 16;
/// The longest message (one BLAKE3 chunk).
pub(crate) const MAX_LEN: usize = 1024;

/// One 32-bit word of each lane.
type Word = [u32; LANES];

pub(crate) const IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];
pub(crate) const CHUNK_START: u32 = 1;
pub(crate) const CHUNK_END: u32 = 2;
pub(crate) const ROOT: u32 = 8;
const PERMUTATION: [usize; 16] = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];

/// Sixteen message buffers: message l in `bytes[l][..len]`, zero after it (the last block's
/// padding), so callers hashing many groups of one length fill only the first `len` bytes.
pub(crate) struct Messages {
    /// The buffers.
    pub bytes: Box<[[u8; MAX_LEN]; LANES]>,
}

impl Messages {
    /// Zeroed buffers.
    pub(crate) fn new() -> Self {
        Self {
            bytes: Box::new([[0; MAX_LEN]; LANES]),
        }
    }

    /// The hashes of the sixteen messages of `len` bytes (at most [`MAX_LEN`]), as the
    /// little-endian words of each 32-byte hash.
    pub(crate) fn hash(&self, len: usize) -> [[u32; 8]; LANES] {
        assert!(
            len <= MAX_LEN,
            "a message of {len} bytes is longer than a chunk"
        );
        crate::PackedGoldilocks::vectorized(HashKernel {
            bytes: &self.bytes,
            len,
        })
    }
}

struct HashKernel<'a> {
    bytes: &'a [[u8; MAX_LEN]; LANES],
    len: usize,
}

impl Kernel for HashKernel<'_> {
    type Output = [[u32; 8]; LANES];

    #[inline(always)]
    fn run(self) -> Self::Output {
        let blocks = self.len.div_ceil(64).max(1);
        let mut cv: [Word; 8] = core::array::from_fn(|i| [IV[i]; LANES]);
        for b in 0..blocks {
            let m: [Word; 16] = core::array::from_fn(|w| {
                core::array::from_fn(|l| {
                    let at = 64 * b + 4 * w;
                    let x = &self.bytes[l][at..at + 4];
                    u32::from_le_bytes([x[0], x[1], x[2], x[3]])
                })
            });
            let last = b + 1 == blocks;
            let block_len = if last { self.len - 64 * b } else { 64 } as u32;
            let flags =
                if b == 0 { CHUNK_START } else { 0 } | if last { CHUNK_END | ROOT } else { 0 };
            cv = compress(&cv, m, block_len, flags);
        }
        core::array::from_fn(|l| core::array::from_fn(|i| cv[i][l]))
    }
}

#[inline(always)]
fn add(a: Word, b: Word) -> Word {
    core::array::from_fn(|i| a[i].wrapping_add(b[i]))
}

#[inline(always)]
fn xor_rotate(a: Word, b: Word, r: u32) -> Word {
    core::array::from_fn(|i| (a[i] ^ b[i]).rotate_right(r))
}

#[inline(always)]
fn g(s: &mut [Word; 16], [a, b, c, d]: [usize; 4], x: Word, y: Word) {
    s[a] = add(add(s[a], s[b]), x);
    s[d] = xor_rotate(s[d], s[a], 16);
    s[c] = add(s[c], s[d]);
    s[b] = xor_rotate(s[b], s[c], 12);
    s[a] = add(add(s[a], s[b]), y);
    s[d] = xor_rotate(s[d], s[a], 8);
    s[c] = add(s[c], s[d]);
    s[b] = xor_rotate(s[b], s[c], 7);
}

/// The compression of one block per lane (chunk counter 0), truncated to the chaining value.
#[inline(always)]
fn compress(cv: &[Word; 8], mut m: [Word; 16], block_len: u32, flags: u32) -> [Word; 8] {
    let mut s: [Word; 16] = core::array::from_fn(|i| match i {
        0..8 => cv[i],
        8..12 => [IV[i - 8]; LANES],
        12 | 13 => [0; LANES],
        14 => [block_len; LANES],
        _ => [flags; LANES],
    });
    for round in 0..7 {
        g(&mut s, [0, 4, 8, 12], m[0], m[1]);
        g(&mut s, [1, 5, 9, 13], m[2], m[3]);
        g(&mut s, [2, 6, 10, 14], m[4], m[5]);
        g(&mut s, [3, 7, 11, 15], m[6], m[7]);
        g(&mut s, [0, 5, 10, 15], m[8], m[9]);
        g(&mut s, [1, 6, 11, 12], m[10], m[11]);
        g(&mut s, [2, 7, 8, 13], m[12], m[13]);
        g(&mut s, [3, 4, 9, 14], m[14], m[15]);
        if round < 6 {
            m = core::array::from_fn(|i| m[PERMUTATION[i]]);
        }
    }
    core::array::from_fn(|i| core::array::from_fn(|l| s[i][l] ^ s[i + 8][l]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::{RngCore, SeedableRng};

    #[test]
    fn lanes_match_the_blake3_crate() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut msgs = Messages::new();
        // Every block boundary and its neighbours, the empty message, one full chunk.
        let lengths = (0..=MAX_LEN).filter(|n| n % 64 <= 1 || n % 64 == 63 || n % 97 == 5);
        for len in lengths {
            for m in msgs.bytes.iter_mut() {
                rng.fill_bytes(&mut m[..len]);
                m[len..].fill(0);
            }
            let got = msgs.hash(len);
            for (l, words) in got.iter().enumerate() {
                let want = blake3::hash(&msgs.bytes[l][..len]);
                let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
                assert_eq!(&bytes[..], want.as_bytes(), "{len} bytes, lane {l}");
            }
        }
    }
}
