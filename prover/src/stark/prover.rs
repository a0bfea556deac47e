//! The prover: generic over the NTT and Merkle backends.

use carbide_field::merkle::{MerkleHasher, MerkleTree};
use carbide_field::{Field, Goldilocks, Kernel, PackedField, TwoAdicField};
use carbide_ntt::Ntt;
use rayon::prelude::*;
use std::borrow::Cow;

use super::air::{Air, Constraints, Ext, Frame, Packed, PackedConstraints, vectorized};
use super::lookup::{self, Challenges};
use super::proof::{Evals, Opening, StarkProof, TableProof};
use super::verifier::{OpenedAt, constraints_at};
use super::{
    DeepWeights, ProveError, Selectors, StarkConfig, check_trace, domain, domain_selectors,
    reverse_bits, start_transcript, table_degree,
};
use crate::fri;
use crate::transcript::{Tag, Transcript};

/// One table to prove: its AIR, its trace (row-major, 2^k rows of `air.width()` columns,
/// k ≥ 1) and its public values.
#[derive(Clone, Copy)]
pub struct Table<'a> {
    /// The AIR.
    pub air: &'a dyn Air,
    /// The trace.
    pub trace: &'a [Goldilocks],
    /// The public values.
    pub public: &'a [Goldilocks],
}

/// What the prover is about to do, for progress displays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Extending and committing the traces (and preprocessed columns).
    Commit,
    /// Building and committing the lookups' auxiliary columns.
    Lookups,
    /// Evaluating, interpolating and committing the quotients.
    Quotient,
    /// Opening every column at the out-of-domain points.
    Openings,
    /// FRI on the DEEP combinations, grinding and the queries.
    Fri,
}

impl Stage {
    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Commit => "commit traces",
            Self::Lookups => "lookups",
            Self::Quotient => "quotient",
            Self::Openings => "out-of-domain openings",
            Self::Fri => "FRI and queries",
        }
    }
}

/// A committed matrix: its extension (rows in bit-reversed order, the tree's leaves), what
/// it is opened at ζ from, and its tree.
struct Matrix<'a> {
    width: usize,
    rows: Vec<Goldilocks>,
    basis: Basis<'a>,
    tree: MerkleTree,
    /// Whether the constraints read its next row (opened at ζω too).
    next: bool,
}

/// What a matrix is opened from: its values on the trace domain (natural order, through
/// barycentric weights: the traces are kept anyway, so no copy of their coefficients is),
/// or its coefficients (the quotient's chunks).
enum Basis<'a> {
    Values(Cow<'a, [Goldilocks]>),
    Coeffs(Vec<Goldilocks>),
}

impl Matrix<'_> {
    fn row(&self, position: usize) -> &[Goldilocks] {
        &self.rows[position * self.width..(position + 1) * self.width]
    }
}

/// What a prover needs of its backends and configuration.
struct Ctx<'a> {
    config: &'a StarkConfig,
    ntt: &'a dyn Ntt<Goldilocks>,
    merkle: &'a dyn MerkleHasher,
}

impl Ctx<'_> {
    /// Commits an extension (rows in bit-reversed order).
    fn commit<'a>(
        &self,
        rows: Vec<Goldilocks>,
        width: usize,
        basis: Basis<'a>,
        next: bool,
    ) -> Result<Matrix<'a>, ProveError> {
        let big = rows.len() / width;
        let cap = self
            .config
            .fri
            .cap_height
            .min(big.trailing_zeros() as usize);
        let tree = self.merkle.commit(&rows, width, cap)?;
        Ok(Matrix {
            width,
            rows,
            basis,
            tree,
            next,
        })
    }

    /// Commits the polynomials with these coefficients (n rows of `width`), not read at the
    /// next row.
    fn commit_coeffs(
        &self,
        coeffs: Vec<Goldilocks>,
        width: usize,
    ) -> Result<Matrix<'static>, ProveError> {
        const CHUNK: usize = 1 << 14;
        let len = coeffs.len() << self.config.fri.log_blowup;
        let mut rows = carbide_field::par_filled(len, Goldilocks::ZERO);
        rows[..coeffs.len()]
            .par_chunks_mut(CHUNK)
            .zip(coeffs.par_chunks(CHUNK))
            .for_each(|(o, c)| o.copy_from_slice(c));
        self.ntt
            .coset_ntt_batch_bitrev_output(&mut rows, width, Goldilocks::coset_shift())?;
        self.commit(rows, width, Basis::Coeffs(coeffs), false)
    }

    /// Commits the columns with these values on the trace domain.
    fn commit_values<'a>(
        &self,
        values: impl Into<Cow<'a, [Goldilocks]>>,
        width: usize,
    ) -> Result<Matrix<'a>, ProveError> {
        let values = values.into();
        let rows = self.ntt.coset_lde_batch_bitrev_output(
            &values,
            width,
            self.config.fri.log_blowup as usize,
            Goldilocks::coset_shift(),
        )?;
        self.commit(rows, width, Basis::Values(values), true)
    }
}

/// Proves that `trace` satisfies `air` with `public` (one table), on the given backends.
pub fn prove(
    air: &dyn Air,
    config: &StarkConfig,
    trace: &[Goldilocks],
    public: &[Goldilocks],
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
) -> Result<StarkProof, ProveError> {
    let table = Table { air, trace, public };
    prove_inner(
        &[table],
        config,
        ntt,
        merkle,
        &mut |_| {},
        true,
        TRACE_CHECK,
    )
}

/// Proves several tables at once (their lookups must balance), on the given backends.
pub fn prove_tables(
    tables: &[Table<'_>],
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
) -> Result<StarkProof, ProveError> {
    prove_inner(tables, config, ntt, merkle, &mut |_| {}, true, TRACE_CHECK)
}

/// [`prove_tables`] without the prover's own checks: a cheating prover that answers for any
/// traces, for tests that the verifier rejects what it produces. Never use it to prove.
#[doc(hidden)]
pub fn prove_tables_unchecked(
    tables: &[Table<'_>],
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
) -> Result<StarkProof, ProveError> {
    prove_inner(tables, config, ntt, merkle, &mut |_| {}, false, false)
}

/// [`prove_tables`], calling `progress` as each stage starts.
pub fn prove_tables_with(
    tables: &[Table<'_>],
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    progress: &mut dyn FnMut(Stage),
) -> Result<StarkProof, ProveError> {
    prove_inner(tables, config, ntt, merkle, progress, true, TRACE_CHECK)
}

/// Whether the honest prover checks the trace row by row first (naming the failing row):
/// in debug builds. Every build checks the constraints at ζ on its openings.
const TRACE_CHECK: bool = cfg!(debug_assertions);

/// A table's shape, checked: rows, preprocessed columns, lookups.
struct Checked<'a> {
    table: Table<'a>,
    log_n: u32,
    fixed: Vec<Goldilocks>,
    lookups: Vec<super::Lookup>,
}

fn check_table<'a>(
    t: Table<'a>,
    config: &StarkConfig,
    trace_check: bool,
) -> Result<Checked<'a>, ProveError> {
    let (air, w) = (t.air, t.air.width());
    let shape = |s: String| Err(ProveError::Shape(format!("table {}: {s}", air.name())));
    if w == 0
        || !t.trace.len().is_multiple_of(w)
        || !(t.trace.len() / w).is_power_of_two()
        || t.trace.len() / w < 2
    {
        return shape(format!("{} values for {w} columns", t.trace.len()));
    }
    if t.public.len() != air.num_public_values() {
        return shape(format!(
            "{} public values, the AIR takes {}",
            t.public.len(),
            air.num_public_values()
        ));
    }
    let n = t.trace.len() / w;
    let log_n = n.trailing_zeros();
    if (log_n + config.fri.log_blowup) as usize > Goldilocks::TWO_ADICITY {
        return shape(format!("2^{log_n} rows are too many for the field"));
    }
    let pw = air.preprocessed_width();
    let Some(fixed) = air.preprocessed(log_n).filter(|f| f.len() == n * pw) else {
        return shape(format!("no preprocessed columns for 2^{log_n} rows"));
    };
    let lookups = air.lookups();
    if !lookups.iter().all(|l| l.fits(w, pw)) {
        return shape("a lookup reads a column the AIR does not have".into());
    }
    let d = table_degree(air, lookups.len());
    if 1usize << config.fri.log_blowup < d {
        return Err(ProveError::Config(format!(
            "blowup 2^{} is below the constraint degree {d} of {}",
            config.fri.log_blowup,
            air.name()
        )));
    }
    if trace_check {
        check_trace(air, t.trace, t.public)?;
    }
    Ok(Checked {
        table: t,
        log_n,
        fixed,
        lookups,
    })
}

/// What a table has committed so far.
struct Committed<'a> {
    fixed: Option<Matrix<'a>>,
    main: Matrix<'a>,
    aux: Option<(Matrix<'a>, Ext)>,
    quotient: Option<Matrix<'a>>,
}

impl<'a> Committed<'a> {
    fn matrices(&self) -> Vec<&Matrix<'a>> {
        let mut m: Vec<&Matrix<'a>> = self.fixed.iter().collect();
        m.push(&self.main);
        m.extend(self.aux.as_ref().map(|(a, _)| a));
        m.extend(self.quotient.as_ref());
        m
    }
}

/// The prover, with its own checks optional: without them, a cheating prover that answers
/// for any trace (for the verifier's tests); `trace_check` adds the row-by-row check first
/// ([`TRACE_CHECK`]).
pub(super) fn prove_inner(
    tables: &[Table<'_>],
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    progress: &mut dyn FnMut(Stage),
    honest: bool,
    trace_check: bool,
) -> Result<StarkProof, ProveError> {
    config.fri.check()?;
    if config.security_bits() < config.min_security_bits {
        return Err(ProveError::Config(format!(
            "{} bits, below the minimum {}",
            config.security_bits(),
            config.min_security_bits
        )));
    }
    if merkle.hash() != config.fri.hash {
        return Err(ProveError::Config(format!(
            "the Merkle backend hashes with {}, the configuration says {}",
            merkle.hash().name(),
            config.fri.hash.name()
        )));
    }
    if tables.is_empty() {
        return Err(ProveError::Shape("no tables".into()));
    }
    let checked: Vec<Checked<'_>> = tables
        .iter()
        .map(|&t| check_table(t, config, trace_check))
        .collect::<Result<_, _>>()?;
    let ctx = Ctx {
        config,
        ntt,
        merkle,
    };
    let meta: Vec<_> = checked
        .iter()
        .map(|c| (c.table.air, c.log_n, c.table.public))
        .collect();
    let mut t = start_transcript(config, &meta);

    progress(Stage::Commit);
    let mut committed = Vec::with_capacity(checked.len());
    for c in &checked {
        let pw = c.table.air.preprocessed_width();
        let fixed = if pw > 0 {
            let m = ctx.commit_values(&c.fixed[..], pw)?;
            t.absorb_digests(Tag::Commitment, m.tree.cap());
            Some(m)
        } else {
            None
        };
        let main = ctx.commit_values(c.table.trace, c.table.air.width())?;
        t.absorb_digests(Tag::Commitment, main.tree.cap());
        committed.push(Committed {
            fixed,
            main,
            aux: None,
            quotient: None,
        });
    }

    let challenges = if checked.iter().any(|c| !c.lookups.is_empty()) {
        progress(Stage::Lookups);
        let ch = Challenges {
            z: t.challenge_ext(),
            beta: t.challenge_ext(),
        };
        let mut total = Ext::ZERO;
        for (c, com) in checked.iter().zip(&mut committed) {
            if c.lookups.is_empty() {
                continue;
            }
            let air = c.table.air;
            let (aux, sum) = lookup::aux_trace(
                &c.lookups,
                c.table.trace,
                air.width(),
                &c.fixed,
                air.preprocessed_width(),
                &ch,
            )?;
            let m = ctx.commit_values(aux, 2 * lookup::aux_width(c.lookups.len()))?;
            t.absorb_digests(Tag::Commitment, m.tree.cap());
            t.absorb_ext(Tag::Evaluations, &[sum]);
            total += sum;
            com.aux = Some((m, sum));
        }
        if honest && !total.is_zero() {
            return Err(ProveError::Lookups);
        }
        Some(ch)
    } else {
        None
    };

    progress(Stage::Quotient);
    let alpha = t.challenge_ext();
    for (c, com) in checked.iter().zip(&mut committed) {
        let q = quotient(&ctx, c, com, alpha, challenges.as_ref(), honest)?;
        t.absorb_digests(Tag::Commitment, q.tree.cap());
        com.quotient = Some(q);
    }

    progress(Stage::Openings);
    let zeta = t.challenge_ext();
    let mut all_evals = Vec::with_capacity(checked.len());
    let mut weights = std::collections::HashMap::new();
    for (c, com) in checked.iter().zip(&committed) {
        let w = match weights.entry(c.log_n) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(OpeningWeights::new(c.log_n, zeta)?)
            }
        };
        let w = &*w;
        let evals: Vec<Evals> = com
            .matrices()
            .iter()
            .map(|m| {
                let mut at = match &m.basis {
                    Basis::Values(v) if m.next => evaluate(v, m.width, &[&w.at_zeta, &w.at_next]),
                    Basis::Values(v) => evaluate(v, m.width, &[&w.at_zeta]),
                    Basis::Coeffs(c) => evaluate(c, m.width, &[&w.powers]),
                }
                .into_iter();
                Evals {
                    local: at.next().unwrap_or_default(),
                    next: at.next().unwrap_or_default(),
                }
            })
            .collect();
        for e in &evals {
            t.absorb_ext(Tag::Evaluations, &e.local);
            t.absorb_ext(Tag::Evaluations, &e.next);
        }
        if honest {
            // The verifier's check at ζ on these openings: it fails (but for a negligible
            // chance) exactly when some constraint fails on the trace.
            let f = usize::from(com.fixed.is_some());
            let at = OpenedAt {
                fixed: com.fixed.as_ref().map(|_| &evals[0]),
                main: &evals[f],
                aux: com.aux.as_ref().map(|(_, sum)| (&evals[f + 1], *sum)),
                quotient: &evals[evals.len() - 1].local,
            };
            let ch = challenges.as_ref().unwrap_or(&NO_CHALLENGES);
            constraints_at(c.table.air, c.table.public, c.log_n, &at, alpha, zeta, ch)
                .map_err(|_| ProveError::Unsatisfied(None))?;
        }
        all_evals.push(evals);
    }

    // Every table's FRI commit phase, one proof of work for all their queries (a cheater
    // redrawing any table's positions pays for a new nonce), then the query phases.
    progress(Stage::Fri);
    let mut fris = Vec::with_capacity(checked.len());
    let mut inverses = Inverses::new();
    for ((c, com), evals) in checked.iter().zip(&committed).zip(&all_evals) {
        fris.push(deep_fri(
            config,
            c.log_n,
            com,
            evals,
            zeta,
            &mut inverses,
            &mut t,
            merkle,
            honest,
        )?);
    }
    drop(inverses);
    let pow_nonce = fri::grind(&config.fri, &mut t, merkle)?;
    let mut parts = Vec::with_capacity(checked.len());
    for (((c, com), evals), f) in checked.iter().zip(&committed).zip(all_evals).zip(fris) {
        parts.push(open_table(config, c.log_n, com, evals, f, &mut t)?);
    }
    // Freed across threads: returning the extensions and trees to the system (about a GiB
    // for a 2^18-cycle zkVM segment) takes the kernel a while per page.
    committed.into_par_iter().for_each(drop);
    Ok(StarkProof {
        tables: parts,
        pow_nonce,
    })
}

/// The table's quotient: the folded constraints over the vanishing polynomial on the
/// extension domain, interpolated, split into `degree` chunks of n coefficients, committed.
fn quotient(
    ctx: &Ctx<'_>,
    c: &Checked<'_>,
    com: &Committed<'_>,
    alpha: Ext,
    challenges: Option<&Challenges>,
    honest: bool,
) -> Result<Matrix<'static>, ProveError> {
    let air = c.table.air;
    let (log_n, log_blowup) = (c.log_n, ctx.config.fri.log_blowup);
    let (n, blowup) = (1usize << log_n, 1usize << log_blowup);
    let log_big = log_n + log_blowup;
    let big = n << log_blowup;
    let shift = Goldilocks::coset_shift();
    let w_big = Goldilocks::two_adic_generator(log_big as usize)
        .map_err(|e| ProveError::Config(e.to_string()))?;
    let w_last = w_big
        .exp_power_of_2(log_blowup as usize)
        .exp_u64(n as u64 - 1);
    // Points are visited in the rows' (bit-reversed) order, so the eight rows of a SIMD pass
    // sit together in memory; the values are put back in natural order before interpolating.
    let xs = domain(shift, w_big, big);
    let natural = domain_selectors(&xs, n, blowup, w_last);
    drop(xs);
    let selectors: Vec<Selectors<Goldilocks>> = (0..big)
        .into_par_iter()
        .map(|p| natural[reverse_bits(p, log_big)])
        .collect();
    drop(natural);
    let (w, pw) = (air.width(), air.preprocessed_width());
    let k = c.lookups.len();
    let aw = lookup::aux_width(k);
    let (aux_matrix, claimed) = match &com.aux {
        Some((m, s)) => (Some(m), *s),
        None => (None, Ext::ZERO),
    };
    let ch = challenges.unwrap_or(&NO_CHALLENGES);
    let public = c.table.public;
    // One point in the extension field (an AIR without the SIMD path): the AIR's
    // constraints, then the lookups'.
    let ext_point = |scratch: &mut ExtScratch, p: usize| -> Ext {
        let q = reverse_bits((reverse_bits(p, log_big) + blowup) % big, log_big);
        let ExtScratch {
            main,
            fixed,
            aux,
            cons,
        } = scratch;
        ext_row(&com.main, p, &mut main[0]);
        ext_row(&com.main, q, &mut main[1]);
        if let Some(f) = &com.fixed {
            ext_row(f, p, &mut fixed[0]);
            ext_row(f, q, &mut fixed[1]);
        }
        if let Some(a) = aux_matrix {
            lookup::ext_pairs(a.row(p), &mut aux[0]);
            lookup::ext_pairs(a.row(q), &mut aux[1]);
        }
        let frame = Frame {
            local: &main[0],
            next: &main[1],
            preprocessed: &fixed[0],
            preprocessed_next: &fixed[1],
        };
        cons.reset();
        air.eval(&frame, public, cons);
        lookup::eval(&c.lookups, &frame, &aux[0], &aux[1], ch, claimed, cons);
        selectors[p].combine(cons)
    };
    let scratch = || ExtScratch {
        main: [vec![Ext::ZERO; w], vec![Ext::ZERO; w]],
        fixed: [vec![Ext::ZERO; pw], vec![Ext::ZERO; pw]],
        aux: [vec![Ext::ZERO; aw], vec![Ext::ZERO; aw]],
        cons: Constraints::new(alpha),
    };
    const L: usize = <Packed as PackedField>::WIDTH;
    let mut probe = PackedConstraints::new(alpha);
    let zeros = (vec![Packed::default(); w], vec![Packed::default(); pw]);
    let packed = big.is_multiple_of(L)
        && air.eval_packed(
            &Frame {
                local: &zeros.0,
                next: &zeros.0,
                preprocessed: &zeros.1,
                preprocessed_next: &zeros.1,
            },
            public,
            &mut probe,
        );
    // The values in natural order, as coordinate pairs.
    let mut q = carbide_field::par_filled(2 * big, Goldilocks::ZERO);
    let natural = |q: &mut [Goldilocks], at: &(dyn Fn(usize) -> Ext + Sync)| {
        q.par_chunks_mut(2)
            .enumerate()
            .for_each(|(i, o)| o.copy_from_slice(&at(reverse_bits(i, log_big)).0));
    };
    if packed {
        // Eight points at a time in SIMD lanes, the lookups' extension-valued constraints as
        // coordinate pairs of base values.
        let flat: Vec<lookup::Flat> = c.lookups.iter().map(|l| lookup::Flat::new(l, ch)).collect();
        let packs = |width: usize| {
            [
                vec![Packed::default(); width],
                vec![Packed::default(); width],
            ]
        };
        let values = (0..big / L)
            .into_par_iter()
            .map_init(
                || {
                    (
                        packs(w),
                        packs(pw),
                        packs(2 * aw),
                        PackedConstraints::new(alpha),
                    )
                },
                |([local, next], [pl, pn], [al, an], cons), chunk| {
                    let i0 = chunk * L;
                    let ps: [usize; L] = core::array::from_fn(|l| i0 + l);
                    let qs: [usize; L] = core::array::from_fn(|l| {
                        reverse_bits((reverse_bits(i0 + l, log_big) + blowup) % big, log_big)
                    });
                    let rows = [
                        (Some(&com.main), &ps, &mut local[..]),
                        (Some(&com.main), &qs, &mut next[..]),
                        (com.fixed.as_ref(), &ps, &mut pl[..]),
                        (com.fixed.as_ref(), &qs, &mut pn[..]),
                        (aux_matrix, &ps, &mut al[..]),
                        (aux_matrix, &qs, &mut an[..]),
                    ];
                    Packed::vectorized(Gather(rows));
                    cons.reset();
                    let frame = Frame {
                        local,
                        next,
                        preprocessed: pl,
                        preprocessed_next: pn,
                    };
                    air.eval_packed(&frame, public, cons);
                    Packed::vectorized(LookupKernel {
                        flat: &flat,
                        frame: &frame,
                        aux: al,
                        aux_next: an,
                        claimed,
                        out: cons,
                    });
                    let (re, im) =
                        vectorized(|| combine_packed(&cons.sums, &selectors[i0..i0 + L]));
                    core::array::from_fn(|l| Ext::new(re[l], im[l]))
                },
            )
            .collect::<Vec<[Ext; L]>>();
        natural(&mut q, &|p| values[p / L][p % L]);
    } else {
        let values: Vec<Ext> = (0..big)
            .into_par_iter()
            .map_init(scratch, ext_point)
            .collect();
        natural(&mut q, &|p| values[p]);
    }
    let d = table_degree(air, k);
    ctx.ntt.coset_intt_batch(&mut q, 2, shift)?;
    if honest && q[2 * d * n..].iter().any(|c| !c.is_zero()) {
        return Err(ProveError::Unsatisfied(None));
    }
    let qw = 2 * d;
    let mut chunks = carbide_field::par_filled(n * qw, Goldilocks::ZERO);
    chunks.par_chunks_mut(qw).enumerate().for_each(|(r, row)| {
        for j in 0..d {
            row[2 * j..2 * j + 2].copy_from_slice(&q[2 * (j * n + r)..2 * (j * n + r) + 2]);
        }
    });
    ctx.commit_coeffs(chunks, qw)
}

/// The challenges of a statement without lookups (no constraint reads them).
const NO_CHALLENGES: Challenges = Challenges {
    z: Ext::ZERO,
    beta: Ext::ZERO,
};

/// Rows `ps` of matrices, column by column in SIMD lanes (a kernel: a closure this size is
/// compiled on its own, without the vector instructions).
struct Gather<'a, const K: usize>([(Option<&'a Matrix<'a>>, &'a [usize; 8], &'a mut [Packed]); K]);

impl<const K: usize> Kernel for Gather<'_, K> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        for (m, ps, out) in self.0 {
            let Some(m) = m else { continue };
            let rows = ps.map(|p| &m.rows[p * m.width..(p + 1) * m.width]);
            Packed::transpose_rows(rows, out);
        }
    }
}

/// Extension elements as their coordinates.
type Coords = Vec<[Goldilocks; 2]>;

/// Σ γ^e·v at eight consecutive positions, over every column at ζ and at ζω, as
/// coordinate pairs in SIMD lanes (a kernel, see [`Gather`]). The weights at ζω are s times
/// those at ζ ([`DeepWeights::next_scale`]), so one sum over the matrices opened there,
/// times s, is the sum at ζω.
struct DeepSums<'a> {
    mats: &'a [&'a Matrix<'a>],
    /// Per matrix, the weights at ζ.
    weights: &'a [Coords],
    scale: [Goldilocks; 2],
    p0: usize,
}

impl Kernel for DeepSums<'_> {
    type Output = ([Packed; 2], [Packed; 2]);

    #[inline(always)]
    fn run(self) -> Self::Output {
        const L: usize = <Packed as PackedField>::WIDTH;
        // Columns turned into lanes a block at a time.
        const BLOCK: usize = 16;
        let mut sums = [[Packed::default(); 2]; 2];
        let mut columns = [Packed::default(); BLOCK];
        for (m, at_zeta) in self.mats.iter().zip(self.weights) {
            let rows = &m.rows[self.p0 * m.width..(self.p0 + L) * m.width];
            let acc = &mut sums[usize::from(m.next)];
            for (e0, ws) in (0..).step_by(BLOCK).zip(at_zeta.chunks(BLOCK)) {
                let block = &mut columns[..ws.len()];
                let rows = core::array::from_fn(|l| &rows[l * m.width + e0..(l + 1) * m.width]);
                Packed::transpose_rows(rows, block);
                for (v, w) in block.iter().zip(ws) {
                    acc[0] = acc[0] + *v * Packed::broadcast(w[0]);
                    acc[1] = acc[1] + *v * Packed::broadcast(w[1]);
                }
            }
        }
        let [rest, next] = sums;
        let scale = self.scale.map(Packed::broadcast);
        (
            [rest[0] + next[0], rest[1] + next[1]],
            lookup::mul_pair(next, scale),
        )
    }
}

/// The lookups' constraints on eight points, as a kernel (see [`Gather`]).
struct LookupKernel<'a, 'b> {
    flat: &'a [lookup::Flat],
    frame: &'a Frame<'b, Packed>,
    aux: &'a [Packed],
    aux_next: &'a [Packed],
    claimed: Ext,
    out: &'a mut PackedConstraints,
}

impl Kernel for LookupKernel<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        lookup::eval_packed(
            self.flat,
            self.frame,
            self.aux,
            self.aux_next,
            self.claimed,
            self.out,
        );
    }
}

/// The quotient's two coordinates at eight points from the packed folds and the points'
/// selectors: first·sel₁ + last·sel₂ + (transition·sel₃ + every)/Z_H.
#[inline(always)]
fn combine_packed(
    sums: &[[Packed; 2]; 4],
    selectors: &[Selectors<Goldilocks>],
) -> ([Goldilocks; 8], [Goldilocks; 8]) {
    let sf = Packed::from_fn(|l| selectors[l].first);
    let sl = Packed::from_fn(|l| selectors[l].last);
    let st = Packed::from_fn(|l| selectors[l].transition);
    let zh = Packed::from_fn(|l| selectors[l].zh_inv);
    let [f, la, t, e] = sums;
    // Written out, not a closure: one kept out of line would lose the vector instructions.
    let re = f[0] * sf + la[0] * sl + (t[0] * st + e[0]) * zh;
    let im = f[1] * sf + la[1] * sl + (t[1] * st + e[1]) * zh;
    (re.0, im.0)
}

/// Rows of the extension as extension values, and a constraint fold, per thread.
struct ExtScratch {
    main: [Vec<Ext>; 2],
    fixed: [Vec<Ext>; 2],
    aux: [Vec<Ext>; 2],
    cons: Constraints,
}

fn ext_row(m: &Matrix<'_>, p: usize, out: &mut [Ext]) {
    for (o, &v) in out.iter_mut().zip(m.row(p)) {
        *o = Ext::from(v);
    }
}

/// Σ_r w_r·row_r for every column of a row-major matrix, for one or more weight vectors
/// in one pass (rows split across threads; the columns in SIMD lanes, eight at a time).
fn evaluate(rows: &[Goldilocks], width: usize, weights: &[&[Ext]]) -> Vec<Vec<Ext>> {
    const ROWS: usize = 1 << 11;
    const L: usize = <Packed as PackedField>::WIDTH;
    let groups = width.div_ceil(L);
    let sums = rows
        .par_chunks(ROWS * width)
        .enumerate()
        .map(|(c, rows)| {
            let n = rows.len() / width;
            let weights: Vec<&[Ext]> = weights.iter().map(|w| &w[c * ROWS..c * ROWS + n]).collect();
            Packed::vectorized(Dot {
                rows,
                width,
                groups,
                weights: &weights,
            })
        })
        .reduce(
            || vec![[Packed::default(); 2]; groups * weights.len()],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x = [x[0] + y[0], x[1] + y[1]];
                }
                a
            },
        );
    sums.chunks_exact(groups)
        .map(|acc| {
            (0..width)
                .map(|k| Ext::new(acc[k / L][0].0[k % L], acc[k / L][1].0[k % L]))
                .collect()
        })
        .collect()
}

/// Σ_r w_r·row_r over some rows, for every weight vector, the columns in lanes (a kernel,
/// see [`Gather`]).
struct Dot<'a> {
    rows: &'a [Goldilocks],
    width: usize,
    groups: usize,
    weights: &'a [&'a [Ext]],
}

impl Kernel for Dot<'_> {
    type Output = Vec<[Packed; 2]>;

    #[inline(always)]
    fn run(self) -> Self::Output {
        const L: usize = <Packed as PackedField>::WIDTH;
        let Self {
            rows,
            width,
            groups,
            weights,
        } = self;
        let mut acc = vec![[Packed::default(); 2]; groups * weights.len()];
        for (r, row) in rows.chunks_exact(width).enumerate() {
            for (j, w) in weights.iter().enumerate() {
                let (re, im) = (Packed::broadcast(w[r].0[0]), Packed::broadcast(w[r].0[1]));
                for (g, a) in acc[j * groups..(j + 1) * groups].iter_mut().enumerate() {
                    let v = Packed::from_fn(|l| row.get(g * L + l).copied().unwrap_or_default());
                    a[0] = a[0] + v * re;
                    a[1] = a[1] + v * im;
                }
            }
        }
        acc
    }
}

/// The weights that open a matrix of n rows at ζ and ζω: from values on the trace domain,
/// the barycentric ones, L_i(ζ) = (ζⁿ − 1)/n · ω^i/(ζ − ω^i), and L_i(ζω) = L_(i−1)(ζ)
/// ((ζω)ⁿ = ζⁿ); from coefficients, ζ's powers.
struct OpeningWeights {
    at_zeta: Vec<Ext>,
    at_next: Vec<Ext>,
    powers: Vec<Ext>,
}

impl OpeningWeights {
    fn new(log_n: u32, zeta: Ext) -> Result<Self, ProveError> {
        const CHUNK: usize = 1 << 12;
        let n = 1usize << log_n;
        let w = Goldilocks::two_adic_generator(log_n as usize)
            .map_err(|e| ProveError::Config(e.to_string()))?;
        let vanishing = zeta.exp_u64(n as u64) - Ext::ONE;
        if vanishing.is_zero() {
            // Probability n/|extension|; the verifier would refuse such a proof too.
            return Err(ProveError::Config(
                "the out-of-domain point fell on the trace domain".into(),
            ));
        }
        let xs = domain(Goldilocks::ONE, w, n);
        let inv = inverse_differences(n, |i| xs[i], zeta);
        let n_inv = Goldilocks::new(n as u64)
            .try_inverse()
            .ok_or_else(|| ProveError::Config(format!("2^{log_n} rows")))?;
        let scale = vanishing * Ext::from(n_inv);
        // ω^i/(ζ − ω^i) = −ω^i/(ω^i − ζ).
        let at_zeta: Vec<Ext> = (0..n)
            .into_par_iter()
            .map(|i| -(inv[i] * Ext::from(xs[i])) * scale)
            .collect();
        let mut at_next = at_zeta.clone();
        at_next.rotate_right(1);
        let mut powers = carbide_field::par_filled(n, Ext::ZERO);
        powers
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, out)| {
                let mut x = zeta.exp_u64((c * CHUNK) as u64);
                for o in out {
                    *o = x;
                    x *= zeta;
                }
            });
        Ok(Self {
            at_zeta,
            at_next,
            powers,
        })
    }
}

/// The table's DEEP codeword through FRI's commit phase.
#[allow(clippy::too_many_arguments)]
fn deep_fri(
    config: &StarkConfig,
    log_n: u32,
    com: &Committed<'_>,
    evals: &[Evals],
    zeta: Ext,
    inverses: &mut Inverses,
    t: &mut Transcript,
    merkle: &dyn MerkleHasher,
    honest: bool,
) -> Result<fri::Committed, ProveError> {
    let log_big = log_n + config.fri.log_blowup;
    let big = 1usize << log_big;
    let shift = Goldilocks::coset_shift();
    let w_big = Goldilocks::two_adic_generator(log_big as usize)
        .map_err(|e| ProveError::Config(e.to_string()))?;
    let w_n = w_big.exp_power_of_2(config.fri.log_blowup as usize);
    let zeta_next = zeta * Ext::from(w_n);
    let mats = com.matrices();
    let gamma = t.challenge_ext();
    let widths: Vec<usize> = mats.iter().map(|m| m.width).collect();
    let next: Vec<bool> = mats.iter().map(|m| m.next).collect();
    let weights = DeepWeights::new(gamma, &widths, &next);
    let claims = weights.claims(evals);
    let (inv1, inv2) = match inverses.get(&log_big) {
        Some(inv) => (&inv.0, &inv.1),
        None => {
            let fresh = (
                inverse_distances(shift, w_big, log_big, zeta),
                inverse_distances(shift, w_big, log_big, zeta_next),
            );
            inverses.insert(log_big, fresh);
            let inv = &inverses[&log_big];
            (&inv.0, &inv.1)
        }
    };
    // Eight positions at a time: the weighted sums in SIMD lanes (the weights' coordinates
    // times base values), then the two divisions per position.
    let packed_weights: Vec<Coords> = weights
        .at_zeta
        .iter()
        .map(|w| w.iter().map(|e| e.0).collect())
        .collect();
    const L: usize = <Packed as PackedField>::WIDTH;
    let codeword: Vec<Ext> = if let Some(scale) = weights.next_scale()
        && big.is_multiple_of(L)
    {
        (0..big / L)
            .into_par_iter()
            .flat_map_iter(|chunk| {
                let p0 = chunk * L;
                let (a, b) = Packed::vectorized(DeepSums {
                    mats: &mats,
                    weights: &packed_weights,
                    scale: scale.0,
                    p0,
                });
                (0..L).map(move |l| {
                    let p = p0 + l;
                    (Ext::new(a[0].0[l], a[1].0[l]) - claims.0) * inv1[p]
                        + (Ext::new(b[0].0[l], b[1].0[l]) - claims.1) * inv2[p]
                })
            })
            .collect()
    } else {
        (0..big)
            .into_par_iter()
            .map_init(
                || Vec::with_capacity(mats.len()),
                |rows, p| {
                    rows.clear();
                    rows.extend(mats.iter().map(|m| m.row(p)));
                    weights.value(rows, claims, inv1[p], inv2[p])
                },
            )
            .collect()
    };
    Ok(fri::commit(
        &config.fri,
        shift,
        log_n,
        codeword,
        t,
        merkle,
        honest,
    )?)
}

/// 1/(x − ζ) and 1/(x − ζω_n) over a coset domain (rows' order), by its size: tables of one
/// size share them.
type Inverses = std::collections::HashMap<u32, (Vec<Ext>, Vec<Ext>)>;

/// 1/(x − z) for x = shift·w^reverse_bits(p) at every position p of a domain of 2^log_big
/// points.
fn inverse_distances(shift: Goldilocks, w: Goldilocks, log_big: u32, z: Ext) -> Vec<Ext> {
    let big = 1usize << log_big;
    let xs = domain(shift, w, big);
    inverse_differences(big, |p| xs[reverse_bits(p, log_big)], z)
}

/// 1/(x_p − z) for p < len, through the norm: (a − bu)/(a² − W·b²) for x − z = a + bu, so
/// the batch inversion runs in the base field.
fn inverse_differences(len: usize, x: impl Fn(usize) -> Goldilocks + Sync, z: Ext) -> Vec<Ext> {
    let b = -z.0[1];
    let wb2 = Ext::new(Goldilocks::ZERO, b).square().0[0];
    let a = |p: usize| x(p) - z.0[0];
    let norms: Vec<Goldilocks> = (0..len)
        .into_par_iter()
        .map(|p| a(p).square() - wb2)
        .collect();
    let inv = carbide_field::par_batch_inverse(&norms);
    (0..len)
        .into_par_iter()
        .map(|p| Ext::new(a(p) * inv[p], -b * inv[p]))
        .collect()
}

/// FRI's query phase on the table's codeword, and the openings at its query positions.
fn open_table(
    config: &StarkConfig,
    log_n: u32,
    com: &Committed<'_>,
    evals: Vec<Evals>,
    committed: fri::Committed,
    t: &mut Transcript,
) -> Result<TableProof, ProveError> {
    let mats = com.matrices();
    let (fri_rounds, positions) = fri::open(&config.fri, committed, t)?;
    let queries = positions
        .iter()
        .map(|&p| {
            mats.iter()
                .map(|m| {
                    Ok(Opening {
                        values: m.row(p).to_vec(),
                        path: m.tree.open(p)?,
                    })
                })
                .collect::<Result<Vec<_>, ProveError>>()
        })
        .collect::<Result<_, _>>()?;
    Ok(TableProof {
        log_rows: log_n,
        trace_cap: com.main.tree.cap().to_vec(),
        aux_cap: com
            .aux
            .as_ref()
            .map_or_else(Vec::new, |(m, _)| m.tree.cap().to_vec()),
        lookup_sum: com.aux.as_ref().map_or(Ext::ZERO, |(_, s)| *s),
        quotient_cap: com
            .quotient
            .as_ref()
            .map_or_else(Vec::new, |m| m.tree.cap().to_vec()),
        evals,
        fri: fri_rounds,
        queries,
    })
}

/// The cap of the commitment to preprocessed columns (`fixed`, rows of `width`), computed on
/// the CPU as every backend computes it.
pub(super) fn preprocessed_cap(
    fixed: &[Goldilocks],
    width: usize,
    config: &StarkConfig,
) -> Result<Vec<carbide_field::poseidon::Digest>, ProveError> {
    let ntt = super::verifier::cpu_ntt();
    let ctx = Ctx {
        config,
        ntt: &ntt,
        merkle: config.fri.hash.cpu(),
    };
    Ok(ctx.commit_values(fixed, width)?.tree.cap().to_vec())
}

#[cfg(test)]
mod tests {
    use carbide_field::merkle::CpuMerkle;
    use carbide_ntt::Radix2Dit;

    use super::*;
    use crate::stark::{ByteRangeAir, BytesAir};

    /// A trace breaking a constraint where the quotient's coefficients cannot show it (paired
    /// lookups of degree 3 at blowup 2: the quotient's two chunks fill the extended domain):
    /// without the row-by-row check, as in release builds, the check at ζ refuses it.
    #[test]
    fn a_broken_constraint_is_refused_in_every_build() {
        let config = crate::stark::tests::small_config(1);
        let ntt = Radix2Dit::<Goldilocks>::new();
        let prove = |bytes: &[Goldilocks]| {
            // The multiplicities of what the rows send, so the lookups balance.
            let range = ByteRangeAir::trace(bytes);
            let tables = [
                Table {
                    air: &BytesAir,
                    trace: bytes,
                    public: &[],
                },
                Table {
                    air: &ByteRangeAir,
                    trace: &range,
                    public: &[],
                },
            ];
            prove_inner(&tables, &config, &ntt, &CpuMerkle, &mut |_| {}, true, false)
        };
        let mut bytes = BytesAir::trace(&[1, 200, 7, 7, 0, 255, 9, 3]);
        if let Err(e) = prove(&bytes) {
            panic!("the honest trace: {e}");
        }
        // Row 2 becomes (7, 7): both bytes, but 7 + 7 is not 255.
        bytes[2 * 2 + 1] = Goldilocks::new(7);
        assert!(matches!(prove(&bytes), Err(ProveError::Unsatisfied(None))));
    }

    /// x' = x³ + 1 from the public x₀, to the public last x: degree 3. Its first-row
    /// constraint is x − x₀, or, with `cubic_start`, x³ − x₀³, which needs a third chunk.
    struct CubeAir {
        boundary: usize,
        cubic_start: bool,
    }

    impl crate::stark::GenericAir for CubeAir {
        fn constraints<V: crate::stark::Value, F: crate::stark::Fold<V>>(
            &self,
            f: &crate::stark::Frame<'_, V>,
            public: &[Goldilocks],
            out: &mut F,
        ) {
            let (x, p) = (f.local[0], |i: usize| V::from(public[i]));
            if self.cubic_start {
                out.first_row(x * x * x - p(0) * p(0) * p(0));
            } else {
                out.first_row(x - p(0));
            }
            out.transition(f.next[0] - x * x * x - V::from(Goldilocks::ONE));
            out.last_row(x - p(1));
        }
    }

    impl Air for CubeAir {
        fn name(&self) -> &str {
            "cube"
        }
        fn width(&self) -> usize {
            1
        }
        fn num_public_values(&self) -> usize {
            2
        }
        fn constraint_degree(&self) -> usize {
            3
        }
        fn boundary_degree(&self) -> usize {
            self.boundary
        }
        crate::generic_evals!();
    }

    /// A degree-3 AIR with linear boundary constraints proves at blowup 2 (two quotient
    /// chunks) once it says so; one that says so with a cubic boundary constraint is refused
    /// by the prover, and its proof made without the prover's checks is rejected.
    #[test]
    fn low_degree_boundaries_save_a_chunk_and_cannot_be_claimed_falsely() {
        let config = crate::stark::tests::small_config(1);
        let ntt = Radix2Dit::<Goldilocks>::new();
        let mut trace = vec![Goldilocks::new(3)];
        for _ in 1..64 {
            let x = trace[trace.len() - 1];
            trace.push(x * x * x + Goldilocks::ONE);
        }
        let public = [trace[0], trace[63]];
        let prove = |air: &CubeAir, checked: bool| {
            let tables = [Table {
                air,
                trace: &trace,
                public: &public,
            }];
            prove_inner(
                &tables,
                &config,
                &ntt,
                &CpuMerkle,
                &mut |_| {},
                checked,
                false,
            )
        };
        let verify = |air: &CubeAir, proof: &StarkProof| {
            crate::stark::verify_tables(&[(air as &dyn Air, &public[..])], &config, proof)
        };
        let cautious = CubeAir {
            boundary: 3,
            cubic_start: false,
        };
        assert!(matches!(prove(&cautious, true), Err(ProveError::Config(_))));
        let linear = CubeAir {
            boundary: 1,
            cubic_start: false,
        };
        let proof = prove(&linear, true).unwrap();
        verify(&linear, &proof).unwrap();
        let false_claim = CubeAir {
            boundary: 1,
            cubic_start: true,
        };
        assert!(matches!(
            prove(&false_claim, true),
            Err(ProveError::Unsatisfied(None))
        ));
        let forged = prove(&false_claim, false).unwrap();
        assert!(verify(&false_claim, &forged).is_err());
        // Declared as it is, the cubic start needs blowup 4.
        let honest = CubeAir {
            boundary: 3,
            cubic_start: true,
        };
        let config4 = crate::stark::tests::small_config(2);
        let tables = [Table {
            air: &honest,
            trace: &trace,
            public: &public,
        }];
        let proof = prove_inner(
            &tables,
            &config4,
            &ntt,
            &CpuMerkle,
            &mut |_| {},
            true,
            false,
        );
        crate::stark::verify_tables(
            &[(&honest as &dyn Air, &public[..])],
            &config4,
            &proof.unwrap(),
        )
        .unwrap();
    }
}
