//! BN254 G1 bucket accumulation on AVX-512 IFMA: the batch-affine rounds of
//! [`crate::batch_affine`] with eight pair additions per vector.
//!
//! Why: a round's cost is its field multiplications (about six per addition), and
//! [`carbide_field::mont52`] multiplies eight base-field elements per instruction sequence.
//! Coordinates are kept as 52-bit limbs in R′ form (`x·2^260 mod p`, closed under the IFMA
//! product) from the moment the bases are taken in until the bucket sums go back to arkworks.
//! Per round: the x-differences of eight pairs at a time and their running products (one chain
//! per lane), one inversion for all lanes, then backwards the inverses and the sums. Pairs
//! with equal x (doubling or P + (−P)) are rare; they go through arkworks one by one.

use std::any::{Any, TypeId};

use ark_bn254::{Fq, G1Affine, G1Projective};
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{AdditiveGroup, AffineRepr, CurveGroup};
use ark_ff::{BigInt, Field, PrimeField};
use carbide_field::Kernel;
use carbide_field::mont52::{
    Block, Consts, Ifma, LANES, LIMBS, Mont52, Vec52, ifma, load, store, to_limbs52,
};

use crate::batch_affine::{compact_pairs, starts};

/// Points per chunk of a window's bucket accumulation: the chunk, its buckets' sums and the
/// round's scratch stay in L2 (measured on the dev machine: 2^15 beat 2^14, 2^16 and 2^18).
pub(crate) const CHUNK: usize = 1 << 15;

/// An affine point's coordinates in R′-form limbs.
type P52 = [[u64; LIMBS]; 2];

/// The bases of one MSM (or of a fixed-base context), converted once for every window.
#[derive(Debug)]
pub(crate) struct Prepared {
    s: Ifma,
    m: Mont52,
    /// 1 in R′ form.
    one: [u64; LIMBS],
    /// Each base as `[x, y, −y]`; the identity's entry is unused.
    bases: Vec<[[u64; LIMBS]; 3]>,
    /// Whether each base is not the identity.
    live: Vec<bool>,
}

impl Prepared {
    /// The bases in R′ form when `P` is BN254 G1 and the CPU has IFMA; `None` otherwise.
    pub(crate) fn new<P: SWCurveConfig>(bases: &[Affine<P>]) -> Option<Self> {
        if TypeId::of::<P>() != TypeId::of::<ark_bn254::g1::Config>() {
            return None;
        }
        let s = ifma()?;
        let m = Mont52::new(Fq::MODULUS.0)?;
        let convert = |b: &Affine<P>| -> Option<[[u64; LIMBS]; 3]> {
            let a = (b as &dyn Any).downcast_ref::<G1Affine>()?;
            let y = m.r260_from_r256(a.y.0.0);
            Some([m.r260_from_r256(a.x.0.0), y, m.neg(y)])
        };
        #[cfg(feature = "parallel")]
        let converted: Option<Vec<_>> = {
            use rayon::prelude::*;
            bases
                .par_iter()
                .with_min_len(1 << 12)
                .map(convert)
                .collect()
        };
        #[cfg(not(feature = "parallel"))]
        let converted: Option<Vec<_>> = bases.iter().map(convert).collect();
        let live = bases.iter().map(|b| !b.is_zero()).collect();
        Some(Self {
            s,
            m,
            one: m.r260_from_r256(Fq::ONE.0.0),
            bases: converted?,
            live,
        })
    }

    /// `Σ digits[i]·bases[first + i]` with 2^(c−1) buckets, as
    /// [`crate::pippenger::bucket_msm`] does.
    pub(crate) fn bucket_msm<P: SWCurveConfig>(
        &self,
        c: usize,
        digits: &[i32],
        first: usize,
    ) -> Projective<P> {
        let range = first..first + digits.len();
        let buckets = 1usize << (c - 1);
        // Points in chunks, so the working set stays cache-sized whatever n is: each chunk's
        // points join the buckets' sums so far, and the rounds reduce them again.
        let (mut points, mut counts) = (Vec::new(), vec![0u32; buckets]);
        for ((digits, bases), live) in digits
            .chunks(CHUNK)
            .zip(self.bases[range.clone()].chunks(CHUNK))
            .zip(self.live[range.clone()].chunks(CHUNK))
        {
            let mut new_counts = counts.clone();
            for (&d, &live) in digits.iter().zip(live) {
                if d != 0 && live {
                    new_counts[d.unsigned_abs() as usize - 1] += 1;
                }
            }
            let mut next = starts(&new_counts);
            let total = new_counts.iter().map(|&c| c as usize).sum();
            let mut merged = vec![[[0; LIMBS]; 2]; total];
            let mut old = points.into_iter();
            for (k, &c) in counts.iter().enumerate() {
                if c == 1 {
                    merged[next[k]] = old.next().unwrap_or_default();
                    next[k] += 1;
                }
            }
            for ((&d, &live), [x, y, neg_y]) in digits.iter().zip(live).zip(bases) {
                if d != 0 && live {
                    let k = d.unsigned_abs() as usize - 1;
                    merged[next[k]] = [*x, if d > 0 { *y } else { *neg_y }];
                    next[k] += 1;
                }
            }
            (points, counts) = self.bucket_sums(merged, new_counts);
        }
        // Σ (b+1)·B_b = Σ_k 2^k·T_k with T_k the sum of the B_b whose b+1 has bit k: c sums
        // of about half the buckets each, by the same batched rounds, instead of two
        // projective additions per bucket.
        let bits = c + 1;
        let mut groups = vec![0u32; bits];
        let mut filled = Vec::with_capacity(points.len());
        let mut sums = points.into_iter();
        for (b, &n) in counts.iter().enumerate() {
            if n == 1 {
                let p = sums.next().unwrap_or_default();
                for (k, g) in groups.iter_mut().enumerate() {
                    if (b + 1) >> k & 1 == 1 {
                        *g += 1;
                    }
                }
                filled.push((b + 1, p));
            }
        }
        let mut next = starts(&groups);
        let mut by_bit = vec![[[0; LIMBS]; 2]; groups.iter().map(|&n| n as usize).sum()];
        for (weight, p) in filled {
            for (k, slot) in next.iter_mut().enumerate() {
                if weight >> k & 1 == 1 {
                    by_bit[*slot] = p;
                    *slot += 1;
                }
            }
        }
        let (t, t_counts) = self.bucket_sums(by_bit, groups);
        let mut t = t.iter().map(|p| self.to_ark(p));
        let mut acc = G1Projective::ZERO;
        let per_bit: Vec<G1Affine> = t_counts
            .iter()
            .map(|&n| match n {
                0 => G1Affine::zero(),
                _ => t.next().unwrap_or_else(G1Affine::zero),
            })
            .collect();
        for tk in per_bit.iter().rev() {
            acc.double_in_place();
            acc += tk;
        }
        let mut out = None::<Projective<P>>;
        if let Some(slot) = (&mut out as &mut dyn Any).downcast_mut::<Option<G1Projective>>() {
            *slot = Some(acc);
        }
        out.unwrap_or_default()
    }

    fn to_ark(&self, p: &P52) -> G1Affine {
        let coord = |l: &[u64; LIMBS]| Fq::new_unchecked(BigInt(self.m.r256_from_r260(*l)));
        G1Affine::new_unchecked(coord(&p[0]), coord(&p[1]))
    }

    fn to_p52(&self, p: &G1Affine) -> P52 {
        [
            self.m.r260_from_r256(p.x.0.0),
            self.m.r260_from_r256(p.y.0.0),
        ]
    }

    /// Rounds of pairwise additions inside each bucket until each holds at most one point;
    /// returns the remaining points (bucket order) and counts.
    fn bucket_sums(&self, mut points: Vec<P52>, mut counts: Vec<u32>) -> (Vec<P52>, Vec<u32>) {
        let mut pairs: Vec<u32> = Vec::new();
        // Per chunk of eight pairs: x1, y1, x2, y2 gathered (then x3, y3 in the first two),
        // the x-differences, and the running products before them.
        let mut g: Vec<[Block; 4]> = Vec::new();
        let mut den: Vec<Block> = Vec::new();
        let mut pre: Vec<Block> = Vec::new();
        let mut equal_x: Vec<usize> = Vec::new();
        let mut special: Vec<(usize, Option<P52>)> = Vec::new();
        while counts.iter().any(|&c| c > 1) {
            pairs.clear();
            let mut start = 0u32;
            for &c in &counts {
                for k in 0..c / 2 {
                    pairs.push(start + 2 * k);
                }
                start += c;
            }
            let chunks = pairs.len().div_ceil(LANES);
            let zero = [[0; LANES]; LIMBS];
            g.resize(chunks, [zero; 4]);
            den.resize(chunks, zero);
            pre.resize(chunks, zero);
            equal_x.clear();
            let totals = self.s.run(Forward {
                s: self.s,
                m: &self.m,
                one: &self.one,
                points: &points,
                pairs: &pairs,
                equal_x: &mut equal_x,
                g: &mut g[..chunks],
                den: &mut den[..chunks],
                pre: &mut pre[..chunks],
            });
            let inv = self.lane_inverses(totals);
            self.s.run(Backward {
                s: self.s,
                m: &self.m,
                inv,
                g: &mut g[..chunks],
                den: &den[..chunks],
                pre: &pre[..chunks],
            });
            // Equal x (listed by the gather): doubling or the identity, through arkworks.
            special.clear();
            for &j in &equal_x {
                let a = pairs[j] as usize;
                let sum = (self.to_ark(&points[a]) + self.to_ark(&points[a + 1])).into_affine();
                special.push((j, (!sum.is_zero()).then(|| self.to_p52(&sum))));
            }
            let mut special = special.iter().peekable();
            compact_pairs(&mut points, &mut counts, |j, _, _| match special.peek() {
                Some((sj, s)) if *sj == j => {
                    special.next();
                    *s
                }
                _ => {
                    let (b, l) = (&g[j / LANES], j % LANES);
                    Some([
                        core::array::from_fn(|k| b[0][k][l]),
                        core::array::from_fn(|k| b[1][k][l]),
                    ])
                }
            });
        }
        (points, counts)
    }

    /// The inverses (R′ form) of the eight lanes' products (R′ form), via arkworks.
    fn lane_inverses(&self, totals: Block) -> [[u64; LIMBS]; LANES] {
        // An arkworks element with the R′ limbs of t holds 16t; its inverse times 256 holds
        // 16/t, whose limbs are t⁻¹·2^260: the R′ form of t⁻¹.
        let mut v: Vec<Fq> = (0..LANES)
            .map(|l| {
                let limbs = core::array::from_fn(|k| totals[k][l]);
                Fq::new_unchecked(BigInt(carbide_field::mont52::from_limbs52(limbs)))
            })
            .collect();
        ark_ff::batch_inversion(&mut v);
        let scale = Fq::from(256u64);
        core::array::from_fn(|l| to_limbs52((v[l] * scale).0.0))
    }
}

/// Lane `l` of chunk `j` is pair `8j + l`: its points' x1, y1, x2, y2 into `b`; for lanes
/// past the end, and for pairs with equal x (pushed to `equal_x`: arkworks redoes those), a
/// dummy pair whose x-difference is 1.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // l indexes the pair list and four blocks at once
fn gather(
    points: &[P52],
    pairs: &[u32],
    j: usize,
    one: &[u64; LIMBS],
    b: &mut [Block; 4],
    equal_x: &mut Vec<usize>,
) {
    let dummy = ([[0; LIMBS]; 2], [*one, [0; LIMBS]]);
    for l in 0..LANES {
        let (p, q) = match pairs.get(j * LANES + l) {
            Some(&a) if points[a as usize][0] == points[a as usize + 1][0] => {
                equal_x.push(j * LANES + l);
                (&dummy.0, &dummy.1)
            }
            Some(&a) => (&points[a as usize], &points[a as usize + 1]),
            None => (&dummy.0, &dummy.1),
        };
        for k in 0..LIMBS {
            b[0][k][l] = p[0][k];
            b[1][k][l] = p[1][k];
            b[2][k][l] = q[0][k];
            b[3][k][l] = q[1][k];
        }
    }
}

/// Gathers each chunk, stores its x-differences and the running products before them (one
/// chain per lane); returns the lanes' totals.
struct Forward<'a> {
    s: Ifma,
    m: &'a Mont52,
    one: &'a [u64; LIMBS],
    points: &'a [P52],
    pairs: &'a [u32],
    equal_x: &'a mut Vec<usize>,
    g: &'a mut [[Block; 4]],
    den: &'a mut [Block],
    pre: &'a mut [Block],
}

impl Kernel for Forward<'_> {
    type Output = Block;

    #[inline(always)]
    fn run(self) -> Block {
        let c = self.m.splat(self.s);
        let mut acc = c.broadcast(self.one);
        for (j, ((g, den), pre)) in self
            .g
            .iter_mut()
            .zip(self.den.iter_mut())
            .zip(self.pre.iter_mut())
            .enumerate()
        {
            gather(self.points, self.pairs, j, self.one, g, self.equal_x);
            let d = c.sub(load(&g[2]), load(&g[0]));
            store(d, den);
            store(acc, pre);
            acc = c.mul(acc, d);
        }
        let mut out = [[0; LANES]; LIMBS];
        store(c.canonical(acc), &mut out);
        out
    }
}

/// Backwards: each chunk's inverses from the running inverse, then its eight sums, written
/// over the chunk's x1 and y1.
struct Backward<'a> {
    s: Ifma,
    m: &'a Mont52,
    inv: [[u64; LIMBS]; LANES],
    g: &'a mut [[Block; 4]],
    den: &'a [Block],
    pre: &'a [Block],
}

impl Kernel for Backward<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let c: Consts = self.m.splat(self.s);
        let inv_block: Block = core::array::from_fn(|k| core::array::from_fn(|l| self.inv[l][k]));
        let mut acc: Vec52 = load(&inv_block);
        for ((g, den), pre) in self.g.iter_mut().zip(self.den).zip(self.pre).rev() {
            let inv = c.mul(acc, load(pre));
            acc = c.mul(acc, load(den));
            let (x1, y1, x2, y2) = (load(&g[0]), load(&g[1]), load(&g[2]), load(&g[3]));
            let lambda = c.mul(c.sub(y2, y1), inv);
            let x3 = c.sub(c.sub(c.mul(lambda, lambda), x1), x2);
            let y3 = c.sub(c.mul(lambda, c.sub(x1, x3)), y1);
            store(c.canonical(x3), &mut g[0]);
            store(c.canonical(y3), &mut g[1]);
        }
    }
}
