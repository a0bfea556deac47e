//! One column of a 256-bit Montgomery field (BN254 Fr, BLS12-381 Fr) on AVX-512 IFMA.
//!
//! Why a path of its own: the generic code multiplies one 4×64-bit Montgomery element at a
//! time; IFMA multiplies eight 5×52-bit ones per instruction ([`carbide_field::mont52`]), but
//! only if the eight lanes are independent elements in limb-major blocks, and converting to
//! that layout at every stage would cost as much as the stage. So the column is converted once,
//! transformed with every butterfly on whole vectors, and converted back once.
//!
//! With n = 8·m, element `j1 + 8·j2` sits in lane j1 of block j2 — the column's natural order,
//! eight at a time. Then (four-step with 8 × m):
//! 1. each lane j1 is an independent m-point transform over j2, so m-point decimation in
//!    frequency runs on whole blocks with the same twiddle in every lane (natural order in,
//!    bit-reversed out), depth first so sub-transforms run inside L2;
//! 2. groups of eight blocks (eight consecutive k2) are transposed, so lanes become k2 and the
//!    eight vectors the lanes j1, and multiplied by the twist ω_n^(j1·k2);
//! 3. an 8-point transform across the eight vectors gives, in lane l of vector k1, output
//!    `k1·m + k2`: eight consecutive elements, written back in arkworks' form.
//!
//! Values stay in `[0, 2p)` (lazy butterflies) and in arkworks' Montgomery form throughout;
//! twiddles are kept as `ω·2^260 mod p`, so IFMA products need no conversion. Output is made
//! canonical, so results are bit-identical to the generic path's.

use carbide_field::mont52::{Block, Consts, Ifma, LANES, LIMBS, Mont52, Vec52, load, store};
use carbide_field::{Kernel, TwoAdicField};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::error::NttError;
use crate::util::{reverse_bits, root};

/// The smallest transform this path takes: m = n/8 must hold one group of eight blocks.
pub(crate) const MIN_LOG: usize = 6;
/// Blocks per depth-first leaf: 640 KiB, inside this machine's 1 MiB L2 per core.
const LEAF_BLOCKS: usize = 1 << 11;
/// Butterfly pairs per task in the stages above the leaves.
#[cfg(feature = "parallel")]
const PAIRS_PER_TASK: usize = 1 << 8;
/// Groups of eight blocks per task in the final step.
#[cfg(feature = "parallel")]
const GROUPS_PER_TASK: usize = 1 << 5;

/// Per-size constants in R′ form.
#[derive(Debug)]
pub(crate) struct Tables {
    m: Mont52,
    log_n: usize,
    /// ω_m^i for i < m/2 (ω_m = ω_n^8): step 1's twiddles and the twist's per-group factors.
    tw: Vec<[u64; LIMBS]>,
    /// Lane vectors `[ω_n^(j·l)]_l` for j < 8: the twist's per-lane factors.
    twist: [Block; 8],
    /// ω_8^i for i < 4.
    w8: [[u64; LIMBS]; 4],
}

impl Tables {
    /// The tables for size 2^log_n, or `None` when `F` is not a 256-bit Montgomery field.
    pub(crate) fn new<F: TwoAdicField>(log_n: usize) -> Result<Option<Self>, NttError> {
        let (Some(_), Some(m)) = (F::ONE.montgomery_limbs(), modulus::<F>()) else {
            return Ok(None);
        };
        let omega = root::<F>(log_n)?;
        let r260 = |x: F| x.montgomery_limbs().map(|w| m.r260_from_r256(w));
        let omega_m = omega.exp_power_of_2(3);
        let half_m = 1usize << (log_n - 4);
        let tw: Option<Vec<_>> = omega_m.powers().take(half_m).map(r260).collect();
        let omega_8 = omega.exp_power_of_2(log_n - 3);
        let mut twist = [[[0; LANES]; LIMBS]; 8];
        for (j, block) in twist.iter_mut().enumerate() {
            for (l, x) in omega.exp_u64(j as u64).powers().take(LANES).enumerate() {
                let Some(limbs) = r260(x) else {
                    return Ok(None);
                };
                for k in 0..LIMBS {
                    block[k][l] = limbs[k];
                }
            }
        }
        let w8: Option<Vec<_>> = omega_8.powers().take(4).map(r260).collect();
        let (Some(tw), Some(w8)) = (tw, w8) else {
            return Ok(None);
        };
        Ok(Some(Self {
            m,
            log_n,
            tw,
            twist,
            w8: core::array::from_fn(|i| w8[i]),
        }))
    }

    /// ω_m^x for x < m: the upper half from the lower by ω_m^(m/2) = −1.
    #[inline(always)]
    fn omega_m_pow(&self, x: usize) -> [u64; LIMBS] {
        let half = self.tw.len();
        if x < half {
            self.tw[x]
        } else {
            self.m.neg(self.tw[x - half])
        }
    }
}

/// The modulus as four words, if the field is a prime field of at most 256 bits.
fn modulus<F: TwoAdicField>() -> Option<Mont52> {
    let digits = F::order().to_u64_digits();
    if digits.len() > 4 {
        return None;
    }
    Mont52::new(core::array::from_fn(|i| {
        digits.get(i).copied().unwrap_or(0)
    }))
}

/// The forward transform of `values` (2^t.log_n elements, arkworks Montgomery form) through
/// `blocks`, scratch of any length; `values` holds the result.
pub(crate) fn ntt<F: TwoAdicField>(s: Ifma, t: &Tables, values: &mut [F], blocks: &mut Vec<Block>) {
    let m = values.len() / LANES;
    debug_assert_eq!(values.len(), 1 << t.log_n);
    blocks.resize(m, [[0; LANES]; LIMBS]);
    let blocks = &mut blocks[..m];
    to_blocks(values, blocks);
    dif(s, t, blocks, m);
    finish(s, t, blocks, values);
}

/// Step 0: eight elements per block, limbs split to 52 bits.
fn to_blocks<F: TwoAdicField>(values: &[F], blocks: &mut [Block]) {
    let convert = |(block, chunk): (&mut Block, &[F])| {
        for (l, x) in chunk.iter().enumerate() {
            let limbs = carbide_field::mont52::to_limbs52(x.montgomery_limbs().unwrap_or_default());
            for k in 0..LIMBS {
                block[k][l] = limbs[k];
            }
        }
    };
    #[cfg(feature = "parallel")]
    blocks
        .par_iter_mut()
        .zip(values.par_chunks_exact(LANES))
        .with_min_len(1 << 10)
        .for_each(convert);
    #[cfg(not(feature = "parallel"))]
    blocks
        .iter_mut()
        .zip(values.chunks_exact(LANES))
        .for_each(convert);
}

/// One lazy DIF butterfly: `(u + v, (u − v)·w)`, where `w = None` means ω⁰ = 1.
#[inline(always)]
fn butterfly(c: &Consts, u: Vec52, v: Vec52, w: Option<&[u64; LIMBS]>) -> (Vec52, Vec52) {
    let d = c.sub_lazy(u, v);
    let d = match w {
        Some(w) => c.mul(d, c.broadcast(w)),
        None => c.reduce_4p(d),
    };
    (c.add(u, v), d)
}

/// Step 1: the m-point DIF on blocks, `m` being the full size (for twiddle strides).
fn dif(s: Ifma, t: &Tables, blocks: &mut [Block], m: usize) {
    let len = blocks.len();
    if len <= LEAF_BLOCKS {
        s.run(Leaf { s, t, blocks, m });
        return;
    }
    let half = len / 2;
    let step = m / len;
    let (lo, hi) = blocks.split_at_mut(half);
    #[cfg(feature = "parallel")]
    {
        lo.par_chunks_mut(PAIRS_PER_TASK)
            .zip(hi.par_chunks_mut(PAIRS_PER_TASK))
            .enumerate()
            .for_each(|(c, (lo, hi))| {
                s.run(Pairs {
                    s,
                    t,
                    lo,
                    hi,
                    first: c * PAIRS_PER_TASK,
                    step,
                });
            });
        rayon::join(|| dif(s, t, lo, m), || dif(s, t, hi, m));
    }
    #[cfg(not(feature = "parallel"))]
    {
        s.run(Pairs {
            s,
            t,
            lo,
            hi,
            first: 0,
            step,
        });
        dif(s, t, lo, m);
        dif(s, t, hi, m);
    }
}

/// One stage's butterflies between `lo[i]` and `hi[i]`, twiddle ω_m^((first + i)·step).
struct Pairs<'a> {
    s: Ifma,
    t: &'a Tables,
    lo: &'a mut [Block],
    hi: &'a mut [Block],
    first: usize,
    step: usize,
}

impl Kernel for Pairs<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let c = self.t.m.splat(self.s);
        for (i, (a, b)) in self.lo.iter_mut().zip(self.hi.iter_mut()).enumerate() {
            let k = (self.first + i) * self.step;
            let w = (k != 0).then(|| &self.t.tw[k]);
            let (x, y) = butterfly(&c, load(a), load(b), w);
            store(x, a);
            store(y, b);
        }
    }
}

/// Every remaining stage of an in-cache run of blocks.
struct Leaf<'a> {
    s: Ifma,
    t: &'a Tables,
    blocks: &'a mut [Block],
    m: usize,
}

impl Kernel for Leaf<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let c = self.t.m.splat(self.s);
        let mut half = self.blocks.len() / 2;
        while half >= 1 {
            let step = self.m / (2 * half);
            for chunk in self.blocks.chunks_exact_mut(2 * half) {
                let (lo, hi) = chunk.split_at_mut(half);
                for (i, (a, b)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
                    let w = (i != 0).then(|| &self.t.tw[i * step]);
                    let (x, y) = butterfly(&c, load(a), load(b), w);
                    store(x, a);
                    store(y, b);
                }
            }
            half /= 2;
        }
    }
}

/// Steps 2 and 3, in tasks of whole groups: `rows[k1]` is the piece of output row k1 (the
/// elements `k1·m + 8g + l`) for the task's groups.
fn finish<F: TwoAdicField>(s: Ifma, t: &Tables, blocks: &[Block], values: &mut [F]) {
    let m = blocks.len();
    let log_m = t.log_n - 3;
    #[cfg(feature = "parallel")]
    let per_task = LANES * GROUPS_PER_TASK;
    #[cfg(not(feature = "parallel"))]
    let per_task = m;
    let mut rows: Vec<_> = values
        .chunks_exact_mut(m)
        .map(|r| r.chunks_mut(per_task))
        .collect();
    let tasks: Vec<[&mut [F]; 8]> = (0..m.div_ceil(per_task))
        .map(|_| core::array::from_fn(|k| rows[k].next().unwrap_or_default()))
        .collect();
    let run = |(i, rows): (usize, [&mut [F]; 8])| {
        s.run(Finish {
            s,
            t,
            blocks,
            rows,
            first_group: i * per_task / LANES,
            log_m,
        });
    };
    #[cfg(feature = "parallel")]
    tasks.into_par_iter().enumerate().for_each(run);
    #[cfg(not(feature = "parallel"))]
    tasks.into_iter().enumerate().for_each(run);
}

struct Finish<'a, F> {
    s: Ifma,
    t: &'a Tables,
    blocks: &'a [Block],
    rows: [&'a mut [F]; 8],
    first_group: usize,
    log_m: usize,
}

impl<F: TwoAdicField> Kernel for Finish<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let t = self.t;
        let c = t.m.splat(self.s);
        let twist: [Vec52; 8] = t.twist.each_ref().map(load);
        let w8 = t.w8;
        let groups = self.rows[0].len() / LANES;
        for gi in 0..groups {
            let g = self.first_group + gi;
            // Block k2 = 8g + l sits at bit-reversed position after step 1.
            let src: [Vec52; 8] =
                core::array::from_fn(|l| load(&self.blocks[reverse_bits(8 * g + l, self.log_m)]));
            let cols: [[_; 8]; LIMBS] =
                core::array::from_fn(|k| c.transpose(core::array::from_fn(|l| src[l][k])));
            let mut v: [Vec52; 8] = core::array::from_fn(|j| core::array::from_fn(|k| cols[k][j]));
            // Twist: lane l of vector j times ω_n^(j·(8g+l)) = ω_m^(g·j)·ω_n^(j·l).
            for j in 1..8 {
                let factor = c.mul(twist[j], c.broadcast(&t.omega_m_pow(g * j)));
                v[j] = c.mul(v[j], factor);
            }
            // 8-point DIF across the vectors: ω_8^i at span 4, ω_4^i = ω_8^(2i) at span 2.
            for i in 0..4 {
                (v[i], v[i + 4]) = butterfly(&c, v[i], v[i + 4], (i != 0).then_some(&w8[i]));
            }
            for base in [0, 4] {
                (v[base], v[base + 2]) = butterfly(&c, v[base], v[base + 2], None);
                (v[base + 1], v[base + 3]) = butterfly(&c, v[base + 1], v[base + 3], Some(&w8[2]));
            }
            for base in [0, 2, 4, 6] {
                (v[base], v[base + 1]) = butterfly(&c, v[base], v[base + 1], None);
            }
            // Vector q holds output row k1 = rev3(q), lanes l ↔ column 8·gi + l.
            for (q, x) in v.into_iter().enumerate() {
                let mut out = [[0; LANES]; LIMBS];
                store(c.canonical(x), &mut out);
                let row = &mut self.rows[reverse_bits(q, 3)][gi * LANES..(gi + 1) * LANES];
                for (l, dst) in row.iter_mut().enumerate() {
                    let limbs = core::array::from_fn(|k| out[k][l]);
                    let words = carbide_field::mont52::from_limbs52(limbs);
                    *dst = F::from_montgomery_limbs(words).unwrap_or(F::ZERO);
                }
            }
        }
    }
}
