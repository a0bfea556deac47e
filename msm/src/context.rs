//! Many MSMs over the same bases, as a proving key needs.

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{AdditiveGroup, CurveGroup};
use ark_ff::PrimeField;
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use crate::error::MsmError;
use std::sync::Arc;

use crate::pippenger::{Digits, Fast, MAX_WINDOW, bucket_msm, pippenger};
use crate::traits::check_lengths;

/// Fixed bases, optionally with the multiples `2^(c·w)·P` of every base for every window
/// precomputed: an MSM then sums all windows' digits into one set of buckets, with no
/// doublings and one bucket reduction per thread instead of one per window.
#[derive(Clone, Debug)]
pub struct MsmContext<P: SWCurveConfig> {
    bases: Vec<Affine<P>>,
    table: Option<Table<P>>,
    /// The bases (or, with a table, the table's points) converted once for the vector path.
    fast: Option<Arc<Fast>>,
}

#[derive(Clone, Debug)]
struct Table<P: SWCurveConfig> {
    c: usize,
    windows: usize,
    /// `points[i·windows + w] = 2^(c·w)·bases[i]`.
    points: Vec<Affine<P>>,
}

impl<P: SWCurveConfig> MsmContext<P> {
    /// A context over `bases` (copied), without tables.
    pub fn new(bases: &[Affine<P>]) -> Self {
        Self {
            bases: bases.to_vec(),
            table: None,
            fast: prepare(bases),
        }
    }

    /// A context with precomputed multiples for windows of `window` bits: `bases.len() ×
    /// ⌈(bits + 1)/window⌉` affine points of memory.
    pub fn with_precomputation(bases: &[Affine<P>], window: usize) -> Result<Self, MsmError> {
        if !(2..=MAX_WINDOW).contains(&window) {
            return Err(MsmError::BadWindow(window));
        }
        let bits = P::ScalarField::MODULUS_BIT_SIZE as usize;
        let windows = (bits + 1).div_ceil(window);
        let multiples = |b: &Affine<P>| {
            let mut p: Projective<P> = (*b).into();
            let mut out = Vec::with_capacity(windows);
            for _ in 0..windows {
                out.push(p);
                for _ in 0..window {
                    p.double_in_place();
                }
            }
            out
        };
        #[cfg(feature = "parallel")]
        let projective: Vec<Projective<P>> = bases.par_iter().flat_map_iter(multiples).collect();
        #[cfg(not(feature = "parallel"))]
        let projective: Vec<Projective<P>> = bases.iter().flat_map(multiples).collect();
        let points = Projective::normalize_batch(&projective);
        Ok(Self {
            bases: bases.to_vec(),
            fast: prepare(&points),
            table: Some(Table {
                c: window,
                windows,
                points,
            }),
        })
    }

    /// The precomputed multiples, if any: the window size and the points
    /// `2^(c·w)·bases[i]` at `i·windows + w` (for backends that keep their own copy, a GPU's).
    pub fn precomputed(&self) -> Option<(usize, &[Affine<P>])> {
        self.table.as_ref().map(|t| (t.c, t.points.as_slice()))
    }

    /// The bases.
    pub fn bases(&self) -> &[Affine<P>] {
        &self.bases
    }

    /// The number of bases.
    pub fn len(&self) -> usize {
        self.bases.len()
    }

    /// Whether there are no bases.
    pub fn is_empty(&self) -> bool {
        self.bases.is_empty()
    }

    /// `Σ scalars[i]·bases[i]`.
    pub fn msm(&self, scalars: &[P::ScalarField]) -> Result<Projective<P>, MsmError> {
        check_lengths(self.bases.len(), scalars.len())?;
        let Some(table) = &self.table else {
            return Ok(pippenger(&self.bases, scalars, None, self.fast.as_deref()));
        };
        let bigints: Vec<_> = scalars.iter().map(|s| s.into_bigint()).collect();
        let bits = P::ScalarField::MODULUS_BIT_SIZE as usize;
        let digits = Digits::from_bigints(&bigints, bits, table.c);
        debug_assert_eq!(digits.windows, table.windows);
        let n = self.bases.len();
        #[cfg(feature = "parallel")]
        let chunks = rayon::current_num_threads().clamp(1, n.max(1));
        #[cfg(not(feature = "parallel"))]
        let chunks = 1;
        let per = n.div_ceil(chunks.max(1)).max(1);
        let digits = &digits;
        #[cfg(target_arch = "x86_64")]
        let flat: Vec<i32> = match self.fast {
            // The table's point i·windows + w takes digit (i, w).
            Some(_) => (0..n * table.windows)
                .map(|t| digits.get(t / table.windows, t % table.windows))
                .collect(),
            None => Vec::new(),
        };
        let chunk_sum = |k: usize| {
            let range = k * per..((k + 1) * per).min(n);
            #[cfg(target_arch = "x86_64")]
            if let Some(fast) = &self.fast {
                let (lo, hi) = (range.start * table.windows, range.end * table.windows);
                return fast.bucket_msm::<P>(table.c, &flat[lo..hi], lo);
            }
            bucket_msm(table.c, || {
                range.clone().flat_map(move |i| {
                    (0..table.windows)
                        .map(move |w| (digits.get(i, w), &table.points[i * table.windows + w]))
                })
            })
        };
        #[cfg(feature = "parallel")]
        let total = (0..n.div_ceil(per)).into_par_iter().map(chunk_sum).sum();
        #[cfg(not(feature = "parallel"))]
        let total = (0..n.div_ceil(per)).map(chunk_sum).sum();
        Ok(total)
    }

    /// One MSM per scalar vector.
    pub fn msm_batch(
        &self,
        scalar_sets: &[&[P::ScalarField]],
    ) -> Result<Vec<Projective<P>>, MsmError> {
        scalar_sets.iter().map(|s| self.msm(s)).collect()
    }
}

/// The points converted for the vector path, where there is one for this curve and CPU.
fn prepare<P: SWCurveConfig>(points: &[Affine<P>]) -> Option<Arc<Fast>> {
    #[cfg(target_arch = "x86_64")]
    return crate::ifma::Prepared::new(points).map(Arc::new);
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = points;
        None
    }
}
