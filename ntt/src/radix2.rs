//! Radix-2 decimation-in-time over rows, rayon-parallel, with cached twiddles.
//!
//! The first stages run inside cache-sized blocks of rows (one rayon task per block, all of
//! those stages before leaving the block); the later stages, whose butterflies span more than a
//! block, run in passes over the whole batch, each pass several stages deep on the groups of
//! rows they connect (tasks across threads).

use std::sync::{Arc, Mutex};

#[cfg(target_arch = "x86_64")]
use carbide_field::mont52::Block;
use carbide_field::{Field, Kernel, PackedField, TwoAdicField};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::error::NttError;
use crate::four_step::{TwistTable, four_step};
#[cfg(target_arch = "x86_64")]
use crate::ifma;
use crate::traits::Ntt;
use crate::util::{
    bit_reverse_rows, lde_shape, log_rows, reverse_bits, root, scale_rows, size_inverse, try_vec,
};

/// Elements per block for the in-cache stages: 128 KiB of Goldilocks, 512 KiB of BN254 Fr.
const BLOCK_ELEMS: usize = 1 << 14;

/// Single columns from this many rows on go through the four-step path.
const FOUR_STEP_MIN_LOG: usize = 6;
/// Scratch kept between calls up to this many bytes; larger transforms allocate their own.
const MAX_KEPT_SCRATCH_BYTES: usize = 64 << 20;
/// The extension's coefficient buffer is kept up to this many bytes (a 2^18-row trace of 512
/// columns): it is as large as the trace, and a fresh one costs a page fault per 4 KiB.
const MAX_KEPT_COEFFS_BYTES: usize = 1 << 30;

/// Per-size tables, built on first use.
type SizeCache<T> = Mutex<Vec<Option<Arc<T>>>>;

/// The rayon CPU NTT: radix-2² butterflies on whole rows through the field's packing (SIMD
/// for Goldilocks), cache-blocked stages for batches, the four-step method for single
/// columns. Twiddle tables are computed once per size and kept.
#[derive(Debug, Default)]
pub struct Radix2Dit<F> {
    /// `twiddles[log_n]` holds ω_n^k for k < n/2.
    twiddles: SizeCache<[F]>,
    /// `twists[log_n]`: the four-step's row factors for size 2^log_n.
    twists: SizeCache<TwistTable<F>>,
    /// The four-step's second matrix, reused between calls.
    scratch: Mutex<Vec<F>>,
    /// The extension's coefficients, reused between calls.
    lde_coeffs: Mutex<Vec<F>>,
    /// IFMA tables per size; `None` inside when `F` is not a 256-bit Montgomery field.
    #[cfg(target_arch = "x86_64")]
    ifma: SizeCache<Option<ifma::Tables>>,
    /// The IFMA path's limb-major copy of the column, reused between calls.
    #[cfg(target_arch = "x86_64")]
    ifma_scratch: Mutex<Vec<Block>>,
}

/// The entry for `log_n`, made by `make` on first use. A poisoned lock only means another
/// thread panicked mid-insert; the entries are whole `Arc`s, so the cache is still valid.
fn cached<T: ?Sized>(
    cache: &SizeCache<T>,
    log_n: usize,
    make: impl FnOnce() -> Result<Arc<T>, NttError>,
) -> Result<Arc<T>, NttError> {
    if let Some(Some(t)) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(log_n) {
        return Ok(t.clone());
    }
    // Built outside the lock: another size's transform need not wait for this one.
    let table = make()?;
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() <= log_n {
        cache.resize(log_n + 1, None);
    }
    Ok(cache[log_n].get_or_insert(table).clone())
}

/// A buffer of at least `n` elements (arbitrary values: the caller overwrites what it reads)
/// from `kept` if the one there is free and large enough, else a new one. A concurrent
/// caller finds the slot empty and allocates its own.
fn take_buffer<F: Field>(kept: &Mutex<Vec<F>>, n: usize) -> Result<Vec<F>, NttError> {
    let mut buf = std::mem::take(&mut *kept.lock().unwrap_or_else(|e| e.into_inner()));
    if buf.len() < n {
        drop(buf);
        buf = try_vec(n)?;
        // Zeros written across threads, so are the new pages' faults.
        #[cfg(feature = "parallel")]
        buf.par_extend(rayon::iter::repeat_n(F::ZERO, n));
        #[cfg(not(feature = "parallel"))]
        buf.resize(n, F::ZERO);
    }
    Ok(buf)
}

/// Puts `buf` back into `kept` for the next call, if it is at most `max_bytes` and larger
/// than what is there.
fn keep_buffer<F>(kept: &Mutex<Vec<F>>, buf: Vec<F>, max_bytes: usize) {
    if buf.len() * size_of::<F>() <= max_bytes {
        let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() < buf.len() {
            *kept = buf;
        }
    }
}

impl<F: TwoAdicField> Radix2Dit<F> {
    /// A transform with empty caches.
    pub fn new() -> Self {
        Self {
            twiddles: Mutex::new(Vec::new()),
            twists: Mutex::new(Vec::new()),
            scratch: Mutex::new(Vec::new()),
            lde_coeffs: Mutex::new(Vec::new()),
            #[cfg(target_arch = "x86_64")]
            ifma: Mutex::new(Vec::new()),
            #[cfg(target_arch = "x86_64")]
            ifma_scratch: Mutex::new(Vec::new()),
        }
    }

    fn twiddles(&self, log_n: usize) -> Result<Arc<[F]>, NttError> {
        cached(&self.twiddles, log_n, || {
            let omega = root::<F>(log_n)?;
            Ok(omega.powers().take((1 << log_n) / 2).collect())
        })
    }

    fn twist(&self, log_n: usize) -> Result<Arc<TwistTable<F>>, NttError> {
        cached(&self.twists, log_n, || {
            let omega = root::<F>(log_n)?;
            Ok(Arc::new(TwistTable::new(omega, 1 << (log_n / 2))))
        })
    }

    /// A scratch buffer of `n` elements: the kept one if it is free, else a new one.
    fn take_scratch(&self, n: usize) -> Result<Vec<F>, NttError> {
        take_buffer(&self.scratch, n)
    }

    fn keep_scratch(&self, buf: Vec<F>) {
        keep_buffer(&self.scratch, buf, MAX_KEPT_SCRATCH_BYTES);
    }

    /// The batch path: bit-reverse the rows, then the stages.
    fn ntt_rows(&self, values: &mut [F], width: usize, log_n: usize) -> Result<(), NttError> {
        bit_reverse_rows(values, width, log_n);
        self.stages_bitrev(values, width, log_n, 1, |_, _| {})
    }

    /// Stages `from..=log_n` over rows in bit-reversed order. Each in-cache block first gets
    /// `fill(first_row, block)`, inside its own task, so the LDE writes its input where the
    /// stages will read it.
    fn stages_bitrev(
        &self,
        values: &mut [F],
        width: usize,
        log_n: usize,
        from: usize,
        fill: impl Fn(usize, &mut [F]) + Sync,
    ) -> Result<(), NttError> {
        let tw = self.twiddles(log_n)?;
        // Whole blocks of 2^local_stages rows, so the local stages never straddle two tasks.
        let local_stages = ((BLOCK_ELEMS / width).max(2).ilog2() as usize).min(log_n);
        let block_rows = 1 << local_stages;
        let in_block = |(b, block): (usize, &mut [F])| {
            fill(b * block_rows, block);
            if from <= local_stages {
                F::Packing::vectorized(Stages {
                    values: block,
                    width,
                    from,
                    to: local_stages,
                    log_n,
                    tw: &tw,
                });
            }
        };
        #[cfg(feature = "parallel")]
        values
            .par_chunks_mut(block_rows * width)
            .enumerate()
            .for_each(in_block);
        #[cfg(not(feature = "parallel"))]
        values
            .chunks_mut(block_rows * width)
            .enumerate()
            .for_each(in_block);

        let from = from.max(local_stages + 1);
        #[cfg(feature = "parallel")]
        deep_stages(values, width, from, log_n, &tw);
        #[cfg(not(feature = "parallel"))]
        F::Packing::vectorized(Stages {
            values,
            width,
            from,
            to: log_n,
            log_n,
            tw: &tw,
        });
        Ok(())
    }

    /// One long column: on AVX-512 IFMA for 256-bit Montgomery fields, else the four-step.
    fn ntt_column(&self, values: &mut [F], log_n: usize) -> Result<(), NttError> {
        #[cfg(target_arch = "x86_64")]
        if log_n >= ifma::MIN_LOG
            && F::ONE.montgomery_limbs().is_some()
            && let Some(s) = carbide_field::mont52::ifma()
        {
            let tables = cached(&self.ifma, log_n, || {
                Ok(Arc::new(ifma::Tables::new::<F>(log_n)?))
            })?;
            if let Some(t) = tables.as_ref() {
                let mut blocks = std::mem::take(
                    &mut *self.ifma_scratch.lock().unwrap_or_else(|e| e.into_inner()),
                );
                ifma::ntt(s, t, values, &mut blocks);
                if blocks.len() * size_of::<Block>() <= MAX_KEPT_SCRATCH_BYTES {
                    *self.ifma_scratch.lock().unwrap_or_else(|e| e.into_inner()) = blocks;
                }
                return Ok(());
            }
        }
        self.ntt_four_step(values, log_n)
    }

    /// The single-column path for long columns.
    fn ntt_four_step(&self, values: &mut [F], log_n: usize) -> Result<(), NttError> {
        let tw1 = self.twiddles(log_n / 2)?;
        let tw2 = self.twiddles(log_n - log_n / 2)?;
        let twist = self.twist(log_n)?;
        let mut scratch = self.take_scratch(values.len())?;
        let n = values.len();
        four_step(values, &mut scratch[..n], log_n, &tw1, &tw2, &twist);
        self.keep_scratch(scratch);
        Ok(())
    }
}

/// All stages of a panel of 2^log_m rows already in bit-reversed row order, serially (the
/// four-step runs one panel per task).
#[inline(always)]
pub(crate) fn panel_ntt<F: Field>(panel: &mut [F], width: usize, log_m: usize, tw: &[F]) {
    Stages {
        values: panel,
        width,
        from: 1,
        to: log_m,
        log_n: log_m,
        tw,
    }
    .run();
}

/// Stages `from..=to` of a transform of 2^log_n rows over `values` (whole blocks of 2^to rows),
/// serially; stage 1 needs no twiddles.
struct Stages<'a, F> {
    values: &'a mut [F],
    width: usize,
    from: usize,
    to: usize,
    log_n: usize,
    tw: &'a [F],
}

impl<F: Field> Kernel for Stages<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let mut from = self.from;
        if from == 1 && self.to >= 1 {
            first_stage(self.values, self.width);
            from = 2;
        }
        run_stages(self.values, self.width, from, self.to, self.log_n, self.tw);
    }
}

/// `a ← a + t·b`, `b ← a − t·b` on every column of one pair of rows, `WIDTH` columns at a
/// time through the field's packing.
#[inline(always)]
fn row_butterfly<F: Field>(a: &mut [F], b: &mut [F], t: F) {
    let w = <F::Packing as PackedField>::WIDTH;
    let tp = F::Packing::broadcast(t);
    let (mut ac, mut bc) = (a.chunks_exact_mut(w), b.chunks_exact_mut(w));
    for (x, y) in (&mut ac).zip(&mut bc) {
        let (u, v) = (F::Packing::load(x), F::Packing::load(y) * tp);
        (u + v).store(x);
        (u - v).store(y);
    }
    for (x, y) in ac.into_remainder().iter_mut().zip(bc.into_remainder()) {
        let (u, v) = (*x, *y * t);
        *x = u + v;
        *y = u - v;
    }
}

/// [`row_butterfly`] with twiddle one: no multiplication.
#[inline(always)]
fn row_butterfly_unit<F: Field>(a: &mut [F], b: &mut [F]) {
    let w = <F::Packing as PackedField>::WIDTH;
    let (mut ac, mut bc) = (a.chunks_exact_mut(w), b.chunks_exact_mut(w));
    for (x, y) in (&mut ac).zip(&mut bc) {
        let (u, v) = (F::Packing::load(x), F::Packing::load(y));
        (u + v).store(x);
        (u - v).store(y);
    }
    for (x, y) in ac.into_remainder().iter_mut().zip(bc.into_remainder()) {
        let (u, v) = (*x, *y);
        *x = u + v;
        *y = u - v;
    }
}

/// Butterflies between the rows of `lo` and `hi` (pair k = rows k of each), pair k using
/// twiddle `tw[(first + k)·stride]`.
#[inline(always)]
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
        row_butterfly(a_row, b_row, t);
    }
}

/// The first stage: span one row, twiddle one, so no multiplication.
#[inline(always)]
fn first_stage<F: Field>(values: &mut [F], width: usize) {
    for pair in values.chunks_exact_mut(2 * width) {
        let (lo, hi) = pair.split_at_mut(width);
        row_butterfly_unit(lo, hi);
    }
}

/// Stage `s` (butterfly span 2^(s−1) rows) over a slice holding whole blocks of 2^s rows.
#[inline(always)]
fn stage_serial<F: Field>(values: &mut [F], width: usize, s: usize, log_n: usize, tw: &[F]) {
    let half = 1 << (s - 1);
    let stride = 1 << (log_n - s);
    for block in values.chunks_mut(2 * half * width) {
        let (lo, hi) = block.split_at_mut(half * width);
        butterflies(lo, hi, width, tw, 0, stride);
    }
}

/// One radix-2² butterfly: stages s and s+1 on rows j, j+h, j+2h, j+3h while in registers;
/// on single elements or on packed lanes.
#[inline(always)]
fn bf4<P: PackedField>(v: [P; 4], t1: P, t2: P, t3: P) -> [P; 4] {
    let [a, b, c, d] = v;
    let [x1, x3] = mul_pairs([(b, t1), (d, t1)]);
    let (y0, y1, y2, y3) = (a + x1, a - x1, c + x3, c - x3);
    let [z2, z3] = mul_pairs([(y2, t2), (y3, t3)]);
    [y0 + z2, y1 + z3, y0 - z2, y1 - z3]
}

/// [`bf4`] on every column of four rows.
#[inline(always)]
fn row_bf4<F: Field>(rows: [&mut [F]; 4], t1: F, t2: F, t3: F) {
    let w = <F::Packing as PackedField>::WIDTH;
    let [r0, r1, r2, r3] = rows;
    let (p1, p2, p3) = (
        F::Packing::broadcast(t1),
        F::Packing::broadcast(t2),
        F::Packing::broadcast(t3),
    );
    let mut c0 = r0.chunks_exact_mut(w);
    let mut c1 = r1.chunks_exact_mut(w);
    let mut c2 = r2.chunks_exact_mut(w);
    let mut c3 = r3.chunks_exact_mut(w);
    for (((a, b), c), d) in (&mut c0).zip(&mut c1).zip(&mut c2).zip(&mut c3) {
        let v = [a as &[F], b, c, d].map(F::Packing::load);
        let [y0, y1, y2, y3] = bf4(v, p1, p2, p3);
        y0.store(a);
        y1.store(b);
        y2.store(c);
        y3.store(d);
    }
    let tails = c0
        .into_remainder()
        .iter_mut()
        .zip(c1.into_remainder())
        .zip(c2.into_remainder())
        .zip(c3.into_remainder());
    for (((a, b), c), d) in tails {
        [*a, *b, *c, *d] = bf4([*a, *b, *c, *d], t1, t2, t3);
    }
}

/// Two products from one multiplication call site in a loop: LLVM inlines a large field
/// multiplication (arkworks' 4-limb Montgomery) at one site and then unrolls, where four
/// separate sites in `bf4` would exceed its inlining budget and become calls.
#[inline(always)]
fn mul_pairs<P: PackedField>(pairs: [(P, P); 2]) -> [P; 2] {
    let mut out = [pairs[0].0; 2];
    for (o, (x, t)) in out.iter_mut().zip(pairs) {
        *o = x * t;
    }
    out
}

/// Stages s and s+1 fused over four quarter-blocks of h = 2^(s−1) rows each: one pass over
/// memory instead of two. Row k of each quarter is pair index j = first + k; stage s uses
/// ω_(2h)^j = tw[j·stride], stage s+1 ω_(4h)^j and ω_(4h)^(j+h) = tw[j·stride/2 (+ n/4)].
#[inline(always)]
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
            [*a, *b, *c, *d] = bf4([*a, *b, *c, *d], t1, t2, t3);
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
        row_bf4([r0, r1, r2, r3], t1, t2, t3);
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
#[inline(always)]
fn stage_pair_serial<F: Field>(values: &mut [F], width: usize, s: usize, log_n: usize, tw: &[F]) {
    let h = 1usize << (s - 1);
    let (stride, n_quarter) = (1 << (log_n - s), 1 << (log_n - 2));
    for block in values.chunks_mut(4 * h * width) {
        butterflies4(quarters(block, h * width), width, tw, 0, stride, n_quarter);
    }
}

/// Stages in one pass over memory at most: a group of 2^DEEP rows stays in cache for them.
#[cfg(feature = "parallel")]
const DEEP: usize = 6;

/// Stages `from..=log_n` over the whole batch, up to [`DEEP`] of them per pass over memory:
/// the later stages' butterflies span more rows than a cache holds, so each pass reads every
/// row once and runs several stages on the group of rows they connect, instead of one radix-4
/// pass per two stages.
#[cfg(feature = "parallel")]
fn deep_stages<F: Field>(values: &mut [F], width: usize, from: usize, log_n: usize, tw: &[F]) {
    if from > log_n {
        return;
    }
    let passes = (log_n + 1 - from).div_ceil(DEEP);
    let mut s = from;
    for p in 0..passes {
        // Even stage counts where possible (radix-4 layers), the larger passes first.
        let left = log_n + 1 - s;
        let k = left.div_ceil(passes - p).min(left);
        let k = if k % 2 == 1 && k < left && k < DEEP {
            k + 1
        } else {
            k
        };
        deep_pass(values, width, s, k, log_n, tw);
        s += k;
    }
}

/// Stages `s..s + k` in one pass. Row r = (hi·2^k + j)·h + lo with h = 2^(s−1): the 2^k rows of
/// one (hi, lo) only meet each other in these stages. Each task takes a run of lo for every j
/// of one hi (2^k slices of consecutive rows) and runs the stages in radix-4 layers.
#[cfg(feature = "parallel")]
fn deep_pass<F: Field>(values: &mut [F], width: usize, s: usize, k: usize, log_n: usize, tw: &[F]) {
    let h = 1usize << (s - 1);
    // A task's rows (2^k slabs of them) fill about one in-cache block.
    let fit = ((BLOCK_ELEMS >> k) / width).max(1);
    let rows_per_task = (1usize << fit.ilog2()).min(h);
    values.par_chunks_mut((h << k) * width).for_each(|group| {
        let mut tasks: Vec<Vec<&mut [F]>> = (0..h / rows_per_task)
            .map(|_| Vec::with_capacity(1 << k))
            .collect();
        for slab in group.chunks_mut(h * width) {
            for (task, piece) in tasks.iter_mut().zip(slab.chunks_mut(rows_per_task * width)) {
                task.push(piece);
            }
        }
        tasks.into_par_iter().enumerate().for_each(|(t, slabs)| {
            F::Packing::vectorized(Deep {
                slabs,
                width,
                tw,
                s,
                log_n,
                first: t * rows_per_task,
            })
        });
    });
}

/// [`deep_pass`]'s task: slab j holds rows lo = first.. of index j.
#[cfg(feature = "parallel")]
struct Deep<'a, F> {
    slabs: Vec<&'a mut [F]>,
    width: usize,
    tw: &'a [F],
    s: usize,
    log_n: usize,
    first: usize,
}

#[cfg(feature = "parallel")]
impl<F: Field> Kernel for Deep<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let Self {
            mut slabs,
            width,
            tw,
            s,
            log_n,
            first,
        } = self;
        let k = slabs.len().ilog2() as usize;
        let h = 1usize << (s - 1);
        let mut t = 0;
        // Local stage t + 1 is global stage s + t: pairs j, j + 2^t, whose butterfly sits at
        // position (j mod 2^t)·h + lo of its block of 2^(s+t) rows.
        while t < k {
            let span = 1usize << t;
            let stride = 1usize << (log_n - s - t);
            if t + 1 < k {
                for base in (0..1usize << k).filter(|j| j & (3 * span) == 0) {
                    let idx = [base, base + span, base + 2 * span, base + 3 * span];
                    let Ok(q) = slabs.get_disjoint_mut(idx) else {
                        unreachable!("four distinct slabs")
                    };
                    let quarters = q.map(|x| &mut **x);
                    let at = (base % span) * h + first;
                    butterflies4(quarters, width, tw, at, stride, 1 << (log_n - 2));
                }
                t += 2;
            } else {
                for base in (0..1usize << k).filter(|j| j & span == 0) {
                    let Ok([a, b]) = slabs.get_disjoint_mut([base, base + span]) else {
                        unreachable!("two distinct slabs")
                    };
                    let at = (base % span) * h + first;
                    butterflies(a, b, width, tw, at, stride);
                }
                t += 1;
            }
        }
    }
}

/// Stages `from..=to`, two at a time where possible.
#[inline(always)]
fn run_stages<F: Field>(
    values: &mut [F],
    width: usize,
    from: usize,
    to: usize,
    log_n: usize,
    tw: &[F],
) {
    let mut s = from;
    while s <= to {
        if s < to {
            stage_pair_serial(values, width, s, log_n, tw);
            s += 2;
        } else {
            stage_serial(values, width, s, log_n, tw);
            s += 1;
        }
    }
}

impl<F: TwoAdicField> Ntt<F> for Radix2Dit<F> {
    fn ntt_batch(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        let log_n = log_rows::<F>(values.len(), width)?;
        match log_n {
            0 => Ok(()),
            _ if width == 1 && log_n >= FOUR_STEP_MIN_LOG => self.ntt_column(values, log_n),
            _ => self.ntt_rows(values, width, log_n),
        }
    }

    fn ntt_batch_bitrev_input(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        let log_n = log_rows::<F>(values.len(), width)?;
        if width == 1 && log_n >= FOUR_STEP_MIN_LOG {
            // The four-step folds its own reversal into its gathers: undo the caller's.
            bit_reverse_rows(values, width, log_n);
            return self.ntt_column(values, log_n);
        }
        self.stages_bitrev(values, width, log_n, 1, |_, _| {})
    }

    /// Fused: one forward NTT of the evaluations gives n·a_(−i mod n) in row i; one scaling
    /// pass turns that into the coset-shifted coefficients; the large transform then starts
    /// from rows written straight into bit-reversed position, and skips its first `added_bits`
    /// stages, which on zero padding only copy each coefficient row 2^added_bits times.
    fn coset_lde_batch(
        &self,
        evals: &[F],
        width: usize,
        added_bits: usize,
        shift: F,
    ) -> Result<Vec<F>, NttError> {
        let (log_n, total) = lde_shape::<F>(evals.len(), width, added_bits)?;
        let shift_inv = shift.try_inverse().ok_or(NttError::ZeroShift)?;
        let n = 1usize << log_n;
        let log_big = log_n + added_bits;
        // Every row is written before it is read, so the kept buffer's old values never are.
        let mut kept = take_buffer(&self.lde_coeffs, evals.len())?;
        let coeffs = &mut kept[..evals.len()];
        if width == 1 && log_n >= FOUR_STEP_MIN_LOG {
            coeffs.copy_from_slice(evals);
            self.ntt_batch(coeffs, width)?;
        } else {
            // The rows copied straight into bit-reversed order by each in-cache block's task,
            // instead of a copy and then a serial in-place reversal.
            let fill = |first_row: usize, block: &mut [F]| {
                for (r, row) in block.chunks_exact_mut(width).enumerate() {
                    let j = reverse_bits(first_row + r, log_n);
                    row.copy_from_slice(&evals[j * width..(j + 1) * width]);
                }
            };
            self.stages_bitrev(coeffs, width, log_n, 1, fill)?;
        }
        // Row i ≥ 1 holds n·a_(n−i): times n⁻¹·shift^(n−i) = (n⁻¹·shift^n)·shift⁻¹^i. Row 0
        // (n·a_0) gets the same formula's n⁻¹·shift^n, so it is set right afterwards.
        let n_inv = size_inverse::<F>(log_n)?;
        let shift_n = shift.exp_u64(n as u64);
        scale_rows(coeffs, width, n_inv * shift_n, shift_inv);
        scale_rows(
            &mut coeffs[..width],
            width,
            shift_inv.exp_u64(n as u64),
            F::ONE,
        );

        let mut out = try_vec(total)?;
        #[cfg(feature = "parallel")]
        out.par_extend(rayon::iter::repeat_n(F::ZERO, total));
        #[cfg(not(feature = "parallel"))]
        out.resize(total, F::ZERO);
        let fill = |first_row: usize, block: &mut [F]| {
            for (r, row) in block.chunks_exact_mut(width).enumerate() {
                // Bit-reversed row r holds coefficient rev(r); the skipped stages would have
                // copied row (r with its low added_bits cleared) over it.
                let j = reverse_bits((first_row + r) >> added_bits, log_n);
                let src = (n - j) & (n - 1);
                row.copy_from_slice(&coeffs[src * width..(src + 1) * width]);
            }
        };
        self.stages_bitrev(&mut out, width, log_big, added_bits + 1, fill)?;
        keep_buffer(&self.lde_coeffs, kept, MAX_KEPT_COEFFS_BYTES);
        Ok(out)
    }
}
