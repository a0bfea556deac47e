//! Pippenger's bucket method with signed-digit windows and batch-affine buckets.
//!
//! Each scalar is cut into windows of c bits, recoded to digits in [−2^(c−1), 2^(c−1)] (a
//! digit above half the window borrows one from the next), so a window needs only 2^(c−1)
//! buckets and a negative digit adds −P, free in affine. Per window: points sorted into
//! buckets by a counting sort, buckets summed in batched affine rounds
//! ([`crate::batch_affine`]), then `Σ (b+1)·B_b` by running sums; windows combine by doubling.

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{AdditiveGroup, AffineRepr};
use ark_ff::{BigInteger, PrimeField};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::batch_affine::{bucket_sums, starts};
use crate::error::MsmError;
use crate::traits::{Msm, check_lengths};

/// The largest window accepted.
pub(crate) const MAX_WINDOW: usize = 24;

/// The rayon CPU MSM. `window: None` picks the window size from n, the scalar size and the
/// thread count.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pippenger {
    window: Option<usize>,
}

impl Pippenger {
    /// An MSM with a fixed window size (1..=24 bits), for tuning and tests.
    pub fn with_window(window: usize) -> Result<Self, MsmError> {
        if !(1..=MAX_WINDOW).contains(&window) {
            return Err(MsmError::BadWindow(window));
        }
        Ok(Self {
            window: Some(window),
        })
    }
}

impl<P: SWCurveConfig> Msm<P> for Pippenger {
    fn msm(
        &self,
        bases: &[Affine<P>],
        scalars: &[P::ScalarField],
    ) -> Result<Projective<P>, MsmError> {
        check_lengths(bases.len(), scalars.len())?;
        #[cfg(target_arch = "x86_64")]
        let prepared = crate::ifma::Prepared::new(bases);
        #[cfg(not(target_arch = "x86_64"))]
        let prepared = None;
        Ok(pippenger(bases, scalars, self.window, prepared.as_ref()))
    }
}

/// Bases converted for the vector path, where there is one.
#[cfg(target_arch = "x86_64")]
pub(crate) type Fast = crate::ifma::Prepared;
/// No vector path off x86-64.
#[cfg(not(target_arch = "x86_64"))]
#[derive(Debug)]
pub(crate) enum Fast {}

/// Pippenger over `bases` (lengths checked), through `fast`, the same bases converted for the
/// vector path, when given.
pub(crate) fn pippenger<P: SWCurveConfig>(
    bases: &[Affine<P>],
    scalars: &[P::ScalarField],
    window: Option<usize>,
    fast: Option<&Fast>,
) -> Projective<P> {
    let cost = match fast {
        Some(_) => BucketCost::Chunked,
        None => BucketCost::RunningSums,
    };
    let digits = Digits::new::<P>(scalars, window, bases.len(), cost);
    let windows: Vec<usize> = (0..digits.windows).collect();
    let digits = &digits;
    let window_sum = |&w: &usize| {
        #[cfg(target_arch = "x86_64")]
        if let Some(fast) = fast {
            return fast.bucket_msm::<P>(digits.c, digits.window(w), 0);
        }
        bucket_msm(digits.c, || {
            bases
                .iter()
                .enumerate()
                .map(move |(i, b)| (digits.window(w)[i], b))
        })
    };
    #[cfg(feature = "parallel")]
    let sums: Vec<Projective<P>> = windows.par_iter().map(window_sum).collect();
    #[cfg(not(feature = "parallel"))]
    let sums: Vec<Projective<P>> = windows.iter().map(window_sum).collect();
    combine_windows(&sums, digits.c)
}

/// `Σ_w 2^(c·w)·sums[w]`, top window first.
pub(crate) fn combine_windows<P: SWCurveConfig>(sums: &[Projective<P>], c: usize) -> Projective<P> {
    let mut total = Projective::<P>::ZERO;
    for sum in sums.iter().rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        total += sum;
    }
    total
}

/// Signed c-bit digits of every scalar, window-major (a window's pass reads its digits in
/// order).
pub(crate) struct Digits {
    pub(crate) c: usize,
    pub(crate) windows: usize,
    digits: Vec<Vec<i32>>,
}

/// Scalars per recoding task.
const RECODE_CHUNK: usize = 1 << 12;

impl Digits {
    /// The digits of `scalars` in windows of `window` bits (or the best size for `n` points),
    /// with just enough windows for the largest scalar: small scalars cost fewer windows.
    pub(crate) fn new<P: SWCurveConfig>(
        scalars: &[P::ScalarField],
        window: Option<usize>,
        n: usize,
        cost: BucketCost,
    ) -> Self {
        #[cfg(feature = "parallel")]
        let bigints: Vec<_> = scalars.par_iter().map(|s| s.into_bigint()).collect();
        #[cfg(not(feature = "parallel"))]
        let bigints: Vec<_> = scalars.iter().map(|s| s.into_bigint()).collect();
        let bits = bigints
            .iter()
            .map(|b| b.num_bits() as usize)
            .max()
            .unwrap_or(0);
        Self::from_bigints(
            &bigints,
            bits,
            window.unwrap_or_else(|| best_window(n, bits, cost)),
        )
    }

    /// Digits for a fixed number of scalar bits (the fixed-base tables need every window).
    pub(crate) fn from_bigints<B: BigInteger>(bigints: &[B], bits: usize, c: usize) -> Self {
        // One extra bit for the last borrow: the top digit then never borrows again.
        let windows = if bits == 0 { 0 } else { (bits + 1).div_ceil(c) };
        let n = bigints.len();
        let mut digits = vec![vec![0i32; n]; windows];
        // Tasks of RECODE_CHUNK scalars, each with its piece of every window's digits.
        let mut pieces: Vec<_> = digits
            .iter_mut()
            .map(|d| d.chunks_mut(RECODE_CHUNK))
            .collect();
        let tasks: Vec<Vec<&mut [i32]>> = (0..n.div_ceil(RECODE_CHUNK))
            .map(|_| {
                pieces
                    .iter_mut()
                    .map(|p| p.next().unwrap_or_default())
                    .collect()
            })
            .collect();
        let recode = |(t, mut out): (usize, Vec<&mut [i32]>)| {
            let first = t * RECODE_CHUNK;
            for (i, b) in bigints[first..(first + RECODE_CHUNK).min(n)]
                .iter()
                .enumerate()
            {
                let limbs = b.as_ref();
                let mut carry = 0u64;
                for (w, window) in out.iter_mut().enumerate() {
                    let raw = window_bits(limbs, w * c, c) + carry;
                    if raw > 1 << (c - 1) {
                        window[i] = raw as i32 - (1 << c);
                        carry = 1;
                    } else {
                        window[i] = raw as i32;
                        carry = 0;
                    }
                }
            }
        };
        #[cfg(feature = "parallel")]
        tasks.into_par_iter().enumerate().for_each(recode);
        #[cfg(not(feature = "parallel"))]
        tasks.into_iter().enumerate().for_each(recode);
        Self { c, windows, digits }
    }

    #[inline]
    pub(crate) fn get(&self, i: usize, w: usize) -> i32 {
        self.digits[w][i]
    }

    /// Window `w`'s digit of every scalar.
    #[inline]
    pub(crate) fn window(&self, w: usize) -> &[i32] {
        &self.digits[w]
    }
}

/// Bits `[offset, offset + c)` of a little-endian limb array (zero past its end).
#[inline]
fn window_bits(limbs: &[u64], offset: usize, c: usize) -> u64 {
    let (limb, shift) = (offset / 64, offset % 64);
    let lo = limbs.get(limb).map_or(0, |l| l >> shift);
    let hi = match shift {
        0 => 0,
        _ => limbs.get(limb + 1).map_or(0, |l| l << (64 - shift)),
    };
    (lo | hi) & ((1 << c) - 1)
}

/// What a bucket costs per window, in units of one batch-affine point addition.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BucketCost {
    /// Two projective additions (about 27 multiplications against an affine addition's 6).
    RunningSums,
    /// The IFMA path: each bucket's sum rejoins every chunk of points, and the weighted sum
    /// takes about c/2 more affine additions per bucket.
    Chunked,
}

/// The window size minimising the estimated cost: one addition per point and the bucket
/// cost per bucket, per window; windows run in parallel, so the count that matters is
/// windows per thread.
pub(crate) fn best_window(n: usize, bits: usize, cost: BucketCost) -> usize {
    #[cfg(feature = "parallel")]
    let threads = rayon::current_num_threads().max(1);
    #[cfg(not(feature = "parallel"))]
    let threads = 1;
    (2..=20)
        .min_by_key(|&c| {
            let windows = (bits + 1).div_ceil(c).div_ceil(threads) as u64;
            let per_bucket = match cost {
                BucketCost::RunningSums => 4,
                BucketCost::Chunked => n.div_ceil(chunk()) as u64 + c as u64 / 2,
            };
            windows * (n as u64 + per_bucket * (1u64 << (c - 1)))
        })
        .unwrap_or(8)
}

#[cfg(target_arch = "x86_64")]
fn chunk() -> usize {
    crate::ifma::CHUNK
}

#[cfg(not(target_arch = "x86_64"))]
fn chunk() -> usize {
    usize::MAX
}

/// `Σ digit·point` over `entries()` (called twice: count, then scatter) with 2^(c−1)
/// buckets: the bucket sort, batch-affine bucket sums, then running sums.
pub(crate) fn bucket_msm<'a, P, I>(c: usize, entries: impl Fn() -> I) -> Projective<P>
where
    P: SWCurveConfig,
    I: Iterator<Item = (i32, &'a Affine<P>)>,
{
    let buckets = 1usize << (c - 1);
    let mut counts = vec![0u32; buckets];
    for (d, p) in entries() {
        if d != 0 && !p.is_zero() {
            counts[d.unsigned_abs() as usize - 1] += 1;
        }
    }
    let mut next = starts(&counts);
    let total: usize = counts.iter().map(|&c| c as usize).sum();
    let mut points = vec![Affine::<P>::identity(); total];
    for (d, p) in entries() {
        if d != 0 && !p.is_zero() {
            let b = d.unsigned_abs() as usize - 1;
            points[next[b]] = if d > 0 { *p } else { -*p };
            next[b] += 1;
        }
    }
    let sums = bucket_sums(points, counts);
    // Σ (b+1)·B_b = Σ_b (B_{top} + … + B_b).
    let mut running = Projective::<P>::ZERO;
    let mut acc = Projective::<P>::ZERO;
    for s in sums.iter().rev() {
        running += s;
        acc += running;
    }
    acc
}
