//! Proof of work with BLAKE3, for transcripts whose trees hash with BLAKE3: a nonce passes
//! when BLAKE3 of the transcript's state and the nonce starts with the required zero bits.
//! Poseidon's search ([`crate::poseidon::grind`]) costs a permutation per nonce, about 3 µs
//! on one core without AVX-512; BLAKE3 costs two compressions, so grinding stops being a
//! visible, luck-dependent part of a CPU proof.

use crate::Goldilocks;
use crate::poseidon::WIDTH;

/// Separates these messages from every other BLAKE3 input of the library.
const DOMAIN: &[u8; 16] = b"carbide-pow-v1\0\0";

/// Bytes of a message: the domain, the state's words, the nonce's position, the nonce.
const LEN: usize = DOMAIN.len() + 8 * WIDTH + 1 + 8;

/// The message for `nonce`, all but its last eight bytes fixed by the state.
fn message(base: &[Goldilocks; WIDTH], position: usize) -> [u8; LEN] {
    let mut m = [0u8; LEN];
    m[..DOMAIN.len()].copy_from_slice(DOMAIN);
    for (i, w) in base.iter().enumerate() {
        let at = DOMAIN.len() + 8 * i;
        m[at..at + 8].copy_from_slice(&w.as_canonical_u64().to_le_bytes());
    }
    m[LEN - 9] = position.min(WIDTH - 1) as u8;
    m
}

fn passes(m: &mut [u8; LEN], nonce: u64, bits: u32) -> bool {
    m[LEN - 8..].copy_from_slice(&nonce.to_le_bytes());
    let h = blake3::hash(&m[..]);
    let mut first = [0u8; 8];
    first.copy_from_slice(&h.as_bytes()[..8]);
    bits == 0 || u64::from_le_bytes(first) >> (64 - bits.min(64)) == 0
}

/// Whether `nonce` passes with `bits` bits from the transcript state `base` (the sponge's
/// state with the pending inputs written in, `position` where the nonce goes: what
/// [`crate::poseidon::grind_ok`] permutes).
pub fn blake3_grind_ok(base: &[Goldilocks; WIDTH], position: usize, nonce: u64, bits: u32) -> bool {
    passes(&mut message(base, position), nonce, bits)
}

/// The least nonce passing [`blake3_grind_ok`]: blocks of nonces, rounds of blocks across
/// threads (the answer does not depend on the thread count).
pub fn blake3_grind(base: &[Goldilocks; WIDTH], position: usize, bits: u32) -> u64 {
    if bits == 0 {
        return 0;
    }
    const BLOCK: u64 = 1 << 12;
    let m = message(base, position);
    let hit = |block: u64| -> Option<u64> {
        let mut m = m;
        (block * BLOCK..(block + 1) * BLOCK).find(|&n| passes(&mut m, n, bits))
    };
    least_hit(hit)
}

/// The least nonce of the first block (blocks 0, 1, 2, … of nonces) where `hit` finds one:
/// blocks are searched a round of several at a time across threads, and the least hit of the
/// first round with any wins, so the answer never depends on the thread count.
pub(crate) fn least_hit(hit: impl Fn(u64) -> Option<u64> + Sync + Send) -> u64 {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let per_round = 4 * rayon::current_num_threads() as u64;
        (0u64..)
            .find_map(|round| {
                (round * per_round..(round + 1) * per_round)
                    .into_par_iter()
                    .filter_map(&hit)
                    .min()
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "parallel"))]
    (0u64..).find_map(hit).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search returns the least passing nonce, which the check accepts, and the check
    /// depends on every word of the state, the position and the nonce.
    #[test]
    fn the_least_nonce_passes_and_binds_the_state() {
        let base: [Goldilocks; WIDTH] = core::array::from_fn(|i| Goldilocks::new(3 * i as u64 + 1));
        for bits in [0u32, 1, 5, 9, 12] {
            let n = blake3_grind(&base, 4, bits);
            assert!(blake3_grind_ok(&base, 4, n, bits));
            let least = (0u64..)
                .find(|&k| blake3_grind_ok(&base, 4, k, bits))
                .unwrap();
            assert_eq!(n, least, "{bits} bits");
        }
        // With 12 bits a given nonce passes one state in 4096: changing any input of a
        // passing nonce makes it fail (checked over the passing nonce's variations).
        let n = blake3_grind(&base, 4, 12);
        for i in 0..WIDTH {
            let mut other = base;
            other[i] += Goldilocks::new(1);
            assert!(!blake3_grind_ok(&other, 4, n, 12), "word {i}");
        }
        assert!(!blake3_grind_ok(&base, 5, n, 12));
    }
}
