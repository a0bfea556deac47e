//! The verifier: no backend. Every length is checked before use; nothing panics.

use std::collections::HashMap;

use carbide_field::merkle::verify_with;
use carbide_field::poseidon::Digest;
use carbide_field::{Field, Goldilocks, TwoAdicField, encode_slice};
use carbide_ntt::Radix2Dit;

use super::air::{Air, Constraints, Ext, Frame};
use super::lookup::{self, Challenges};
use super::proof::{StarkProof, TableProof};
use super::prover::preprocessed_cap;
use super::{
    DeepWeights, ProveError, Selectors, StarkConfig, VerifyError, quotient_at, reverse_bits,
    start_transcript, table_degree, u,
};
use crate::fri;
use crate::transcript::Tag;

/// Checks a one-table `proof` against `air`, `config` and `public`.
pub fn verify(
    air: &dyn Air,
    config: &StarkConfig,
    public: &[Goldilocks],
    proof: &StarkProof,
) -> Result<(), VerifyError> {
    verify_tables(&[(air, public)], config, proof)
}

fn shape<T>(s: &str) -> Result<T, VerifyError> {
    Err(VerifyError::Shape(s.to_owned()))
}

/// A table's matrices as the verifier sees them: widths, whether opened at ζω, caps.
struct Layout {
    widths: Vec<usize>,
    next: Vec<bool>,
    caps: Vec<Vec<Digest>>,
    /// Index of the trace, aux and quotient matrices among them.
    main: usize,
    aux: Option<usize>,
    quotient: usize,
}

/// What a verifier computes once for a statement's shape and may keep: each table's size and
/// the commitment to its preprocessed columns (computed on the CPU, as the prover's backends
/// compute it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyingKey {
    tables: Vec<(u32, Option<Vec<Digest>>)>,
}

impl VerifyingKey {
    /// For tables of these AIRs at these sizes (2^log_rows rows each).
    pub fn new(tables: &[(&dyn Air, u32)], config: &StarkConfig) -> Result<Self, VerifyError> {
        Self::new_cached(tables, config, &mut KeyCache::default())
    }

    /// [`Self::new`], taking from `cache` the preprocessed commitments it already holds and
    /// adding the others.
    pub fn new_cached(
        tables: &[(&dyn Air, u32)],
        config: &StarkConfig,
        cache: &mut KeyCache,
    ) -> Result<Self, VerifyError> {
        config.fri.check()?;
        let tables = tables
            .iter()
            .map(|&(air, log_n)| {
                if log_n == 0
                    || log_n.saturating_add(config.fri.log_blowup) as usize
                        > Goldilocks::TWO_ADICITY
                {
                    return shape("trace size");
                }
                let cap = match air.preprocessed_width() {
                    0 => None,
                    width => Some(cache.cap(air, width, log_n, config)?),
                };
                Ok((log_n, cap))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { tables })
    }
}

/// Commitments to preprocessed columns a verifier has computed, by a hash of everything that
/// determines one: the configuration, the width and the columns' values (hence their rows).
/// The segments of a zkVM run share most of their preprocessed tables (the program's code,
/// the byte tables), so with one cache per run each is committed once, not once per segment.
#[derive(Debug, Default)]
pub struct KeyCache {
    caps: HashMap<[u8; 32], Vec<Digest>>,
}

impl KeyCache {
    /// The cap of `air`'s preprocessed columns (`width` of them) at 2^log_n rows.
    fn cap(
        &mut self,
        air: &dyn Air,
        width: usize,
        log_n: u32,
        config: &StarkConfig,
    ) -> Result<Vec<Digest>, VerifyError> {
        let rows = 1usize << log_n;
        let Some(fixed) = air.preprocessed(log_n).filter(|f| f.len() == rows * width) else {
            return shape(&format!("no preprocessed columns for 2^{log_n} rows"));
        };
        let mut h = blake3::Hasher::new();
        for word in config.fri.words() {
            h.update(&word.to_le_bytes());
        }
        h.update(&(width as u64).to_le_bytes());
        h.update(&encode_slice(&fixed));
        let key = *h.finalize().as_bytes();
        if let Some(cap) = self.caps.get(&key) {
            return Ok(cap.clone());
        }
        let cap = preprocessed_cap(&fixed, width, config).map_err(|e| match e {
            ProveError::Shape(s) => VerifyError::Shape(s),
            other => VerifyError::Shape(other.to_string()),
        })?;
        self.caps.insert(key, cap.clone());
        Ok(cap)
    }

    /// Commitments held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.caps.len()
    }
}

/// Checks every size in a table's part of the proof against its AIR, the configuration and
/// the key's entry for it (its size and preprocessed commitment).
fn layout(
    air: &dyn Air,
    public: &[Goldilocks],
    config: &StarkConfig,
    p: &TableProof,
    key: &(u32, Option<Vec<Digest>>),
) -> Result<Layout, VerifyError> {
    let lookups = air.lookups();
    let (w, pw, k) = (air.width(), air.preprocessed_width(), lookups.len());
    let log_blowup = config.fri.log_blowup;
    let d = table_degree(air, k);
    let log_n = p.log_rows;
    if public.len() != air.num_public_values() {
        return shape("public values");
    }
    if log_n == 0
        || log_n.saturating_add(log_blowup) as usize > Goldilocks::TWO_ADICITY
        || (1usize << log_blowup) < d
        || w == 0
        || !lookups.iter().all(|l| l.fits(w, pw))
    {
        return shape("trace size or AIR");
    }
    let cap_len = 1usize << config.fri.cap_height.min((log_n + log_blowup) as usize);
    let mut widths = Vec::new();
    let mut caps = Vec::new();
    if key.0 != log_n || key.1.is_some() != (pw > 0) {
        return shape("a table's size differs from the verifying key's");
    }
    if let Some(cap) = &key.1 {
        widths.push(pw);
        caps.push(cap.clone());
    }
    let main = widths.len();
    widths.push(w);
    caps.push(p.trace_cap.clone());
    let aux = if k > 0 {
        widths.push(2 * lookup::aux_width(k));
        caps.push(p.aux_cap.clone());
        Some(widths.len() - 1)
    } else {
        if !p.aux_cap.is_empty() || !p.lookup_sum.is_zero() {
            return shape("lookup values for a table without lookups");
        }
        None
    };
    let quotient = widths.len();
    widths.push(2 * d);
    caps.push(p.quotient_cap.clone());
    let mut next = vec![true; widths.len()];
    next[quotient] = false;
    let evals_ok = p.evals.len() == widths.len()
        && p.evals
            .iter()
            .zip(&widths)
            .zip(&next)
            .all(|((e, &w), &nx)| e.local.len() == w && e.next.len() == if nx { w } else { 0 });
    let queries_ok = p.queries.len() == config.fri.num_queries
        && p.queries.iter().all(|q| {
            q.len() == widths.len() && q.iter().zip(&widths).all(|(o, &w)| o.values.len() == w)
        });
    if !caps.iter().all(|c| c.len() == cap_len) || !evals_ok || !queries_ok {
        return shape("commitments, evaluations or queries");
    }
    Ok(Layout {
        widths,
        next,
        caps,
        main,
        aux,
        quotient,
    })
}

/// Checks `proof` for several tables, each an AIR with its public values (the verifying key
/// computed for the sizes the proof states).
pub fn verify_tables(
    tables: &[(&dyn Air, &[Goldilocks])],
    config: &StarkConfig,
    proof: &StarkProof,
) -> Result<(), VerifyError> {
    if tables.is_empty() || proof.tables.len() != tables.len() {
        return shape("the number of tables");
    }
    let sizes: Vec<(&dyn Air, u32)> = tables
        .iter()
        .zip(&proof.tables)
        .map(|(&(air, _), p)| (air, p.log_rows))
        .collect();
    let key = VerifyingKey::new(&sizes, config)?;
    verify_tables_with_key(tables, config, proof, &key)
}

/// [`verify_tables`] with a verifying key computed beforehand: the proof must be for the
/// key's sizes.
pub fn verify_tables_with_key(
    tables: &[(&dyn Air, &[Goldilocks])],
    config: &StarkConfig,
    proof: &StarkProof,
    key: &VerifyingKey,
) -> Result<(), VerifyError> {
    let bits = config.security_bits();
    if bits < config.min_security_bits.max(1) {
        return Err(VerifyError::Insecure {
            bits,
            min: config.min_security_bits,
        });
    }
    config.fri.check()?;
    if tables.is_empty() || proof.tables.len() != tables.len() || key.tables.len() != tables.len() {
        return shape("the number of tables");
    }
    let layouts: Vec<Layout> = tables
        .iter()
        .zip(&proof.tables)
        .zip(&key.tables)
        .map(|((&(air, public), p), k)| layout(air, public, config, p, k))
        .collect::<Result<_, _>>()?;
    let meta: Vec<_> = tables
        .iter()
        .zip(&proof.tables)
        .map(|(&(air, public), p)| (air, p.log_rows, public))
        .collect();

    // The transcript, replayed.
    let mut t = start_transcript(config, &meta);
    for (l, p) in layouts.iter().zip(&proof.tables) {
        if l.main > 0 {
            t.absorb_digests(Tag::Commitment, &l.caps[0]);
        }
        t.absorb_digests(Tag::Commitment, &p.trace_cap);
    }
    let challenges = if layouts.iter().any(|l| l.aux.is_some()) {
        let ch = Challenges {
            z: t.challenge_ext(),
            beta: t.challenge_ext(),
        };
        let mut total = Ext::ZERO;
        for (l, p) in layouts.iter().zip(&proof.tables) {
            if l.aux.is_some() {
                t.absorb_digests(Tag::Commitment, &p.aux_cap);
                t.absorb_ext(Tag::Evaluations, &[p.lookup_sum]);
                total += p.lookup_sum;
            }
        }
        if !total.is_zero() {
            return Err(VerifyError::Lookups);
        }
        ch
    } else {
        Challenges {
            z: Ext::ZERO,
            beta: Ext::ZERO,
        }
    };
    let alpha = t.challenge_ext();
    for p in &proof.tables {
        t.absorb_digests(Tag::Commitment, &p.quotient_cap);
    }
    let zeta = t.challenge_ext();
    for p in &proof.tables {
        for e in &p.evals {
            t.absorb_ext(Tag::Evaluations, &e.local);
            t.absorb_ext(Tag::Evaluations, &e.next);
        }
    }

    // Each table: the constraints at ζ against its quotient and FRI's commit phase; the
    // proof of work; each table's FRI queries and openings.
    let mut fris = Vec::with_capacity(tables.len());
    for ((&(air, public), p), l) in tables.iter().zip(&proof.tables).zip(&layouts) {
        out_of_domain(air, public, p, l, alpha, zeta, &challenges)?;
        let gamma = t.challenge_ext();
        let betas = fri::verify_commit(&config.fri, p.log_rows, (&p.fri).into(), &mut t)?;
        fris.push((gamma, betas));
    }
    fri::check_grind(&config.fri, proof.pow_nonce, &mut t)?;
    for ((p, l), (gamma, betas)) in proof.tables.iter().zip(&layouts).zip(fris) {
        queries(config, p, l, zeta, gamma, &betas, &mut t)?;
    }
    Ok(())
}

/// The folded constraints at ζ equal the quotient's value there times the vanishing
/// polynomial (as the selectors combine them).
fn out_of_domain(
    air: &dyn Air,
    public: &[Goldilocks],
    p: &TableProof,
    l: &Layout,
    alpha: Ext,
    zeta: Ext,
    ch: &Challenges,
) -> Result<(), VerifyError> {
    let fixed = (l.main > 0).then(|| &p.evals[0]);
    let aux = l.aux.map(|a| (&p.evals[a], p.lookup_sum));
    let at = OpenedAt {
        fixed,
        main: &p.evals[l.main],
        aux,
        quotient: &p.evals[l.quotient].local,
    };
    constraints_at(air, public, p.log_rows, &at, alpha, zeta, ch)
}

/// A table's values at ζ (and ζω), by the matrix they were opened from.
pub(super) struct OpenedAt<'a> {
    pub fixed: Option<&'a super::Evals>,
    pub main: &'a super::Evals,
    /// With the claimed sum.
    pub aux: Option<(&'a super::Evals, Ext)>,
    pub quotient: &'a [Ext],
}

/// [`out_of_domain`]'s check on a table of 2^log_rows rows; the prover runs it on its own
/// openings too, so a trace that breaks a constraint is refused rather than proved (when the
/// quotient's degree bound fills the extended domain, its coefficients show nothing).
pub(super) fn constraints_at(
    air: &dyn Air,
    public: &[Goldilocks],
    log_rows: u32,
    at: &OpenedAt<'_>,
    alpha: Ext,
    zeta: Ext,
    ch: &Challenges,
) -> Result<(), VerifyError> {
    let n = 1u64 << log_rows;
    let w_n = Goldilocks::two_adic_generator(log_rows as usize)
        .map_err(|e| VerifyError::Shape(e.to_string()))?;
    let w_last = w_n.exp_u64(n - 1);
    let main = at.main;
    let empty = super::Evals {
        local: Vec::new(),
        next: Vec::new(),
    };
    let fixed = at.fixed.unwrap_or(&empty);
    let pair = |v: &[Ext]| -> Vec<Ext> { v.chunks_exact(2).map(|c| c[0] + c[1] * u()).collect() };
    let (aux, aux_next, claimed) = match at.aux {
        Some((a, sum)) => (pair(&a.local), pair(&a.next), sum),
        None => (Vec::new(), Vec::new(), Ext::ZERO),
    };
    let frame = Frame {
        local: &main.local,
        next: &main.next,
        preprocessed: &fixed.local,
        preprocessed_next: &fixed.next,
    };
    let mut c = Constraints::new(alpha);
    air.eval(&frame, public, &mut c);
    lookup::eval(&air.lookups(), &frame, &aux, &aux_next, ch, claimed, &mut c);
    let lhs = Selectors::at(zeta, n, w_last)
        .ok_or(VerifyError::OutOfDomain)?
        .combine(&c);
    if lhs != quotient_at(at.quotient, zeta.exp_u64(n)) {
        return Err(VerifyError::OutOfDomain);
    }
    Ok(())
}

/// FRI on the table's DEEP combination, and at each query the opened rows against their
/// commitments and FRI's first layer.
fn queries(
    config: &StarkConfig,
    p: &TableProof,
    l: &Layout,
    zeta: Ext,
    gamma: Ext,
    betas: &[Ext],
    t: &mut crate::transcript::Transcript,
) -> Result<(), VerifyError> {
    let log_big = p.log_rows + config.fri.log_blowup;
    let shift = Goldilocks::coset_shift();
    let w_big = Goldilocks::two_adic_generator(log_big as usize)
        .map_err(|e| VerifyError::Shape(e.to_string()))?;
    let w_n = w_big.exp_power_of_2(config.fri.log_blowup as usize);
    let zeta_next = zeta * Ext::from(w_n);
    let opened = fri::verify_queries(&config.fri, shift, p.log_rows, (&p.fri).into(), betas, t)?;
    let weights = DeepWeights::new(gamma, &l.widths, &l.next);
    let claims = weights.claims(&p.evals);
    let what = |m: usize| match m {
        m if m == l.main => "trace",
        m if m == l.quotient => "quotient",
        m if Some(m) == l.aux => "lookup columns",
        _ => "preprocessed columns",
    };
    for (q, ((pos, value), openings)) in opened.iter().zip(&p.queries).enumerate() {
        for (m, (o, cap)) in openings.iter().zip(&l.caps).enumerate() {
            verify_with(config.fri.hash, cap, *pos, &o.values, &o.path).map_err(|source| {
                VerifyError::Merkle {
                    what: what(m),
                    source,
                }
            })?;
        }
        let x = Ext::from(shift * w_big.exp_u64(reverse_bits(*pos, log_big) as u64));
        let (Some(inv1), Some(inv2)) = ((x - zeta).try_inverse(), (x - zeta_next).try_inverse())
        else {
            return Err(VerifyError::Deep(q));
        };
        let rows: Vec<&[Goldilocks]> = openings.iter().map(|o| o.values.as_slice()).collect();
        if weights.value(&rows, claims, inv1, inv2) != *value {
            return Err(VerifyError::Deep(q));
        }
    }
    Ok(())
}

/// The CPU NTT the verifier extends preprocessed columns with.
pub(super) fn cpu_ntt() -> Radix2Dit<Goldilocks> {
    Radix2Dit::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use carbide_field::merkle::MerkleHash;

    /// One preprocessed column 0, 1, 2, … plus `offset`, under one name whatever the offset.
    struct Counting {
        offset: u64,
    }

    impl Air for Counting {
        fn name(&self) -> &str {
            "counting"
        }

        fn width(&self) -> usize {
            1
        }

        fn num_public_values(&self) -> usize {
            0
        }

        fn constraint_degree(&self) -> usize {
            1
        }

        fn eval(&self, _frame: &Frame<'_>, _public: &[Goldilocks], _out: &mut Constraints) {}

        fn preprocessed_width(&self) -> usize {
            1
        }

        fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
            Some(
                (0..1u64 << log_rows)
                    .map(|i| Goldilocks::new(i + self.offset))
                    .collect(),
            )
        }
    }

    #[test]
    fn a_cached_key_is_the_computed_key_and_only_identical_columns_share_one() {
        let config = StarkConfig::default();
        let mut blake = StarkConfig::default();
        blake.fri.hash = MerkleHash::Blake3;
        let (a, b) = (Counting { offset: 0 }, Counting { offset: 1 });
        let mut cache = KeyCache::default();
        let key = |t: &[(&dyn Air, u32)], c: &StarkConfig, cache: &mut KeyCache| {
            let cached = VerifyingKey::new_cached(t, c, cache).unwrap();
            assert_eq!(cached, VerifyingKey::new(t, c).unwrap());
            cached
        };
        let first = key(&[(&a, 6), (&a, 7)], &config, &mut cache);
        assert_eq!(cache.len(), 2);
        // The same columns again: taken from the cache, nothing added.
        assert_eq!(
            key(&[(&a, 7), (&a, 6)], &config, &mut cache).tables[1],
            first.tables[0]
        );
        assert_eq!(cache.len(), 2);
        // Other values (under the same AIR name), or another hash: new entries, other caps.
        let other = key(&[(&b, 6)], &config, &mut cache);
        let hashed = key(&[(&a, 6)], &blake, &mut cache);
        assert_eq!(cache.len(), 4);
        assert_ne!(other.tables[0], first.tables[0]);
        assert_ne!(hashed.tables[0], first.tables[0]);
        // A size the field cannot extend is refused before anything is computed.
        assert!(VerifyingKey::new_cached(&[(&a, 40)], &config, &mut cache).is_err());
        assert_eq!(cache.len(), 4);
    }
}
