//! Shape checks and row-wise helpers shared by every implementation.

use carbide_field::{Field, TwoAdicField};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::error::NttError;

/// Rows per parallel task in row-wise passes: small tasks cost more than they save.
#[cfg(feature = "parallel")]
const MIN_TASK_ELEMS: usize = 1 << 12;

/// log2 of the number of rows of a row-major batch, or why it cannot be transformed.
pub fn log_rows<F: TwoAdicField>(len: usize, width: usize) -> Result<usize, NttError> {
    if width == 0 || !len.is_multiple_of(width) {
        return Err(NttError::ShapeMismatch { len, width });
    }
    let rows = len / width;
    if !rows.is_power_of_two() {
        return Err(NttError::NotPowerOfTwo { len: rows });
    }
    let log_len = rows.trailing_zeros() as usize;
    if log_len > F::TWO_ADICITY {
        return Err(NttError::TooLarge {
            log_len,
            max_log_len: F::TWO_ADICITY,
        });
    }
    Ok(log_len)
}

/// Reverses the order of rows 1..n (row 0 stays): index i ↦ (n − i) mod n.
pub(crate) fn reverse_rows_tail<F: Copy>(values: &mut [F], width: usize) {
    let rows = values.len() / width;
    let (mut i, mut j) = (1, rows.saturating_sub(1));
    while i < j {
        swap_rows(values, width, i, j);
        i += 1;
        j -= 1;
    }
}

/// Multiplies every element by `c`.
pub(crate) fn scale_all<F: Field>(values: &mut [F], c: F) {
    #[cfg(feature = "parallel")]
    values
        .par_iter_mut()
        .with_min_len(MIN_TASK_ELEMS)
        .for_each(|x| *x *= c);
    #[cfg(not(feature = "parallel"))]
    values.iter_mut().for_each(|x| *x *= c);
}

/// Multiplies row i by `c^i`.
pub(crate) fn scale_rows_by_powers<F: Field>(values: &mut [F], width: usize, c: F) {
    let scale_chunk = |first_row: usize, chunk: &mut [F]| {
        let mut power = c.exp_u64(first_row as u64);
        for row in chunk.chunks_mut(width) {
            for x in row {
                *x *= power;
            }
            power *= c;
        }
    };
    #[cfg(feature = "parallel")]
    {
        let rows_per_task = MIN_TASK_ELEMS.div_ceil(width).max(1);
        values
            .par_chunks_mut(rows_per_task * width)
            .enumerate()
            .for_each(|(k, chunk)| scale_chunk(k * rows_per_task, chunk));
    }
    #[cfg(not(feature = "parallel"))]
    scale_chunk(0, values);
}

/// log2 of the tile side in the blocked bit reversal: 32×32 rows per tile pair.
const TILE_BITS: usize = 5;

/// Permutes rows into bit-reversed order of their index (an involution).
///
/// Blocked: an index is `a | mid | c` (a and c of TILE_BITS bits each) and its reversal is
/// `rev(c) | rev(mid) | rev(a)`, so for each pair of middles the swaps stay within two tiles
/// of 2^TILE_BITS strided runs of 2^TILE_BITS consecutive rows, which fit in L1; a plain loop
/// over i would miss the cache on nearly every swap once the batch exceeds it.
pub(crate) fn bit_reverse_rows<F: Copy>(values: &mut [F], width: usize, log_n: usize) {
    if log_n < 2 * TILE_BITS + 1 {
        let shift = usize::BITS as usize - log_n.max(1);
        for i in 0..1usize << log_n {
            let j = if log_n == 0 {
                0
            } else {
                i.reverse_bits() >> shift
            };
            if i < j {
                swap_rows(values, width, i, j);
            }
        }
        return;
    }
    let b = TILE_BITS;
    let m = log_n - 2 * b;
    let rev = |x: usize, bits: usize| x.reverse_bits() >> (usize::BITS as usize - bits);
    for mid in 0..1usize << m {
        let rmid = rev(mid, m);
        if rmid < mid {
            continue; // the pair (rmid, mid) was done already
        }
        for a in 0..1usize << b {
            let ra = rev(a, b);
            for c in 0..1usize << b {
                let i = (a << (m + b)) | (mid << b) | c;
                let j = (rev(c, b) << (m + b)) | (rmid << b) | ra;
                if mid != rmid || i < j {
                    swap_rows(values, width, i, j);
                }
            }
        }
    }
}

#[inline]
fn swap_rows<F: Copy>(values: &mut [F], width: usize, i: usize, j: usize) {
    if width == 1 {
        values.swap(i, j);
    } else {
        let (lo, hi) = values.split_at_mut(i.max(j) * width);
        lo[i.min(j) * width..(i.min(j) + 1) * width].swap_with_slice(&mut hi[..width]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blocked permutation equals the plain definition at every size around the switch.
    #[test]
    fn blocked_bit_reversal_is_bit_reversal() {
        for log_n in 0..=16 {
            for width in [1, 3] {
                let n = 1usize << log_n;
                let mut v: Vec<usize> = (0..n * width).collect();
                bit_reverse_rows(&mut v, width, log_n);
                for (i, row) in v.chunks(width).enumerate() {
                    let j = if log_n == 0 {
                        0
                    } else {
                        i.reverse_bits() >> (usize::BITS as usize - log_n)
                    };
                    let want: Vec<usize> = (j * width..(j + 1) * width).collect();
                    assert_eq!(row, &want[..], "row {i} of 2^{log_n} x {width}");
                }
            }
        }
    }
}
