//! BLAKE3 of eight Merkle inputs at once with AVX2, one input per 32-bit lane.
//!
//! [`crate::blake3_lanes`] leaves the vector code to the compiler: sixteen lanes fill
//! AVX-512's registers, but on AVX2 they take two registers a word, the state spills, and
//! each message word is gathered lane by lane. Here the state is sixteen 256-bit registers,
//! as in the blake3 crate's `hash8`, and the message words come from the rows themselves:
//! eight rows' values are loaded whole, reduced to canonical form and transposed, and a
//! leading prefix byte (leaves have one, nodes not) is a byte shift across adjacent words. Single-chunk inputs only
//! (at most 1024 bytes), like the lanes module; the bits are the crate's (tests below).

use core::arch::x86_64::__m256i;

use pulp::x86::V3;

use crate::Goldilocks;
use crate::blake3_lanes::{CHUNK_END, CHUNK_START, IV, ROOT};
use crate::poseidon::Digest;

/// Inputs hashed together.
const LANES: usize = 8;

/// The message word order of each round (the permutation applied round after round).
const SCHEDULE: [[usize; 16]; 7] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8],
    [3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1],
    [10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6],
    [12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4],
    [9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7],
    [11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13],
];

/// The digests of `prefix ‖ the canonical little-endian words` of each `width`-word item of
/// `values` (at most 1024 bytes), into `out` (one per item).
pub(crate) fn hash_items(
    simd: V3,
    values: &[Goldilocks],
    width: usize,
    prefix: Option<u8>,
    out: &mut [Digest],
) {
    debug_assert!(width <= 127 && values.len() == out.len() * width);
    pulp::Simd::vectorize(
        simd,
        Items {
            simd,
            values,
            width,
            prefix,
            out,
        },
    );
}

struct Items<'a> {
    simd: V3,
    values: &'a [Goldilocks],
    width: usize,
    prefix: Option<u8>,
    out: &'a mut [Digest],
}

impl pulp::WithSimd for Items<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let Self {
            simd,
            values,
            width,
            prefix,
            out,
        } = self;
        let full = out.len() / LANES * LANES;
        let (head, tail) = out.split_at_mut(full);
        for (g, out) in head.chunks_exact_mut(LANES).enumerate() {
            let base = g * LANES * width;
            let rows = core::array::from_fn(|l| &values[base + l * width..][..width]);
            *<&mut [Digest; LANES]>::try_from(out).expect("a group") =
                hash8(simd, rows, width, prefix);
        }
        if !tail.is_empty() {
            // The last few items, the missing lanes fed the first item again.
            let base = full * width;
            let rows = core::array::from_fn(|l| {
                let l = if l < tail.len() { l } else { 0 };
                &values[base + l * width..][..width]
            });
            let digests = hash8(simd, rows, width, prefix);
            tail.copy_from_slice(&digests[..tail.len()]);
        }
    }
}

/// The hashes of eight items of `width` words each.
#[inline(always)]
fn hash8(
    simd: V3,
    rows: [&[Goldilocks]; LANES],
    width: usize,
    prefix: Option<u8>,
) -> [Digest; LANES] {
    let len = usize::from(prefix.is_some()) + 8 * width;
    // An empty message is still one (empty) block.
    let blocks = len.div_ceil(64).max(1);
    let mut cv: [__m256i; 8] = core::array::from_fn(|i| splat(simd, IV[i]));
    // The 32-bit half before the block's first: its top byte starts the block's first word.
    let mut carry = splat(simd, u32::from(prefix.unwrap_or(0)) << 24);
    for b in 0..blocks {
        let lo = transpose(simd, core::array::from_fn(|l| load4(simd, rows[l], 8 * b)));
        let hi = transpose(
            simd,
            core::array::from_fn(|l| load4(simd, rows[l], 8 * b + 4)),
        );
        let halves: [__m256i; 16] = core::array::from_fn(|k| if k < 8 { lo[k] } else { hi[k - 8] });
        let m: [__m256i; 16] = match prefix {
            None => halves,
            Some(_) => core::array::from_fn(|w| {
                let before = if w == 0 { carry } else { halves[w - 1] };
                let a = simd.avx2._mm256_srli_epi32::<24>(before);
                let c = simd.avx2._mm256_slli_epi32::<8>(halves[w]);
                simd.avx2._mm256_or_si256(a, c)
            }),
        };
        carry = halves[15];
        let last = b + 1 == blocks;
        let block_len = if last { len - 64 * b } else { 64 } as u32;
        let flags = if b == 0 { CHUNK_START } else { 0 } | if last { CHUNK_END | ROOT } else { 0 };
        cv = compress(simd, &cv, &m, block_len, flags);
    }
    let words = transpose(simd, cv);
    core::array::from_fn(|l| {
        let w: [u64; 4] = pulp::cast(words[l]);
        w.map(Goldilocks::from_noncanonical_u64)
    })
}

/// Words `at..at + 4` of `row` in canonical form (zero past its end), as eight 32-bit halves.
#[inline(always)]
fn load4(simd: V3, row: &[Goldilocks], at: usize) -> __m256i {
    let raw: [u64; 4] = match row.get(at..at + 4) {
        Some(r) => core::array::from_fn(|i| r[i].as_noncanonical_u64()),
        None => core::array::from_fn(|i| row.get(at + i).map_or(0, |x| x.as_noncanonical_u64())),
    };
    let x: __m256i = pulp::cast(raw);
    // x ≥ p exactly when x > p − 1 = 2^64 − 2^32 unsigned; then x − p = x + (2^32 − 1).
    let sign = simd.avx._mm256_set1_epi64x(i64::MIN);
    let bound = simd
        .avx
        ._mm256_set1_epi64x((Goldilocks::ORDER - 1) as i64 ^ i64::MIN);
    let over = simd
        .avx2
        ._mm256_cmpgt_epi64(simd.avx2._mm256_xor_si256(x, sign), bound);
    let epsilon = simd.avx._mm256_set1_epi64x(0xFFFF_FFFF);
    simd.avx2
        ._mm256_add_epi64(x, simd.avx2._mm256_and_si256(over, epsilon))
}

/// The 8×8 transpose of 32-bit words: word k of input l becomes word l of output k.
#[inline(always)]
fn transpose(simd: V3, r: [__m256i; 8]) -> [__m256i; 8] {
    let a = simd.avx2;
    let t: [__m256i; 8] = core::array::from_fn(|i| {
        let (x, y) = (r[i / 2 * 2], r[i / 2 * 2 + 1]);
        if i % 2 == 0 {
            a._mm256_unpacklo_epi32(x, y)
        } else {
            a._mm256_unpackhi_epi32(x, y)
        }
    });
    // u[4h + j]: words j and j + 4 of rows 4h..4h + 4.
    let u: [__m256i; 8] = core::array::from_fn(|i| {
        let (h, j) = (i / 4, i % 4);
        let (x, y) = (t[4 * h + j / 2], t[4 * h + j / 2 + 2]);
        if j % 2 == 0 {
            a._mm256_unpacklo_epi64(x, y)
        } else {
            a._mm256_unpackhi_epi64(x, y)
        }
    });
    core::array::from_fn(|k| {
        if k < 4 {
            a._mm256_permute2x128_si256::<0x20>(u[k], u[k + 4])
        } else {
            a._mm256_permute2x128_si256::<0x31>(u[k - 4], u[k])
        }
    })
}

#[inline(always)]
fn splat(simd: V3, x: u32) -> __m256i {
    simd.avx._mm256_set1_epi32(x as i32)
}

/// Rotation right of each word by 16 or 8 bits, as a byte shuffle.
#[inline(always)]
fn rotate_bytes<const BITS: u32>(simd: V3, x: __m256i) -> __m256i {
    let by = (BITS / 8) as usize;
    let mask: [u8; 32] = core::array::from_fn(|i| (i / 4 * 4 + (i % 4 + by) % 4) as u8);
    simd.avx2._mm256_shuffle_epi8(x, pulp::cast(mask))
}

#[inline(always)]
fn g(simd: V3, s: &mut [__m256i; 16], [a, b, c, d]: [usize; 4], x: __m256i, y: __m256i) {
    let v = simd.avx2;
    s[a] = v._mm256_add_epi32(v._mm256_add_epi32(s[a], s[b]), x);
    s[d] = rotate_bytes::<16>(simd, v._mm256_xor_si256(s[d], s[a]));
    s[c] = v._mm256_add_epi32(s[c], s[d]);
    let t = v._mm256_xor_si256(s[b], s[c]);
    s[b] = v._mm256_or_si256(v._mm256_srli_epi32::<12>(t), v._mm256_slli_epi32::<20>(t));
    s[a] = v._mm256_add_epi32(v._mm256_add_epi32(s[a], s[b]), y);
    s[d] = rotate_bytes::<8>(simd, v._mm256_xor_si256(s[d], s[a]));
    s[c] = v._mm256_add_epi32(s[c], s[d]);
    let t = v._mm256_xor_si256(s[b], s[c]);
    s[b] = v._mm256_or_si256(v._mm256_srli_epi32::<7>(t), v._mm256_slli_epi32::<25>(t));
}

#[inline(always)]
fn round(simd: V3, s: &mut [__m256i; 16], m: &[__m256i; 16], r: usize) {
    let k = &SCHEDULE[r];
    g(simd, s, [0, 4, 8, 12], m[k[0]], m[k[1]]);
    g(simd, s, [1, 5, 9, 13], m[k[2]], m[k[3]]);
    g(simd, s, [2, 6, 10, 14], m[k[4]], m[k[5]]);
    g(simd, s, [3, 7, 11, 15], m[k[6]], m[k[7]]);
    g(simd, s, [0, 5, 10, 15], m[k[8]], m[k[9]]);
    g(simd, s, [1, 6, 11, 12], m[k[10]], m[k[11]]);
    g(simd, s, [2, 7, 8, 13], m[k[12]], m[k[13]]);
    g(simd, s, [3, 4, 9, 14], m[k[14]], m[k[15]]);
}

/// The compression of one block per lane (chunk counter 0), truncated to the chaining value.
#[inline(always)]
fn compress(
    simd: V3,
    cv: &[__m256i; 8],
    m: &[__m256i; 16],
    block_len: u32,
    flags: u32,
) -> [__m256i; 8] {
    let mut s: [__m256i; 16] = core::array::from_fn(|i| match i {
        0..8 => cv[i],
        8..12 => splat(simd, IV[i - 8]),
        12 | 13 => splat(simd, 0),
        14 => splat(simd, block_len),
        _ => splat(simd, flags),
    });
    round(simd, &mut s, m, 0);
    round(simd, &mut s, m, 1);
    round(simd, &mut s, m, 2);
    round(simd, &mut s, m, 3);
    round(simd, &mut s, m, 4);
    round(simd, &mut s, m, 5);
    round(simd, &mut s, m, 6);
    core::array::from_fn(|i| simd.avx2._mm256_xor_si256(s[i], s[i + 8]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Field;
    use rand_chacha::rand_core::{RngCore, SeedableRng};

    /// Every width a chunk holds, item counts that leave every remainder of a group, words
    /// at and above p (hashed in canonical form), both prefixes and none, against the crate.
    #[test]
    fn eight_lanes_match_the_blake3_crate() {
        let Some(simd) = V3::try_new() else {
            eprintln!("no AVX2 here: nothing to check");
            return;
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for width in 0..=127 {
            for items in [1, 7, 8, 9, 19] {
                let values: Vec<Goldilocks> = (0..items * width)
                    .map(|i| match i % 5 {
                        0 => Goldilocks::from_noncanonical_u64(u64::MAX - (rng.next_u64() % 8)),
                        1 => Goldilocks::from_noncanonical_u64(Goldilocks::ORDER),
                        _ => Goldilocks::from_noncanonical_u64(rng.next_u64()),
                    })
                    .collect();
                for prefix in [Some(0u8), Some(1), None] {
                    let mut out = vec![[Goldilocks::ZERO; 4]; items];
                    hash_items(simd, &values, width, prefix, &mut out);
                    for (i, got) in out.iter().enumerate() {
                        let item = &values[i * width..(i + 1) * width];
                        let mut bytes: Vec<u8> = prefix.into_iter().collect();
                        for x in item {
                            bytes.extend_from_slice(&x.as_canonical_u64().to_le_bytes());
                        }
                        let want = blake3::hash(&bytes);
                        let got: Vec<u8> = got
                            .iter()
                            .flat_map(|x| x.as_noncanonical_u64().to_le_bytes())
                            .collect();
                        assert_eq!(&got[..], want.as_bytes(), "width {width}, {items} items");
                    }
                }
            }
        }
    }
}
