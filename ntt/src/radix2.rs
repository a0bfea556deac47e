//! Radix-2 decimation-in-time over rows, rayon-parallel, with cached twiddles.
//!
//! The first stages run inside cache-sized blocks of rows (one rayon task per block, all of
//! those stages before leaving the block); the later stages, whose butterflies span more than a
//! block, run over the whole batch with each block's butterfly pairs split across threads.

use std::sync::{Arc, Mutex};

use carbide_field::{Field, TwoAdicField};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::error::NttError;
use crate::traits::Ntt;
use crate::util::{bit_reverse_rows, log_rows};

/// Elements per block for the in-cache stages: 128 KiB of Goldilocks, 512 KiB of BN254 Fr.
const BLOCK_ELEMS: usize = 1 << 14;
/// Butterfly pairs per rayon task in the global stages.
#[cfg(feature = "parallel")]
const MIN_PAIRS_PER_TASK: usize = 1 << 10;

/// The rayon CPU NTT. Twiddle tables are computed once per size and kept.
#[derive(Debug, Default)]
pub struct Radix2Dit<F> {
    /// `twiddles[log_n]` holds ω_n^k for k < n/2.
    twiddles: Mutex<Vec<Option<Arc<[F]>>>>,
}

impl<F: TwoAdicField> Radix2Dit<F> {
    /// A transform with an empty twiddle cache.
    pub fn new() -> Self {
        Self {
            twiddles: Mutex::new(Vec::new()),
        }
    }

    fn twiddles(&self, log_n: usize) -> Result<Arc<[F]>, NttError> {
        // A poisoned lock only means another thread panicked mid-insert; the table is still
        // a valid cache (entries are whole Arcs), so keep using it.
        let mut cache = self.twiddles.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Some(t)) = cache.get(log_n) {
            return Ok(t.clone());
        }
        let omega = F::two_adic_generator(log_n).map_err(|_| NttError::TooLarge {
            log_len: log_n,
            max_log_len: F::TWO_ADICITY,
        })?;
        let table: Arc<[F]> = omega.powers().take((1 << log_n) / 2).collect();
        if cache.len() <= log_n {
            cache.resize(log_n + 1, None);
        }
        cache[log_n] = Some(table.clone());
        Ok(table)
    }
}

/// Butterflies between the rows of `lo` and `hi` (pair k = rows k of each), pair k using
/// twiddle `tw[(first + k)·stride]`.
#[inline]
fn butterflies<F: Field>(
    lo: &mut [F],
    hi: &mut [F],
    width: usize,
    tw: &[F],
    first: usize,
    stride: usize,
) {
    let twiddles = tw[first * stride..].iter().step_by(stride);
    if width == 1 {
        // One column: no row slicing in the innermost loop.
        for ((a, b), &t) in lo.iter_mut().zip(hi.iter_mut()).zip(twiddles) {
            let (u, v) = (*a, *b * t);
            *a = u + v;
            *b = u - v;
        }
        return;
    }
    let rows = lo.chunks_exact_mut(width).zip(hi.chunks_exact_mut(width));
    for ((a_row, b_row), &t) in rows.zip(twiddles) {
        for (a, b) in a_row.iter_mut().zip(b_row.iter_mut()) {
            let (u, v) = (*a, *b * t);
            *a = u + v;
            *b = u - v;
        }
    }
}

/// The first stage: span one row, twiddle one, so no multiplication.
fn first_stage<F: Field>(values: &mut [F], width: usize) {
    for pair in values.chunks_exact_mut(2 * width) {
        let (lo, hi) = pair.split_at_mut(width);
        for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
            let (u, v) = (*a, *b);
            *a = u + v;
            *b = u - v;
        }
    }
}

/// Stage `s` (butterfly span 2^(s−1) rows) over a slice holding whole blocks of 2^s rows.
fn stage_serial<F: Field>(values: &mut [F], width: usize, s: usize, log_n: usize, tw: &[F]) {
    let half = 1 << (s - 1);
    let stride = 1 << (log_n - s);
    for block in values.chunks_mut(2 * half * width) {
        let (lo, hi) = block.split_at_mut(half * width);
        butterflies(lo, hi, width, tw, 0, stride);
    }
}

/// Stage `s` over the whole batch, splitting each block's butterfly pairs across threads.
#[cfg(feature = "parallel")]
fn stage_parallel<F: Field>(values: &mut [F], width: usize, s: usize, log_n: usize, tw: &[F]) {
    let half = 1usize << (s - 1);
    let stride = 1 << (log_n - s);
    let pairs_per_task = MIN_PAIRS_PER_TASK.div_ceil(width).clamp(1, half);
    values.par_chunks_mut(2 * half * width).for_each(|block| {
        let (lo, hi) = block.split_at_mut(half * width);
        lo.par_chunks_mut(pairs_per_task * width)
            .zip(hi.par_chunks_mut(pairs_per_task * width))
            .enumerate()
            .for_each(|(t, (l, h))| butterflies(l, h, width, tw, t * pairs_per_task, stride));
    });
}

/// One radix-2² butterfly: stages s and s+1 on rows j, j+h, j+2h, j+3h while in registers.
#[inline(always)]
fn bf4<F: Field>(a: &mut F, b: &mut F, c: &mut F, d: &mut F, t1: F, t2: F, t3: F) {
    let [x1, x3] = mul_pairs([(*b, t1), (*d, t1)]);
    let (y0, y1, y2, y3) = (*a + x1, *a - x1, *c + x3, *c - x3);
    let [z2, z3] = mul_pairs([(y2, t2), (y3, t3)]);
    *a = y0 + z2;
    *c = y0 - z2;
    *b = y1 + z3;
    *d = y1 - z3;
}

/// Two products from one multiplication call site in a loop: LLVM inlines a large field
/// multiplication (arkworks' 4-limb Montgomery) at one site and then unrolls, where four
/// separate sites in `bf4` would exceed its inlining budget and become calls.
#[inline(always)]
fn mul_pairs<F: Field>(pairs: [(F, F); 2]) -> [F; 2] {
    let mut out = [F::ZERO; 2];
    for (o, (x, t)) in out.iter_mut().zip(pairs) {
        *o = x * t;
    }
    out
}

/// Stages s and s+1 fused over four quarter-blocks of h = 2^(s−1) rows each: one pass over
/// memory instead of two. Row k of each quarter is pair index j = first + k; stage s uses
/// ω_(2h)^j = tw[j·stride], stage s+1 ω_(4h)^j and ω_(4h)^(j+h) = tw[j·stride/2 (+ n/4)].
#[allow(clippy::too_many_arguments)]
#[inline]
fn butterflies4<F: Field>(
    quarters: [&mut [F]; 4],
    width: usize,
    tw: &[F],
    first: usize,
    stride: usize,
    n_quarter: usize,
) {
    let [q0, q1, q2, q3] = quarters;
    let half_stride = stride / 2;
    let twiddles = |j: usize| {
        let t2 = tw[j * half_stride];
        (tw[j * stride], t2, tw[j * half_stride + n_quarter])
    };
    if width == 1 {
        let rows = q0
            .iter_mut()
            .zip(q1.iter_mut())
            .zip(q2.iter_mut())
            .zip(q3.iter_mut());
        for (k, (((a, b), c), d)) in rows.enumerate() {
            let (t1, t2, t3) = twiddles(first + k);
            bf4(a, b, c, d, t1, t2, t3);
        }
        return;
    }
    let rows = q0
        .chunks_exact_mut(width)
        .zip(q1.chunks_exact_mut(width))
        .zip(q2.chunks_exact_mut(width))
        .zip(q3.chunks_exact_mut(width));
    for (k, (((r0, r1), r2), r3)) in rows.enumerate() {
        let (t1, t2, t3) = twiddles(first + k);
        let cols = r0
            .iter_mut()
            .zip(r1.iter_mut())
            .zip(r2.iter_mut())
            .zip(r3.iter_mut());
        for (((a, b), c), d) in cols {
            bf4(a, b, c, d, t1, t2, t3);
        }
    }
}

/// Splits a block of 4h rows into its four quarters.
fn quarters<F>(block: &mut [F], quarter_len: usize) -> [&mut [F]; 4] {
    let (q0, rest) = block.split_at_mut(quarter_len);
    let (q1, rest) = rest.split_at_mut(quarter_len);
    let (q2, q3) = rest.split_at_mut(quarter_len);
    [q0, q1, q2, q3]
}

/// Stages s and s+1 over a slice holding whole blocks of 2^(s+1) rows.
fn stage_pair_serial<F: Field>(values: &mut [F], width: usize, s: usize, log_n: usize, tw: &[F]) {
    let h = 1usize << (s - 1);
    let (stride, n_quarter) = (1 << (log_n - s), 1 << (log_n - 2));
    for block in values.chunks_mut(4 * h * width) {
        butterflies4(quarters(block, h * width), width, tw, 0, stride, n_quarter);
    }
}

/// Stages s and s+1 over the whole batch, each block's rows split across threads.
#[cfg(feature = "parallel")]
fn stage_pair_parallel<F: Field>(values: &mut [F], width: usize, s: usize, log_n: usize, tw: &[F]) {
    let h = 1usize << (s - 1);
    let (stride, n_quarter) = (1 << (log_n - s), 1 << (log_n - 2));
    let rows_per_task = MIN_PAIRS_PER_TASK.div_ceil(width).clamp(1, h);
    let task = rows_per_task * width;
    values.par_chunks_mut(4 * h * width).for_each(|block| {
        let [q0, q1, q2, q3] = quarters(block, h * width);
        q0.par_chunks_mut(task)
            .zip(q1.par_chunks_mut(task))
            .zip(q2.par_chunks_mut(task))
            .zip(q3.par_chunks_mut(task))
            .enumerate()
            .for_each(|(t, (((a, b), c), d))| {
                butterflies4(
                    [a, b, c, d],
                    width,
                    tw,
                    t * rows_per_task,
                    stride,
                    n_quarter,
                )
            });
    });
}

/// Stages `from..=to`, two at a time where possible.
fn run_stages<F: Field>(
    values: &mut [F],
    width: usize,
    from: usize,
    to: usize,
    log_n: usize,
    tw: &[F],
    parallel: bool,
) {
    let mut s = from;
    while s <= to {
        let pair = s < to;
        match (pair, parallel) {
            #[cfg(feature = "parallel")]
            (true, true) => stage_pair_parallel(values, width, s, log_n, tw),
            #[cfg(feature = "parallel")]
            (false, true) => stage_parallel(values, width, s, log_n, tw),
            (true, _) => stage_pair_serial(values, width, s, log_n, tw),
            (false, _) => stage_serial(values, width, s, log_n, tw),
        }
        s += if pair { 2 } else { 1 };
    }
}

impl<F: TwoAdicField> Ntt<F> for Radix2Dit<F> {
    fn ntt_batch(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        let log_n = log_rows::<F>(values.len(), width)?;
        if log_n == 0 {
            return Ok(());
        }
        let tw = self.twiddles(log_n)?;
        bit_reverse_rows(values, width, log_n);

        // Whole blocks of 2^local_stages rows, so the local stages never straddle two tasks.
        let local_stages = ((BLOCK_ELEMS / width).max(2).ilog2() as usize).min(log_n);
        let block_rows = 1 << local_stages;
        let in_block = |block: &mut [F]| {
            first_stage(block, width);
            run_stages(block, width, 2, local_stages, log_n, &tw, false);
        };
        #[cfg(feature = "parallel")]
        values.par_chunks_mut(block_rows * width).for_each(in_block);
        #[cfg(not(feature = "parallel"))]
        values.chunks_mut(block_rows * width).for_each(in_block);

        run_stages(
            values,
            width,
            local_stages + 1,
            log_n,
            log_n,
            &tw,
            cfg!(feature = "parallel"),
        );
        Ok(())
    }
}
