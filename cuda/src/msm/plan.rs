//! The host side of the GPU MSM: window size, the signed-digit recoding the `msm_digits`
//! kernel performs (here as the reference its tests use), the reduction's runs, and how many
//! points go to the device at once.

use crate::error::CudaError;

/// Bits of a BN254 Fr scalar.
pub(crate) const SCALAR_BITS: u32 = 254;

/// Windows of `c` bits with signed digits: one more bit than the scalar, for the last carry.
pub(crate) fn windows(c: u32) -> u32 {
    (SCALAR_BITS + 1).div_ceil(c)
}

/// Bucket slots per window: digits 1..=2^(c−1), slot 0 unused.
pub(crate) fn buckets(c: u32) -> u32 {
    (1 << (c - 1)) + 1
}

/// Runs per window in the reduction: a power of two dividing 2^(c−1), at most 256.
pub(crate) fn runs(c: u32) -> u32 {
    (1u32 << (c - 1)).min(256)
}

/// The window size for `n` points: the fewest point additions, W·(n + 2·2^(c−1)) (each point
/// once per window, two additions per bucket in the reduction), over c in 2..=20.
pub(crate) fn window_for(n: usize) -> u32 {
    (2..=20u32)
        .min_by_key(|&c| u64::from(windows(c)) * (n as u64 + (1u64 << c)))
        .unwrap_or(8)
}

/// Bits [lo, lo + c) of the little-endian 32-bit words `k`, as the kernel reads them.
#[cfg(test)]
fn window_bits(k: &[u32; 8], lo: u32, c: u32) -> u32 {
    let (word, shift) = ((lo / 32) as usize, lo % 32);
    if word >= 8 {
        return 0;
    }
    let mut v = u64::from(k[word]);
    if word + 1 < 8 {
        v |= u64::from(k[word + 1]) << 32;
    }
    (v >> shift) as u32 & ((1 << c) - 1)
}

/// The signed digits of `k` (canonical, below 2^254), low window first, each in
/// (−2^(c−1), 2^(c−1)]: `msm_digits`'s recoding.
#[cfg(test)]
pub(crate) fn digits(k: &[u32; 8], c: u32) -> Vec<i64> {
    let mut carry = 0;
    (0..windows(c))
        .map(|w| {
            let d = window_bits(k, w * c, c) + carry;
            if d > 1 << (c - 1) {
                carry = 1;
                -i64::from((1 << c) - d)
            } else {
                carry = 0;
                i64::from(d)
            }
        })
        .collect()
}

/// Device bytes of one MSM pass: `per_point` for each point of a chunk, `fixed` whatever the
/// chunk size.
pub(crate) struct Footprint {
    pub per_point: u64,
    pub fixed: u64,
}

/// What a chunk of points needs with window `c` and `coord_words`-word coordinates: the
/// scalar (4 words) and three u32 per window (bucket, entry, sorted entry); per bucket three
/// u32 (count, offset, cursor) and an XYZZ point; per run an XYZZ point.
pub(crate) fn footprint(c: u32, coord_words: usize) -> Footprint {
    let (w, b, t) = (
        u64::from(windows(c)),
        u64::from(buckets(c)),
        u64::from(runs(c)),
    );
    let point = 4 * 8 * coord_words as u64;
    Footprint {
        per_point: 32 + 12 * w,
        fixed: w * b * (12 + point) + w * (t + 1) * point,
    }
}

/// Points per chunk so that a chunk's buffers fit in `free` bytes (less 10% and 64 MiB); an
/// error when not even the fixed part does.
pub(crate) fn points_per_chunk(n: usize, f: &Footprint, free: u64) -> Result<usize, CudaError> {
    let usable = (free - free / 10).saturating_sub(64 << 20);
    let room = usable.saturating_sub(f.fixed) / f.per_point;
    if room == 0 {
        return Err(CudaError::Shape(format!(
            "the MSM needs {} bytes of device memory plus {} per point; {free} are free",
            f.fixed, f.per_point
        )));
    }
    // Entries are u32 with the sign in bit 31.
    Ok(n.min(usize::try_from(room).unwrap_or(usize::MAX))
        .clamp(1, 1 << 31))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{BigInteger, Field, PrimeField};
    use num_bigint::BigInt;
    use rand::{Rng, SeedableRng};

    fn limbs(k: &ark_bn254::Fr) -> [u32; 8] {
        let b = k.into_bigint().0;
        core::array::from_fn(|i| (b[i / 2] >> (32 * (i % 2))) as u32)
    }

    #[test]
    fn digits_recompose_the_scalar() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut scalars: Vec<ark_bn254::Fr> = vec![
            0u64.into(),
            1u64.into(),
            -ark_bn254::Fr::from(1u64),
            ark_bn254::Fr::from(2u64).pow([253u64]),
        ];
        scalars.extend(
            (0..200).map(|_| ark_bn254::Fr::from_le_bytes_mod_order(&rng.r#gen::<[u8; 32]>())),
        );
        for c in 2..=20 {
            for k in &scalars {
                let d = digits(&limbs(k), c);
                assert_eq!(d.len() as u32, windows(c));
                let half = 1i64 << (c - 1);
                assert!(d.iter().all(|&x| x > -half && x <= half), "c {c}: {d:?}");
                let sum = d
                    .iter()
                    .rev()
                    .fold(BigInt::from(0), |acc, &x| (acc << c) + x);
                let want =
                    BigInt::from_bytes_le(num_bigint::Sign::Plus, &k.into_bigint().to_bytes_le());
                assert_eq!(sum, want, "c {c}");
            }
        }
    }

    #[test]
    fn windows_fit_the_scalar_and_runs_divide_the_buckets() {
        for c in 2..=20 {
            assert!(windows(c) * c > SCALAR_BITS);
            assert_eq!((buckets(c) - 1) % runs(c), 0);
        }
        assert!((15..=17).contains(&window_for(1 << 20)));
        assert!(window_for(1) <= 4);
        assert!(window_for(1 << 24) >= window_for(1 << 20));
    }

    #[test]
    fn chunks_fit_free_memory() {
        let f = footprint(16, 4);
        let gib = 1u64 << 30;
        assert_eq!(points_per_chunk(1 << 20, &f, 80 * gib).unwrap(), 1 << 20);
        let part = points_per_chunk(1 << 30, &f, 4 * gib).unwrap();
        assert!(part < 1 << 30 && part > 0);
        assert!(f.fixed + part as u64 * f.per_point <= 4 * gib);
        assert!(points_per_chunk(10, &f, 1 << 20).is_err());
    }
}
