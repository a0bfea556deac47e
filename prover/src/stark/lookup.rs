//! logUp: with challenges z and β, a lookup's row contributes m/(z − fp), fp = bus + Σ_j
//! β^(j+1)·v_j. A table's lookups are taken two by two, in order (the last alone when
//! their number is odd), and its auxiliary trace holds one column per pair,
//! h = m_a/d_a + m_b/d_b with d = z − fp, and their running sum S. The constraints:
//! h·d_a·d_b = m_a·d_b + m_b·d_a (h·d_a = m_a alone) on every row; S = Σ h on the first row;
//! S' = S + Σ h' between rows; S = the claimed sum on the last row. The claims of all tables
//! add to zero exactly when (with high probability over z, β) every bus balances.
//!
//! A pair's constraint has degree 3 (fingerprints and multiplicities are linear) and holds
//! on every row, so its quotient by Z_H stays below 2n: pairing costs no quotient chunk
//! beyond the two any table with lookups has, and halves the auxiliary columns (each one
//! extended, hashed, and opened) and the inversions that fill them.

use carbide_field::{Field, Goldilocks, Kernel, PackedField};
use rayon::prelude::*;

use super::ProveError;
use super::air::{
    Column, Constraints, Ext, Frame, Linear, Lookup, Packed, PackedConstraints, Value,
};

/// The logUp challenges.
#[derive(Clone, Copy, Debug)]
pub(super) struct Challenges {
    pub z: Ext,
    pub beta: Ext,
}

/// Lookups sharing an auxiliary column.
const GROUP: usize = 2;

/// Auxiliary columns (in the extension) of a table with `lookups` lookups: one per pair,
/// and the running sum.
pub(super) fn aux_width(lookups: usize) -> usize {
    if lookups == 0 {
        0
    } else {
        lookups.div_ceil(GROUP) + 1
    }
}

/// z − fp of a lookup on a row (values of any type a base or extension element embeds in).
fn denominator(l: &Lookup, ch: &Challenges, main: &[Ext], fixed: &[Ext]) -> Ext {
    let mut power = ch.beta;
    let mut fp = Ext::from(Goldilocks::new(u64::from(l.bus)));
    for v in &l.values {
        fp += power * v.eval(main, fixed);
        power *= ch.beta;
    }
    ch.z - fp
}

/// Adds the lookup constraints of a frame whose auxiliary rows are `aux` and `aux_next`.
pub(super) fn eval(
    lookups: &[Lookup],
    frame: &Frame<'_>,
    aux: &[Ext],
    aux_next: &[Ext],
    ch: &Challenges,
    claimed: Ext,
    out: &mut Constraints,
) {
    if lookups.is_empty() {
        return;
    }
    let k = lookups.len().div_ceil(GROUP);
    for (group, &h) in lookups.chunks(GROUP).zip(aux) {
        let fraction = group.iter().map(|l| {
            (
                denominator(l, ch, frame.local, frame.preprocessed),
                l.multiplicity.eval(frame.local, frame.preprocessed),
            )
        });
        let (d, m) = fraction
            .reduce(|(da, ma), (db, mb)| (da * db, ma * db + mb * da))
            .unwrap_or((Ext::ONE, Ext::ZERO));
        out.every_row(h * d - m);
    }
    let (s, s_next) = (aux[k], aux_next[k]);
    out.first_row(s - aux[..k].iter().copied().sum::<Ext>());
    out.transition(s_next - s - aux_next[..k].iter().copied().sum::<Ext>());
    out.last_row(s - claimed);
}

/// X² = W in the extension (the field crate's non-residue; `pair_arithmetic_is_the_extension`
/// checks the two agree).
const W: Goldilocks = Goldilocks::new(7);

/// The product of two extension elements given as coordinate pairs of any [`Value`] (in SIMD
/// lanes: eight products at once).
#[inline(always)]
pub(super) fn mul_pair<V: Value>(a: [V; 2], b: [V; 2]) -> [V; 2] {
    [
        a[0] * b[0] + a[1] * b[1] * V::from(W),
        a[0] * b[1] + a[1] * b[0],
    ]
}

/// A lookup with the challenges folded in, for the prover: z − fp as two coordinates, each a
/// constant plus Σ coefficient·column over the distinct columns the tuple reads, so a row's
/// denominator costs two base products per column instead of extension arithmetic per term.
pub(super) struct Flat {
    constant: [Goldilocks; 2],
    terms: Vec<(Column, [Goldilocks; 2])>,
    multiplicity: Linear,
}

impl Flat {
    pub(super) fn new(l: &Lookup, ch: &Challenges) -> Self {
        let mut constant = ch.z - Ext::from(Goldilocks::new(u64::from(l.bus)));
        let mut terms: Vec<(Column, Ext)> = Vec::new();
        let mut power = ch.beta;
        for v in &l.values {
            constant -= power * v.constant;
            for &(c, k) in &v.terms {
                let t = -(power * k);
                match terms.iter_mut().find(|(d, _)| *d == c) {
                    Some(e) => e.1 += t,
                    None => terms.push((c, t)),
                }
            }
            power *= ch.beta;
        }
        Self {
            constant: constant.0,
            terms: terms.into_iter().map(|(c, t)| (c, t.0)).collect(),
            multiplicity: l.multiplicity.clone(),
        }
    }

    /// z − fp on a row, as coordinates.
    #[inline(always)]
    pub(super) fn denominator<V: Value>(&self, main: &[V], fixed: &[V]) -> [V; 2] {
        let mut d = [V::from(self.constant[0]), V::from(self.constant[1])];
        for &(c, [a, b]) in &self.terms {
            let x = match c {
                Column::Main(i) => main[i],
                Column::Preprocessed(i) => fixed[i],
            };
            d[0] = d[0] + x * V::from(a);
            d[1] = d[1] + x * V::from(b);
        }
        d
    }

    /// The multiplicity on a row.
    #[inline(always)]
    pub(super) fn multiplicity<V: Value>(&self, main: &[V], fixed: &[V]) -> V {
        self.multiplicity.eval(main, fixed)
    }
}

/// A group's sum of fractions on a row as (denominator, numerator) coordinates: (d_a·d_b,
/// m_a·d_b + m_b·d_a) for a pair, (d_a, m_a) alone.
#[inline(always)]
fn fraction<V: Value>(group: &[Flat], main: &[V], fixed: &[V]) -> ([V; 2], [V; 2]) {
    let da = group[0].denominator(main, fixed);
    let ma = group[0].multiplicity(main, fixed);
    match group.get(1) {
        None => (da, [ma, V::from(Goldilocks::ZERO)]),
        Some(b) => {
            let db = b.denominator(main, fixed);
            let mb = b.multiplicity(main, fixed);
            (
                mul_pair(da, db),
                [ma * db[0] + mb * da[0], ma * db[1] + mb * da[1]],
            )
        }
    }
}

// Functions, not closures: a closure the compiler keeps out of line is built without the
// SIMD kernel's vector instructions.
#[inline(always)]
fn pair(row: &[Packed], j: usize) -> [Packed; 2] {
    [row[2 * j], row[2 * j + 1]]
}

#[inline(always)]
fn add(a: [Packed; 2], b: [Packed; 2]) -> [Packed; 2] {
    [a[0] + b[0], a[1] + b[1]]
}

#[inline(always)]
fn sub(a: [Packed; 2], b: [Packed; 2]) -> [Packed; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

/// [`eval`] in SIMD lanes, for the prover: the same constraints in the same order, on eight
/// points, the auxiliary rows as coordinate pairs of base columns.
#[inline(always)]
pub(super) fn eval_packed(
    flat: &[Flat],
    frame: &Frame<'_, Packed>,
    aux: &[Packed],
    aux_next: &[Packed],
    claimed: Ext,
    out: &mut PackedConstraints,
) {
    if flat.is_empty() {
        return;
    }
    let k = flat.len().div_ceil(GROUP);
    let zero = [Packed::default(); 2];
    for (j, group) in flat.chunks(GROUP).enumerate() {
        let (d, m) = fraction(group, frame.local, frame.preprocessed);
        out.every_row_ext(sub(mul_pair(pair(aux, j), d), m));
    }
    let (s, s_next) = (pair(aux, k), pair(aux_next, k));
    let (mut h, mut h_next) = (zero, zero);
    for j in 0..k {
        h = add(h, pair(aux, j));
        h_next = add(h_next, pair(aux_next, j));
    }
    out.first_row_ext(sub(s, h));
    out.transition_ext(sub(sub(s_next, s), h_next));
    let c = [
        Packed::broadcast(claimed.0[0]),
        Packed::broadcast(claimed.0[1]),
    ];
    out.last_row_ext(sub(s, c));
}

/// The auxiliary trace (row-major, two base columns per extension column) and the claimed
/// sum. `Err(Lookups)` in the negligible event that some z − fp vanishes.
pub(super) fn aux_trace(
    lookups: &[Lookup],
    main: &[Goldilocks],
    width: usize,
    fixed: &[Goldilocks],
    fixed_width: usize,
    ch: &Challenges,
) -> Result<(Vec<Goldilocks>, Ext), ProveError> {
    // Rows in chunks across threads: each chunk computes its pairs' fractions eight rows at a
    // time in SIMD lanes, inverts their denominators' norms in one base-field batch, and
    // keeps its own running sum; the chunks' offsets are added in a second pass.
    const CHUNK: usize = 1 << 12;
    let k = lookups.len().div_ceil(GROUP);
    let n = main.len() / width.max(1);
    let flat: Vec<Flat> = lookups.iter().map(|l| Flat::new(l, ch)).collect();
    let aw = 2 * (k + 1);
    let mut out = carbide_field::par_filled(n * aw, Goldilocks::ZERO);
    let sums = out
        .par_chunks_mut(CHUNK * aw)
        .enumerate()
        .map(|(c, rows)| {
            let (r0, m) = (c * CHUNK, rows.len() / aw);
            let (mut norms, mut scaled) = (
                vec![Goldilocks::ZERO; m * k],
                vec![[Goldilocks::ZERO; 2]; m * k],
            );
            Packed::vectorized(Fractions {
                flat: &flat,
                main: &main[r0 * width..(r0 + m) * width],
                width,
                fixed: &fixed[r0 * fixed_width..(r0 + m) * fixed_width],
                fixed_width,
                norms: &mut norms,
                scaled: &mut scaled,
            });
            if norms.iter().any(|d| d.is_zero()) {
                return Err(ProveError::Lookups);
            }
            Goldilocks::batch_inverse_in_place(&mut norms);
            let mut sum = Ext::ZERO;
            for (r, out) in rows.chunks_exact_mut(aw).enumerate() {
                for j in 0..k {
                    let (inv, [t0, t1]) = (norms[r * k + j], scaled[r * k + j]);
                    let h = Ext::new(t0 * inv, t1 * inv);
                    sum += h;
                    out[2 * j..2 * j + 2].copy_from_slice(&h.0);
                }
                out[2 * k..2 * k + 2].copy_from_slice(&sum.0);
            }
            Ok(sum)
        })
        .collect::<Result<Vec<Ext>, _>>()?;
    let offsets: Vec<Ext> = sums
        .iter()
        .scan(Ext::ZERO, |acc, &s| {
            let before = *acc;
            *acc += s;
            Some(before)
        })
        .collect();
    out.par_chunks_mut(CHUNK * aw)
        .zip(&offsets)
        .for_each(|(rows, &offset)| {
            for row in rows.chunks_exact_mut(aw) {
                let s = Ext::new(row[2 * k], row[2 * k + 1]) + offset;
                row[2 * k..2 * k + 2].copy_from_slice(&s.0);
            }
        });
    Ok((out, sums.iter().copied().sum()))
}

/// Each group's fraction n/d on some rows as n·conj(d) and the norm N(d) = d·conj(d), so
/// that h = n·conj(d)/N(d) needs only base-field inversions: eight rows at a time in SIMD
/// lanes (a kernel: a closure this size is compiled without the vector instructions).
struct Fractions<'a> {
    flat: &'a [Flat],
    main: &'a [Goldilocks],
    width: usize,
    fixed: &'a [Goldilocks],
    fixed_width: usize,
    /// Row-major, a value per row and group.
    norms: &'a mut [Goldilocks],
    scaled: &'a mut [[Goldilocks; 2]],
}

impl Kernel for Fractions<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        const L: usize = <Packed as PackedField>::WIDTH;
        let k = self.flat.len().div_ceil(GROUP);
        let m = self.norms.len() / k.max(1);
        let (w, fw) = (self.width, self.fixed_width);
        let mut local = vec![Packed::default(); w];
        let mut fixed = vec![Packed::default(); fw];
        let wp = Packed::broadcast(W);
        for r0 in (0..m).step_by(L) {
            // Lanes past the last row repeat it; they are not stored.
            let at = |l: usize| (r0 + l).min(m - 1);
            for (c, v) in local.iter_mut().enumerate() {
                *v = Packed::from_fn(|l| self.main[at(l) * w + c]);
            }
            for (c, v) in fixed.iter_mut().enumerate() {
                *v = Packed::from_fn(|l| self.fixed[at(l) * fw + c]);
            }
            for (j, group) in self.flat.chunks(GROUP).enumerate() {
                let ([d0, d1], [n0, n1]) = fraction(group, &local, &fixed);
                let norm = d0 * d0 - wp * d1 * d1;
                let t0 = n0 * d0 - wp * n1 * d1;
                let t1 = n1 * d0 - n0 * d1;
                for l in 0..L.min(m - r0) {
                    let i = (r0 + l) * k + j;
                    self.norms[i] = norm.0[l];
                    self.scaled[i] = [t0.0[l], t1.0[l]];
                }
            }
        }
    }
}

/// Extension values from pairs of base columns.
pub(super) fn ext_pairs(row: &[Goldilocks], out: &mut [Ext]) {
    for (o, p) in out.iter_mut().zip(row.chunks_exact(2)) {
        *o = Ext::new(p[0], p[1]);
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    fn random(rng: &mut ChaCha8Rng) -> Goldilocks {
        Goldilocks::new(rng.r#gen::<u64>())
    }

    fn random_ext(rng: &mut ChaCha8Rng) -> Ext {
        Ext::new(random(rng), random(rng))
    }

    /// Lookups reading random main and preprocessed columns, some twice in one tuple, with
    /// constants and multiplicities of both signs.
    fn lookups(rng: &mut ChaCha8Rng, width: usize, fixed: usize) -> Vec<Lookup> {
        let lc = |rng: &mut ChaCha8Rng, terms: usize| Linear {
            terms: (0..terms)
                .map(|_| {
                    let c = if fixed > 0 && rng.gen_bool(0.3) {
                        Column::Preprocessed(rng.gen_range(0..fixed))
                    } else {
                        Column::Main(rng.gen_range(0..width))
                    };
                    (c, random(rng))
                })
                .collect(),
            constant: random(rng),
        };
        (0..5)
            .map(|i| {
                let values = (0..1 + i).map(|j| lc(rng, j % 3 + 1)).collect();
                let m = lc(rng, 1);
                if i % 2 == 0 {
                    Lookup::send(i as u32, values, m)
                } else {
                    Lookup::receive(i as u32, values, m)
                }
            })
            .collect()
    }

    #[test]
    fn pair_arithmetic_is_the_extension() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let edge = [
            Ext::ZERO,
            Ext::ONE,
            Ext::new(-Goldilocks::ONE, -Goldilocks::ONE),
        ];
        for _ in 0..200 {
            let (a, b) = (random_ext(&mut rng), random_ext(&mut rng));
            for (x, y) in [(a, b), (a, edge[0]), (edge[2], b), (edge[2], edge[2])] {
                assert_eq!(mul_pair(x.0, y.0), (x * y).0);
            }
        }
    }

    /// The prover's flattened denominators and its SIMD constraints against the verifier's
    /// extension-field ones, on random rows.
    #[test]
    fn flat_lookups_match_the_reference() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let (w, pw) = (7, 3);
        for _ in 0..20 {
            let ls = lookups(&mut rng, w, pw);
            let ch = Challenges {
                z: random_ext(&mut rng),
                beta: random_ext(&mut rng),
            };
            let flat: Vec<Flat> = ls.iter().map(|l| Flat::new(l, &ch)).collect();
            let rows: Vec<[Vec<Goldilocks>; 4]> = (0..8)
                .map(|_| {
                    core::array::from_fn(|i| {
                        let n = if i < 2 { w } else { pw };
                        (0..n).map(|_| random(&mut rng)).collect()
                    })
                })
                .collect();
            let aux: Vec<[Vec<Ext>; 2]> = (0..8)
                .map(|_| {
                    core::array::from_fn(|_| {
                        (0..aux_width(ls.len()))
                            .map(|_| random_ext(&mut rng))
                            .collect()
                    })
                })
                .collect();
            let claimed = random_ext(&mut rng);
            let ext = |v: &[Goldilocks]| -> Vec<Ext> { v.iter().map(|&x| Ext::from(x)).collect() };
            let mut want = Vec::new();
            for (r, a) in rows.iter().zip(&aux) {
                let [local, next, fixed, fixed_next] = r.each_ref().map(|v| ext(v));
                for (l, f) in ls.iter().zip(&flat) {
                    let d = f.denominator(&r[0], &r[2]);
                    assert_eq!(Ext::new(d[0], d[1]), denominator(l, &ch, &local, &fixed));
                }
                let frame = Frame {
                    local: &local,
                    next: &next,
                    preprocessed: &fixed,
                    preprocessed_next: &fixed_next,
                };
                let mut c = Constraints::new(ch.beta);
                eval(&ls, &frame, &a[0], &a[1], &ch, claimed, &mut c);
                want.push([c.first, c.last, c.transition, c.every]);
            }
            let pack = |i: usize| -> Vec<Packed> {
                (0..rows[0][i].len())
                    .map(|k| Packed::from_fn(|l| rows[l][i][k]))
                    .collect()
            };
            let pack_aux = |i: usize| -> Vec<Packed> {
                (0..2 * aux_width(ls.len()))
                    .map(|k| Packed::from_fn(|l| aux[l][i][k / 2].0[k % 2]))
                    .collect()
            };
            let [local, next, fixed, fixed_next] = [0, 1, 2, 3].map(pack);
            let frame = Frame {
                local: &local,
                next: &next,
                preprocessed: &fixed,
                preprocessed_next: &fixed_next,
            };
            let mut c = PackedConstraints::new(ch.beta);
            eval_packed(&flat, &frame, &pack_aux(0), &pack_aux(1), claimed, &mut c);
            for (l, w) in want.iter().enumerate() {
                let got: [Ext; 4] =
                    core::array::from_fn(|k| Ext::new(c.sums[k][0].0[l], c.sums[k][1].0[l]));
                assert_eq!(&got, w, "lane {l}");
            }
        }
    }

    /// The auxiliary trace against its definition, computed row by row in the extension:
    /// h = Σ m/(z − fp) over each pair of lookups (the fifth alone), then the running sum;
    /// over more rows than one chunk.
    #[test]
    fn the_aux_trace_is_its_definition() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (w, pw, n) = (5, 2, 3 << 12);
        let ls = lookups(&mut rng, w, pw);
        let ch = Challenges {
            z: random_ext(&mut rng),
            beta: random_ext(&mut rng),
        };
        let main: Vec<Goldilocks> = (0..n * w).map(|_| random(&mut rng)).collect();
        let fixed: Vec<Goldilocks> = (0..n * pw).map(|_| random(&mut rng)).collect();
        let (aux, sum) = aux_trace(&ls, &main, w, &fixed, pw, &ch).unwrap();
        let k = aux_width(ls.len()) - 1;
        assert_eq!(k, 3, "two pairs and one alone");
        let aw = 2 * aux_width(ls.len());
        for r in (0..n).step_by(97).chain([n - 1]) {
            let ext = |v: &[Goldilocks]| -> Vec<Ext> { v.iter().map(|&x| Ext::from(x)).collect() };
            let local = ext(&main[r * w..(r + 1) * w]);
            let fx = ext(&fixed[r * pw..(r + 1) * pw]);
            let row = &aux[r * aw..(r + 1) * aw];
            for (j, pair) in ls.chunks(2).enumerate() {
                let want: Ext = pair
                    .iter()
                    .map(|l| {
                        let d = denominator(l, &ch, &local, &fx);
                        l.multiplicity.eval(&local, &fx) * d.try_inverse().unwrap()
                    })
                    .sum();
                assert_eq!(Ext::new(row[2 * j], row[2 * j + 1]), want, "row {r}");
            }
        }
        // The running sum column against the sum of every h up to each row.
        let mut s = Ext::ZERO;
        for r in 0..n {
            let row = &aux[r * aw..(r + 1) * aw];
            for j in 0..k {
                s += Ext::new(row[2 * j], row[2 * j + 1]);
            }
            assert_eq!(Ext::new(row[2 * k], row[2 * k + 1]), s, "row {r}");
        }
        assert_eq!(sum, s);
    }
}
