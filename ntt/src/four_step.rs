//! One long column as a matrix (Bailey's four-step): n = n1·n2, x[j1·n2 + j2].
//!
//! 1. an n1-point NTT down every column j2 and the twist ω_n^(k1·j2), one cache-sized panel of
//!    columns at a time, each panel written out transposed (row j2 of a scratch matrix);
//! 2. an n2-point NTT down every column k1 of that scratch matrix, again by panels, each
//!    written straight to its place: X[k1 + n1·k2] is row k2, column k1 of the output.
//!
//! Every butterfly then applies one twiddle to a whole row of a panel, which the field's
//! packing turns into SIMD, and all stages of a panel run in L2; the data crosses memory
//! twice, with no separate bit-reversal pass (it is folded into the gathers).

use carbide_field::{Field, Kernel, PackedField, TwoAdicField};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::radix2::panel_ntt;
use crate::util::reverse_bits;

/// Bytes of one panel: comfortably inside a 512 KiB–1 MiB L2 with room for the twiddles.
const PANEL_BYTES: usize = 256 << 10;

/// The twist's per-row factors: `base[k1·W + j] = ω_n^(k1·j)` for the W lanes and
/// `step[k1] = ω_n^(k1·W)`, so a row's factors are `ω_n^(k1·col0)·base·step^i`.
#[derive(Debug)]
pub(crate) struct TwistTable<F> {
    /// ω_n itself.
    omega: F,
    base: Vec<F>,
    step: Vec<F>,
}

impl<F: TwoAdicField> TwistTable<F> {
    pub(crate) fn new(omega: F, n1: usize) -> Self {
        let w = <F::Packing as PackedField>::WIDTH;
        let mut base = Vec::with_capacity(n1 * w);
        let mut step = Vec::with_capacity(n1);
        for r in omega.powers().take(n1) {
            let row_start = base.len();
            base.extend(r.powers().take(w));
            step.push(base[row_start + w - 1] * r);
        }
        Self { omega, base, step }
    }
}

/// Columns per panel: a power of two dividing `cols`, at least one packed width where the
/// matrix allows it.
fn panel_cols<F: Field>(rows: usize, cols: usize) -> usize {
    let w = <F::Packing as PackedField>::WIDTH;
    let fit = (PANEL_BYTES / size_of::<F>() / rows).max(1);
    let c = 1usize << fit.ilog2();
    c.max(w.min(cols)).min(cols)
}

/// [`first_pass`] as a vectorized task.
struct FirstPass<'a, F> {
    x: &'a [F],
    out: &'a mut [F],
    panel: &'a mut Vec<F>,
    col0: usize,
    dims: (usize, usize, usize),
    tw1: &'a [F],
    twist: &'a TwistTable<F>,
}

impl<F: TwoAdicField> Kernel for FirstPass<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let Self {
            x,
            out,
            panel,
            col0,
            dims,
            tw1,
            twist,
        } = self;
        first_pass(x, out, panel, col0, dims, tw1, twist);
    }
}

/// [`second_pass`] as a vectorized task.
struct SecondPass<'a, 'b, F> {
    z: &'a [F],
    strip: &'a mut [&'b mut [F]],
    panel: &'a mut Vec<F>,
    col0: usize,
    dims: (usize, usize),
    tw2: &'a [F],
}

impl<F: TwoAdicField> Kernel for SecondPass<'_, '_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let Self {
            z,
            strip,
            panel,
            col0,
            dims,
            tw2,
        } = self;
        second_pass(z, strip, panel, col0, dims, tw2);
    }
}

/// Columns `col0..col0 + c` of the 2^log_rows-row matrix `src` (rows `row_len` long) into
/// `panel`, rows in bit-reversed order: panel row i is source row reverse_bits(i). Written in
/// order, so the panel needs no zeroing first.
#[inline(always)]
fn gather_bit_reversed<F: Copy>(
    panel: &mut Vec<F>,
    src: &[F],
    row_len: usize,
    col0: usize,
    c: usize,
    log_rows: usize,
) {
    panel.clear();
    for i in 0..1usize << log_rows {
        let start = reverse_bits(i, log_rows) * row_len + col0;
        panel.extend_from_slice(&src[start..start + c]);
    }
}

/// Step 1 for the columns `col0..col0 + c`: gather (bit-reversing the rows), transform, twist,
/// and write transposed into `out` (c rows of n1).
#[inline(always)]
fn first_pass<F: TwoAdicField>(
    x: &[F],
    out: &mut [F],
    panel: &mut Vec<F>,
    col0: usize,
    (n1, n2, log_n1): (usize, usize, usize),
    tw1: &[F],
    twist: &TwistTable<F>,
) {
    let c = out.len() / n1;
    gather_bit_reversed(panel, x, n2, col0, c, log_n1);
    panel_ntt(panel, c, log_n1, tw1);

    let w = <F::Packing as PackedField>::WIDTH;
    let g = twist.omega.exp_u64(col0 as u64);
    let mut s = F::ONE; // ω_n^(k1·col0)
    for (k1, row) in panel.chunks_exact_mut(c).enumerate() {
        let base = &twist.base[k1 * w..(k1 + 1) * w];
        let step = F::Packing::broadcast(twist.step[k1]);
        let mut f = F::Packing::broadcast(s) * F::Packing::load(base);
        let mut chunks = row.chunks_exact_mut(w);
        for ch in &mut chunks {
            (F::Packing::load(ch) * f).store(ch);
            f = f * step;
        }
        // Only when the row is narrower than one packed width (j < c < W).
        for (v, &b) in chunks.into_remainder().iter_mut().zip(base) {
            *v *= s * b;
        }
        s *= g;
    }

    // Transposed out in tiles of 8 rows, one whole cache line per store burst: element by
    // element, the c output rows (n1 apart, a multiple of 4 KiB) alias in L1 and thrash.
    const TILE: usize = 8;
    for (kb, rows) in panel.chunks_exact(TILE * c).enumerate() {
        for j in 0..c {
            let dst = &mut out[j * n1 + kb * TILE..][..TILE];
            for (i, d) in dst.iter_mut().enumerate() {
                *d = rows[i * c + j];
            }
        }
    }
}

/// Step 2 for the columns `col0..col0 + c` of the n2 × n1 scratch matrix: gather
/// (bit-reversed), transform, and write each row k2 to its segment of the output.
#[inline(always)]
fn second_pass<F: TwoAdicField>(
    z: &[F],
    strip: &mut [&mut [F]],
    panel: &mut Vec<F>,
    col0: usize,
    (n1, log_n2): (usize, usize),
    tw2: &[F],
) {
    let c = strip.first().map_or(0, |s| s.len());
    gather_bit_reversed(panel, z, n1, col0, c, log_n2);
    panel_ntt(panel, c, log_n2, tw2);
    for (seg, row) in strip.iter_mut().zip(panel.chunks_exact(c)) {
        seg.copy_from_slice(row);
    }
}

/// The forward NTT of one column of 2^log_n elements (log_n ≥ 6, so n1 ≥ 8) through `scratch` (same
/// length). `tw1`, `tw2`: the radix-2 twiddles of sizes n1 = 2^⌊log_n/2⌋ and n2 = n/n1.
pub(crate) fn four_step<F: TwoAdicField>(
    values: &mut [F],
    scratch: &mut [F],
    log_n: usize,
    tw1: &[F],
    tw2: &[F],
    twist: &TwistTable<F>,
) {
    let (log_n1, log_n2) = (log_n / 2, log_n - log_n / 2);
    let (n1, n2) = (1usize << log_n1, 1usize << log_n2);

    let c1 = panel_cols::<F>(n1, n2);
    let x: &[F] = values;
    let pass1 = |panel: &mut Vec<F>, (p, out): (usize, &mut [F])| {
        F::Packing::vectorized(FirstPass {
            x,
            out,
            panel,
            col0: p * c1,
            dims: (n1, n2, log_n1),
            tw1,
            twist,
        })
    };
    #[cfg(feature = "parallel")]
    scratch
        .par_chunks_mut(c1 * n1)
        .enumerate()
        .for_each_init(Vec::new, pass1);
    #[cfg(not(feature = "parallel"))]
    {
        let mut panel = Vec::new();
        scratch
            .chunks_mut(c1 * n1)
            .enumerate()
            .for_each(|item| pass1(&mut panel, item));
    }

    let c2 = panel_cols::<F>(n2, n1);
    let mut strips: Vec<Vec<&mut [F]>> = (0..n1 / c2).map(|_| Vec::with_capacity(n2)).collect();
    for row in values.chunks_exact_mut(n1) {
        for (strip, seg) in strips.iter_mut().zip(row.chunks_exact_mut(c2)) {
            strip.push(seg);
        }
    }
    let z: &[F] = scratch;
    let pass2 = |panel: &mut Vec<F>, (p, mut strip): (usize, Vec<&mut [F]>)| {
        F::Packing::vectorized(SecondPass {
            z,
            strip: &mut strip,
            panel,
            col0: p * c2,
            dims: (n1, log_n2),
            tw2,
        })
    };
    #[cfg(feature = "parallel")]
    strips
        .into_par_iter()
        .enumerate()
        .for_each_init(Vec::new, pass2);
    #[cfg(not(feature = "parallel"))]
    {
        let mut panel = Vec::new();
        strips
            .into_iter()
            .enumerate()
            .for_each(|item| pass2(&mut panel, item));
    }
}
