//! Shape checks and row-wise helpers shared by every implementation.

use carbide_field::{Field, Kernel, PackedField, TwoAdicField};
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
        return Err(too_large::<F>(log_len));
    }
    Ok(log_len)
}

/// The error for a transform of 2^log_len rows in `F`.
pub(crate) fn too_large<F: TwoAdicField>(log_len: usize) -> NttError {
    NttError::TooLarge {
        log_len,
        max_log_len: F::TWO_ADICITY,
    }
}

/// ω of order 2^log_n, the root ark-poly and plonky2 use.
pub(crate) fn root<F: TwoAdicField>(log_n: usize) -> Result<F, NttError> {
    F::two_adic_generator(log_n).map_err(|_| too_large::<F>(log_n))
}

/// 1/2^log_n (it exists within the two-adicity: p is odd).
pub(crate) fn size_inverse<F: TwoAdicField>(log_n: usize) -> Result<F, NttError> {
    let n = 1u64
        .checked_shl(log_n as u32)
        .ok_or(too_large::<F>(log_n))?;
    F::from_u64(n).try_inverse().ok_or(too_large::<F>(log_n))
}

/// An empty vector with room for `n` elements, or the error naming the size.
pub(crate) fn try_vec<T>(n: usize) -> Result<Vec<T>, NttError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| NttError::OutOfMemory { elements: n })?;
    Ok(v)
}

/// The rows' log2 and the element count of a low-degree extension by 2^added_bits, or the
/// error: a bad shape, or a result beyond the two-adicity or the address space.
pub(crate) fn lde_shape<F: TwoAdicField>(
    len: usize,
    width: usize,
    added_bits: usize,
) -> Result<(usize, usize), NttError> {
    let log_n = log_rows::<F>(len, width)?;
    let log_big = log_n + added_bits;
    if log_big > F::TWO_ADICITY {
        return Err(too_large::<F>(log_big));
    }
    let total = 1usize
        .checked_shl(added_bits as u32)
        .and_then(|f| len.checked_mul(f))
        .ok_or(too_large::<F>(log_big))?;
    Ok((log_n, total))
}

/// `i` with its low `bits` bits reversed (`bits` ≤ the word size; 0 gives 0).
#[inline(always)]
pub(crate) fn reverse_bits(i: usize, bits: usize) -> usize {
    if bits == 0 {
        0
    } else {
        i.reverse_bits() >> (usize::BITS as usize - bits)
    }
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
    scale_rows(values, 1, c, F::ONE);
}

/// Multiplies row i by `c^i`.
pub(crate) fn scale_rows_by_powers<F: Field>(values: &mut [F], width: usize, c: F) {
    scale_rows(values, width, F::ONE, c);
}

/// Multiplies row i by `first·ratio^i`, in parallel tasks through the field's packing.
pub(crate) fn scale_rows<F: Field>(values: &mut [F], width: usize, first: F, ratio: F) {
    if width == 0 {
        return;
    }
    #[cfg(feature = "parallel")]
    {
        let rows_per_task = MIN_TASK_ELEMS.div_ceil(width).next_power_of_two();
        values
            .par_chunks_mut(rows_per_task * width)
            .enumerate()
            .for_each(|(k, chunk)| {
                let start = first * ratio.exp_u64((k * rows_per_task) as u64);
                F::Packing::vectorized(ScaleRows {
                    chunk,
                    width,
                    start,
                    ratio,
                });
            });
    }
    #[cfg(not(feature = "parallel"))]
    F::Packing::vectorized(ScaleRows {
        chunk: values,
        width,
        start: first,
        ratio,
    });
}

/// One task of [`scale_rows`]: row i of `chunk` times `start·ratio^i`.
struct ScaleRows<'a, F> {
    chunk: &'a mut [F],
    width: usize,
    start: F,
    ratio: F,
}

impl<F: Field> Kernel for ScaleRows<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let Self {
            chunk,
            width,
            start,
            ratio,
        } = self;
        let w = <F::Packing as PackedField>::WIDTH;
        if width == 1 && w > 1 {
            // One column: the lanes hold consecutive powers, stepping by ratio^W.
            let head = chunk.len() / w * w;
            let mut f = F::Packing::from_fn(|i| start * ratio.exp_u64(i as u64));
            let step = F::Packing::broadcast(ratio.exp_u64(w as u64));
            let mut chunks = chunk.chunks_exact_mut(w);
            for ch in &mut chunks {
                (F::Packing::load(ch) * f).store(ch);
                f = f * step;
            }
            let mut tail_factor = start * ratio.exp_u64(head as u64);
            for x in chunks.into_remainder() {
                *x *= tail_factor;
                tail_factor *= ratio;
            }
            return;
        }
        let mut factor = start;
        for row in chunk.chunks_exact_mut(width) {
            let p = F::Packing::broadcast(factor);
            let mut cols = row.chunks_exact_mut(w);
            for ch in &mut cols {
                (F::Packing::load(ch) * p).store(ch);
            }
            for x in cols.into_remainder() {
                *x *= factor;
            }
            factor *= ratio;
        }
    }
}

/// log2 of the tile side in the blocked bit reversal: 32×32 rows per tile pair.
const TILE_BITS: usize = 5;

/// Permutes rows into bit-reversed order of their index (an involution).
///
/// Blocked: an index is `a | mid | c` (a and c of TILE_BITS bits each) and its reversal is
/// `rev(c) | rev(mid) | rev(a)`, so for each pair of middles the swaps stay within two tiles
/// of 2^TILE_BITS strided runs of 2^TILE_BITS consecutive rows, which fit in L1; a plain loop
/// over i would miss the cache on nearly every swap once the batch exceeds it.
pub(crate) fn bit_reverse_rows<F: Copy + Send>(values: &mut [F], width: usize, log_n: usize) {
    #[cfg(feature = "parallel")]
    if log_n > 2 * TILE_BITS && values.len() >= PAR_REVERSE_MIN {
        return par_bit_reverse_rows(values, width, log_n);
    }
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

/// Elements from which [`bit_reverse_rows`] runs across threads.
#[cfg(feature = "parallel")]
const PAR_REVERSE_MIN: usize = 1 << 16;

/// [`bit_reverse_rows`]' blocked swaps across threads, for `log_n > 2·TILE_BITS`. Rows
/// `a | mid | c` for one middle are 2^TILE_BITS runs of 2^TILE_BITS consecutive rows (one per
/// a), and its swaps reach only the runs of the reversed middle: each pair of middles is one
/// task owning its runs, so the tasks borrow disjoint parts of `values`.
#[cfg(feature = "parallel")]
fn par_bit_reverse_rows<F: Copy + Send>(values: &mut [F], width: usize, log_n: usize) {
    use rayon::prelude::*;
    let b = TILE_BITS;
    let m = log_n - 2 * b;
    let rev = |x: usize, bits: usize| x.reverse_bits() >> (usize::BITS as usize - bits);
    // Run r = a·2^m + mid holds rows a | mid | 0..2^b.
    let mut runs: Vec<Option<&mut [F]>> = values.chunks_mut(width << b).map(Some).collect();
    let mut take = |mid: usize| -> Vec<&mut [F]> {
        (0..1usize << b)
            .map(|a| runs[(a << m) | mid].take().expect("each run is taken once"))
            .collect()
    };
    let mut tasks = Vec::with_capacity(1 << m);
    for mid in 0..1usize << m {
        let rmid = rev(mid, m);
        if rmid < mid {
            continue;
        }
        let own = take(mid);
        let other = if rmid == mid { Vec::new() } else { take(rmid) };
        tasks.push((own, other));
    }
    let row = |r: usize| r * width..(r + 1) * width;
    tasks.into_par_iter().for_each(|(mut own, mut other)| {
        for a in 0..1usize << b {
            let ra = rev(a, b);
            for c in 0..1usize << b {
                // Row c of run a swaps with row rev(a) of run rev(c) of the reversed middle.
                let rc = rev(c, b);
                if !other.is_empty() {
                    own[a][row(c)].swap_with_slice(&mut other[rc][row(ra)]);
                } else if a == rc {
                    if c < ra {
                        let (lo, hi) = own[a].split_at_mut(ra * width);
                        lo[row(c)].swap_with_slice(&mut hi[..width]);
                    }
                } else if a < rc {
                    let (lo, hi) = own.split_at_mut(rc);
                    lo[a][row(c)].swap_with_slice(&mut hi[0][row(ra)]);
                }
            }
        }
    });
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

    /// The blocked permutation, serial and across threads, equals the plain definition at
    /// every size around the switches.
    #[test]
    fn blocked_bit_reversal_is_bit_reversal() {
        type Reverse = fn(&mut [usize], usize, usize);
        let mut versions: Vec<(Reverse, usize)> = vec![(bit_reverse_rows, 0)];
        #[cfg(feature = "parallel")]
        versions.push((par_bit_reverse_rows, 2 * TILE_BITS + 1));
        for (reverse, from) in versions {
            for log_n in from..=16 {
                for width in [1, 3, 8] {
                    check_reversal(reverse, log_n, width);
                }
            }
        }
    }

    fn check_reversal(reverse: fn(&mut [usize], usize, usize), log_n: usize, width: usize) {
        let n = 1usize << log_n;
        let mut v: Vec<usize> = (0..n * width).collect();
        reverse(&mut v, width, log_n);
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
