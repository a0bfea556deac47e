//! The launches of a GPU transform, as data: which passes (stage ranges) run, what each reads
//! and writes, with what scaling. The device executor (`super::CudaNtt`) and the CPU model
//! (`super::model`) run the same list, so the model's tests against the CPU NTT test this
//! planning exactly as the GPU uses it.

use carbide_field::Field;

use crate::error::CudaError;

/// Stages `s0 .. s0 + k` of one launch; blocks hold `2^(k+t)` positions, `2^t` of them
/// neighbours for coalescing (see kernels/ntt.cu).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pass {
    pub s0: u32,
    pub k: u32,
    pub t: u32,
}

impl Pass {
    /// log2 of the positions one block holds.
    pub fn block_log(self) -> u32 {
        self.k + self.t
    }
}

/// The passes of a transform of `2^log_n` points: the first takes as many stages as shared
/// memory holds; later ones give `coalesce_log` bits to neighbouring positions. A size-1
/// transform is one pass of no stages (it still moves and scales the data).
pub(crate) fn passes(log_n: u32, shared_log: u32, coalesce_log: u32) -> Vec<Pass> {
    let mut out = vec![Pass {
        s0: 0,
        k: log_n.min(shared_log),
        t: 0,
    }];
    let mut s0 = out[0].k;
    while s0 < log_n {
        let t = coalesce_log.min(s0);
        let k = (shared_log - t).min(log_n - s0);
        out.push(Pass { s0, k, t });
        s0 += k;
    }
    out
}

/// `c·g^r` for rows `r`, from two tables of about √rows entries: `lo[r mod 2^lo_bits] ·
/// hi[r >> lo_bits]` (no `hi` when the factor is the constant `lo[0]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Powers<F> {
    pub lo: Vec<F>,
    pub hi: Vec<F>,
    pub lo_bits: u32,
}

impl<F: Field> Powers<F> {
    /// The constant `c` on every row.
    pub fn constant(c: F) -> Self {
        Self {
            lo: vec![c],
            hi: Vec::new(),
            lo_bits: 0,
        }
    }

    /// `c·g^r` for `r < 2^log_rows`.
    pub fn geometric(c: F, g: F, log_rows: u32) -> Self {
        let lo_bits = log_rows.div_ceil(2);
        let step = g.exp_power_of_2(lo_bits as usize);
        let lo = successive(c, g, 1 << lo_bits);
        let hi = successive(F::ONE, step, 1 << (log_rows - lo_bits));
        Self { lo, hi, lo_bits }
    }

    /// The factor of row `r`, as the kernel computes it.
    #[cfg(test)]
    pub fn at(&self, r: u64) -> F {
        let x = self.lo[(r & ((1 << self.lo_bits) - 1)) as usize];
        if self.hi.is_empty() {
            x
        } else {
            x * self.hi[(r >> self.lo_bits) as usize]
        }
    }
}

/// `start, start·g, start·g², …` (`count` terms).
pub(crate) fn successive<F: Field>(start: F, g: F, count: usize) -> Vec<F> {
    std::iter::successors(Some(start), |&x| Some(x * g))
        .take(count)
        .collect()
}

/// The three device buffers an operation uses; their roles are the operation's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Buf {
    A,
    B,
    C,
}

/// How a launch reads: row `r` of column `c` at `r·rs + c·cs`, rows from `rows` on read as
/// zero, positions bit-reversed or not, each value times `scale.at(r)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Read<F> {
    pub buf: Buf,
    pub rs: u64,
    pub cs: u64,
    pub rows: u64,
    pub bitrev: bool,
    pub scale: Option<Powers<F>>,
}

/// How a launch writes: position `g` of column `c` to `g·rs + c·cs`, times `scale.at(g)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Write<F> {
    pub buf: Buf,
    pub rs: u64,
    pub cs: u64,
    pub scale: Option<Powers<F>>,
}

/// One `ntt_pass` launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Launch<F> {
    pub pass: Pass,
    pub log_n: u32,
    pub width: u32,
    pub inverse: bool,
    pub read: Read<F>,
    pub write: Write<F>,
}

/// A launch's grid `(x, y)`, threads per block and dynamic shared memory in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Geometry {
    pub grid: (u32, u32),
    pub block: u32,
    pub shared_bytes: u32,
}

impl<F> Launch<F> {
    /// One block per `2^(k+t)` positions of a column (`x`) and per column up to 65535 (`y`;
    /// the kernel strides over more); half as many threads as positions, at most 256.
    pub fn geometry(&self, words_per_element: usize) -> Geometry {
        let block_log = self.pass.block_log();
        Geometry {
            grid: (1 << (self.log_n - block_log), self.width.min(65_535)),
            block: ((1u32 << block_log) >> 1).clamp(1, 256),
            shared_bytes: (8 * words_per_element as u32) << block_log,
        }
    }
}

/// Where a transform's data is: a buffer and a layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub buf: Buf,
    pub rs: u64,
    pub cs: u64,
}

impl Layout {
    /// Row-major, `width` columns (the caller's layout).
    pub fn rows(buf: Buf, width: usize) -> Self {
        Self {
            buf,
            rs: width as u64,
            cs: 1,
        }
    }

    /// Column-major, columns `stride` apart.
    pub fn columns(buf: Buf, stride: u64) -> Self {
        Self {
            buf,
            rs: 1,
            cs: stride,
        }
    }
}

/// The field-specific shape of the kernels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub shared_log: u32,
    pub coalesce_log: u32,
}

/// One transform of `2^log_n` rows by `width` columns, natural order in and out: reads `rows`
/// rows from `src` (zero beyond) scaled by `pre`, writes `dst` scaled by `post`, working in
/// `work` (column-major, `2^log_n` per column) between passes. `dst` may be `src` only with
/// the same layout or when more than one pass runs (the first pass reads all of `src` before
/// the last writes).
#[allow(clippy::too_many_arguments)]
pub(crate) fn transform<F: Field>(
    shape: Shape,
    log_n: u32,
    width: usize,
    inverse: bool,
    (src, rows, pre): (Layout, u64, Option<Powers<F>>),
    work: Buf,
    (dst, post): (Layout, Option<Powers<F>>),
) -> Vec<Launch<F>> {
    let plan = passes(log_n, shape.shared_log, shape.coalesce_log);
    let last = plan.len() - 1;
    let n = 1u64 << log_n;
    let working = Layout::columns(work, n);
    plan.into_iter()
        .enumerate()
        .map(|(i, pass)| {
            let from = if i == 0 { src } else { working };
            let to = if i == last { dst } else { working };
            Launch {
                pass,
                log_n,
                width: width as u32,
                inverse,
                read: Read {
                    buf: from.buf,
                    rs: from.rs,
                    cs: from.cs,
                    rows: if i == 0 { rows } else { n },
                    bitrev: i == 0,
                    scale: if i == 0 { pre.clone() } else { None },
                },
                write: Write {
                    buf: to.buf,
                    rs: to.rs,
                    cs: to.cs,
                    scale: if i == last { post.clone() } else { None },
                },
            }
        })
        .collect()
}

/// How many columns of a batch go to the device at once: all of them when the operation's
/// buffers fit in `free` bytes (less a margin), else the most that fit; an error when not
/// even one column does.
pub(crate) fn columns_per_chunk(
    width: usize,
    bytes_per_column: u64,
    fixed_bytes: u64,
    free: u64,
) -> Result<usize, CudaError> {
    // Leave 10% and 64 MiB for the allocator, the modules and the scale tables.
    let usable = (free - free / 10).saturating_sub((64 << 20) + fixed_bytes);
    let fit = usable / bytes_per_column.max(1);
    if fit == 0 {
        return Err(CudaError::Shape(format!(
            "one column needs {bytes_per_column} bytes of device memory; {free} bytes are free"
        )));
    }
    Ok(width.min(usize::try_from(fit).unwrap_or(usize::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_cover_every_stage_once_and_fit_shared_memory() {
        for (shared, co) in [(12, 4), (10, 2), (3, 1), (4, 2), (1, 0)] {
            for log_n in 0..=30 {
                let p = passes(log_n, shared, co);
                let mut next = 0;
                for (i, pass) in p.iter().enumerate() {
                    assert_eq!(pass.s0, next, "{log_n} {p:?}");
                    assert!(pass.block_log() <= shared.max(1));
                    assert!(pass.t <= pass.s0 && pass.block_log() <= log_n);
                    assert!(pass.k > 0 || (log_n == 0 && i == 0));
                    next += pass.k;
                }
                assert_eq!(next, log_n);
            }
        }
        // 2^24 in three launches for both fields.
        assert_eq!(passes(24, 12, 4).len(), 3);
        assert_eq!(passes(24, 10, 2).len(), 3);
    }

    #[test]
    fn chunks_fit_free_memory() {
        let gib = 1u64 << 30;
        assert_eq!(columns_per_chunk(8, gib, 0, 80 * gib).unwrap(), 8);
        assert_eq!(columns_per_chunk(100, gib, 0, 10 * gib).unwrap(), 8);
        assert!(columns_per_chunk(1, 20 * gib, 0, 10 * gib).is_err());
        assert!(columns_per_chunk(4, 1, 0, 0).is_err());
    }
}

/// What an in-place transform computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op<F> {
    Forward,
    Inverse,
    /// Evaluations on `shift·H` from coefficients.
    Coset(F),
    /// Coefficients from evaluations on `shift·H`; `shift` non-zero.
    CosetInverse(F),
}

/// The launches of `op` on a row-major batch in buffer A (`2^log_n` rows, `width` columns),
/// working in B (as many elements); the result is back in A.
pub(crate) fn in_place<F: carbide_field::TwoAdicField>(
    shape: Shape,
    log_n: u32,
    width: usize,
    op: Op<F>,
) -> Vec<Launch<F>> {
    let n_inv = F::from_u64(1 << log_n).try_inverse().unwrap_or(F::ONE);
    let (inverse, pre, post) = match op {
        Op::Forward => (false, None, None),
        Op::Inverse => (true, None, Some(Powers::constant(n_inv))),
        Op::Coset(s) => (false, Some(Powers::geometric(F::ONE, s, log_n)), None),
        Op::CosetInverse(s) => {
            let s_inv = s.try_inverse().unwrap_or(F::ZERO);
            (true, None, Some(Powers::geometric(n_inv, s_inv, log_n)))
        }
    };
    let rows = Layout::rows(Buf::A, width);
    transform(
        shape,
        log_n,
        width,
        inverse,
        (rows, 1 << log_n, pre),
        Buf::B,
        (rows, post),
    )
}

/// The launches of a low-degree extension of a row-major batch in A (`2^log_n` rows) onto
/// `shift·H'` with `|H'| = 2^(log_n + added)`: the inverse transform into B (column-major,
/// columns `2^(log_n + added)` apart, the rest zero by reading), then the coset transform of
/// the padded columns; B and C hold `2^(log_n + added)·width` elements. Returns the launches
/// and the buffer holding the row-major result.
pub(crate) fn lde<F: carbide_field::TwoAdicField>(
    shape: Shape,
    log_n: u32,
    width: usize,
    added: u32,
    shift: F,
) -> (Vec<Launch<F>>, Buf) {
    let log_big = log_n + added;
    let n_inv = F::from_u64(1 << log_n).try_inverse().unwrap_or(F::ONE);
    let coeffs = Layout::columns(Buf::B, 1 << log_big);
    let mut launches = transform(
        shape,
        log_n,
        width,
        true,
        (Layout::rows(Buf::A, width), 1 << log_n, None),
        Buf::C,
        (coeffs, Some(Powers::constant(n_inv))),
    );
    // A single pass reads and writes B in different layouts, so it writes C instead.
    let single = passes(log_big, shape.shared_log, shape.coalesce_log).len() == 1;
    let out = if single { Buf::C } else { Buf::B };
    launches.extend(transform(
        shape,
        log_big,
        width,
        false,
        (
            coeffs,
            1 << log_n,
            Some(Powers::geometric(F::ONE, shift, log_n)),
        ),
        Buf::C,
        (Layout::rows(out, width), None),
    ));
    (launches, out)
}

/// The table of `ω_N^m`, `m < N/2`, for `N = 2^tw_log`, as the `powers` kernel builds it.
pub(crate) fn twiddle_powers<F: carbide_field::TwoAdicField>(tw_log: u32) -> Option<Powers<F>> {
    let w = F::two_adic_generator(tw_log as usize).ok()?;
    Some(Powers::geometric(F::ONE, w, tw_log.max(1) - 1))
}
