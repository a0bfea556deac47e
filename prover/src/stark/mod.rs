//! A STARK over Goldilocks for one or several AIR tables: each table's preprocessed columns
//! and trace are extended on a coset and committed (Merkle trees, Poseidon or BLAKE3); logUp
//! challenges then give each table with lookups an auxiliary trace (one column per pair of
//! lookups, m_a/(z − fp_a) + m_b/(z − fp_b), and a running sum whose last value the proof
//! claims; the claims must add to zero); the α-folded constraints divided by the vanishing polynomial give a quotient
//! split into chunks of degree below n; every column is opened at an out-of-domain point ζ
//! (and ζ·ω where constraints read the next row); a DEEP combination with γ goes through FRI,
//! one FRI per table, all in one transcript: every table's commit phase, then one proof of
//! work, then every table's queries (redrawing any table's positions costs a new nonce).
//! Challenges live in the quadratic extension. The prover is generic over the NTT and Merkle
//! backends; [`verify`] needs neither.

mod air;
mod lookup;
mod proof;
mod prover;
mod range;
mod tag;
mod verifier;

pub use air::{
    Air, Column, Constraints, Ext, FibonacciAir, Fold, Frame, GenericAir, Linear, Lookup, Packed,
    PackedConstraints, Value, WideAir, bytes_le, eval_packed_with, eval_with,
};
pub use carbide_field::Goldilocks;
pub use proof::{Evals, Opening, StarkProof, TableProof};
pub use prover::{Stage, Table, prove, prove_tables, prove_tables_unchecked, prove_tables_with};
pub use range::{ByteRangeAir, BytesAir};
pub use tag::{TAG_LEN, TagAir};
pub use verifier::{KeyCache, VerifyingKey, verify, verify_tables, verify_tables_with_key};

use carbide_field::Field;
use carbide_field::merkle::{MerkleError, MerkleHash};
use carbide_ntt::NttError;
use thiserror::Error;

use crate::fri::{FriConfig, FriError, reverse_bits};
use crate::transcript::{Tag, Transcript};

/// The protocol label the transcript starts with.
const PROTOCOL: &[u8] = b"carbide-stark-v1";

/// The proof system's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StarkConfig {
    /// FRI's parameters; its `log_blowup` is also the trace extension's.
    pub fri: FriConfig,
    /// Proofs of a configuration below this conjectured security are refused.
    pub min_security_bits: u32,
}

impl Default for StarkConfig {
    /// Blowup 8, 28 queries, 16 bits of grinding: 100 conjectured bits.
    fn default() -> Self {
        Self {
            fri: FriConfig {
                log_blowup: 3,
                arity_bits: 3,
                final_log_len: 3,
                num_queries: 28,
                pow_bits: 16,
                cap_height: 4,
                hash: MerkleHash::Poseidon,
            },
            min_security_bits: 100,
        }
    }
}

impl StarkConfig {
    /// Conjectured security in bits: queries × log2(blowup) + grinding bits (the ethSTARK
    /// conjecture), capped at 124 for the 128-bit extension field the challenges come from.
    pub fn security_bits(&self) -> u32 {
        let q = u32::try_from(self.fri.num_queries).unwrap_or(u32::MAX);
        q.saturating_mul(self.fri.log_blowup)
            .saturating_add(self.fri.pow_bits)
            .min(124)
    }
}

/// Why the prover refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProveError {
    /// The trace or public values do not have the AIR's shape.
    #[error("shape: {0}")]
    Shape(String),
    /// The trace does not satisfy the constraints (first failing row, when known).
    #[error("the trace does not satisfy the AIR's constraints{}", .0.map(|r| format!(" (row {r})")).unwrap_or_default())]
    Unsatisfied(Option<usize>),
    /// The configuration is below its own minimum security, or unusable.
    #[error("configuration: {0}")]
    Config(String),
    /// The NTT backend failed.
    #[error(transparent)]
    Ntt(#[from] NttError),
    /// The Merkle backend failed.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
    /// FRI refused.
    #[error(transparent)]
    Fri(#[from] FriError),
    /// The lookups do not balance: some tuple is received that is never sent, or the counts
    /// differ.
    #[error("the lookups do not balance across the tables")]
    Lookups,
}

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// The configuration's conjectured security is below its minimum.
    #[error("the configuration gives {bits} bits of conjectured security, below the minimum {min}")]
    Insecure {
        /// What the configuration gives.
        bits: u32,
        /// What is required.
        min: u32,
    },
    /// Some part of the proof has the wrong shape.
    #[error("malformed proof: {0}")]
    Shape(String),
    /// The constraints do not hold at the out-of-domain point.
    #[error("the quotient does not match the constraints at the out-of-domain point")]
    OutOfDomain,
    /// A trace or quotient opening does not match its commitment.
    #[error("an opening of the {what}: {source}")]
    Merkle {
        /// Which commitment.
        what: &'static str,
        /// What the Merkle check said.
        source: MerkleError,
    },
    /// The DEEP combination does not match FRI's first layer.
    #[error("query {0}: the opened rows do not give FRI's value")]
    Deep(usize),
    /// The lookups' claimed sums do not add to zero.
    #[error("the lookups do not balance across the tables")]
    Lookups,
    /// FRI rejected.
    #[error(transparent)]
    Fri(#[from] FriError),
}

/// The transcript bound to the protocol, the configuration, and each table's AIR (name,
/// shape, degree, lookups) and statement (size and public values).
fn start_transcript(config: &StarkConfig, tables: &[(&dyn Air, u32, &[Goldilocks])]) -> Transcript {
    let mut t = Transcript::new(PROTOCOL);
    let f = &config.fri;
    let mut params = f.words().to_vec();
    params.extend([u64::from(config.min_security_bits), tables.len() as u64]);
    let params: Vec<Goldilocks> = params.into_iter().map(Goldilocks::new).collect();
    t.absorb(Tag::Other, &params);
    for &(air, log_rows, public) in tables {
        t.absorb_bytes(Tag::Other, air.name().as_bytes());
        let shape = [
            air.width() as u64,
            air.preprocessed_width() as u64,
            air.num_public_values() as u64,
            air.constraint_degree() as u64,
            air.boundary_degree() as u64,
            u64::from(log_rows),
        ];
        t.absorb(Tag::Other, &shape.map(Goldilocks::new));
        let mut lookups = Vec::new();
        for l in air.lookups() {
            l.encode(&mut lookups);
        }
        t.absorb(Tag::Other, &lookups);
        t.absorb(Tag::Public, public);
    }
    t
}

/// The chunks the quotient is split into: d − 1 for the AIR's every-row and transition
/// constraints of degree d, as many as the degree of its boundary constraints, and 2 for the
/// lookup constraints (degree 3).
fn table_degree(air: &dyn Air, lookups: usize) -> usize {
    let d = air
        .constraint_degree()
        .saturating_sub(1)
        .max(air.boundary_degree())
        .max(1);
    if lookups > 0 { d.max(2) } else { d }
}

/// The factors the folded constraints take at a point x: 1/(n(x − 1)), ω^(n−1)/(n(x −
/// ω^(n−1))), x − ω^(n−1) and 1/(x^n − 1).
#[derive(Clone, Copy, Debug)]
struct Selectors<E> {
    first: E,
    last: E,
    transition: E,
    zh_inv: E,
}

impl<E: Field + From<Goldilocks>> Selectors<E> {
    /// At one point (the verifier's ζ); `None` on the subgroup, where they have no value.
    fn at(x: E, n: u64, w_last: Goldilocks) -> Option<Self> {
        let n_f = E::from(Goldilocks::new(n));
        let w = E::from(w_last);
        Some(Self {
            first: (n_f * (x - E::ONE)).try_inverse()?,
            last: (n_f * (x - w)).try_inverse()? * w,
            transition: x - w,
            zh_inv: (x.exp_u64(n) - E::ONE).try_inverse()?,
        })
    }

    /// The quotient's value: first·sel₁ + last·sel₂ + (transition·sel₃ + every)/Z_H.
    fn combine(&self, c: &Constraints) -> Ext
    where
        Ext: core::ops::Mul<E, Output = Ext>,
    {
        c.first * self.first
            + c.last * self.last
            + (c.transition * self.transition + c.every) * self.zh_inv
    }
}

/// The selectors at every point of the extension domain `xs` (shift·ω_(nB)^i), from batch
/// inversions in the base field: Z_H takes only B values there (x^n = shiftⁿ·ω_B^i).
fn domain_selectors(
    xs: &[Goldilocks],
    n: usize,
    blowup: usize,
    w_last: Goldilocks,
) -> Vec<Selectors<Goldilocks>> {
    use rayon::prelude::*;
    let n_f = Goldilocks::new(n as u64);
    let inverses = |at: Goldilocks| {
        let d: Vec<Goldilocks> = xs.par_iter().map(|&x| n_f * (x - at)).collect();
        carbide_field::par_batch_inverse(&d)
    };
    let (first, last) = (inverses(Goldilocks::ONE), inverses(w_last));
    let zh_inv = Goldilocks::batch_inverse(
        &xs[..blowup.min(xs.len())]
            .iter()
            .map(|&x| x.exp_u64(n as u64) - Goldilocks::ONE)
            .collect::<Vec<_>>(),
    );
    xs.par_iter()
        .enumerate()
        .map(|(i, &x)| Selectors {
            first: first[i],
            last: last[i] * w_last,
            transition: x - w_last,
            zh_inv: zh_inv[i % blowup],
        })
        .collect()
}

/// `u`, the extension's generator: a quotient chunk is `c0 + c1·u`.
fn u() -> Ext {
    Ext::new(Goldilocks::ZERO, Goldilocks::ONE)
}

/// Checks the constraints row by row (the prover's own check, in debug builds): each kind
/// that applies to a row, folded with a fixed α, must vanish there. Lookups are checked by
/// the prover when it builds their sums.
pub fn check_trace<A: Air + ?Sized>(
    air: &A,
    trace: &[Goldilocks],
    public: &[Goldilocks],
) -> Result<(), ProveError> {
    let w = air.width();
    let pw = air.preprocessed_width();
    let n = trace.len() / w.max(1);
    let fixed = air
        .preprocessed(n.trailing_zeros())
        .filter(|f| f.len() == n * pw)
        .ok_or_else(|| ProveError::Shape(format!("no preprocessed columns for {n} rows")))?;
    fn row(m: &[Goldilocks], width: usize, i: usize) -> &[Goldilocks] {
        &m[i * width..(i + 1) * width]
    }
    let alpha = Ext::new(Goldilocks::new(0x1234_5678_9abc_def1), Goldilocks::new(77));
    let mut c = Constraints::new(alpha);
    for i in 0..n {
        let (local, next) = (row(trace, w, i), row(trace, w, (i + 1) % n));
        let fixed = [row(&fixed, pw, i), row(&fixed, pw, (i + 1) % n)];
        eval_row(air, &mut c, [local, next], fixed, public);
        let applies = [
            (i == 0, c.first),
            (i == n - 1, c.last),
            (i + 1 < n, c.transition),
            (true, c.every),
        ];
        if applies.iter().any(|&(on, v)| on && !v.is_zero()) {
            return Err(ProveError::Unsatisfied(Some(i)));
        }
    }
    Ok(())
}

/// Folds into `c` (reset first) the constraints of a row `local` followed by `next`, with
/// their preprocessed rows.
pub(crate) fn eval_row<A: Air + ?Sized>(
    air: &A,
    c: &mut Constraints,
    [local, next]: [&[Goldilocks]; 2],
    [pl, pn]: [&[Goldilocks]; 2],
    public: &[Goldilocks],
) {
    let ext = |r: &[Goldilocks]| r.iter().map(|&v| Ext::from(v)).collect::<Vec<_>>();
    let (local, next, pl, pn) = (ext(local), ext(next), ext(pl), ext(pn));
    c.reset();
    air.eval(
        &Frame {
            local: &local,
            next: &next,
            preprocessed: &pl,
            preprocessed_next: &pn,
        },
        public,
        c,
    );
}

/// The points of the extension domain shift·ω_big^i in natural order.
fn domain(shift: Goldilocks, w_big: Goldilocks, big: usize) -> Vec<Goldilocks> {
    use rayon::prelude::*;
    // Each chunk starts from its own power: one chain of dependent products per thread.
    const CHUNK: usize = 1 << 12;
    let mut xs = carbide_field::par_filled(big, Goldilocks::ZERO);
    xs.par_chunks_mut(CHUNK).enumerate().for_each(|(c, out)| {
        let mut x = shift * w_big.exp_u64((c * CHUNK) as u64);
        for o in out {
            *o = x;
            x *= w_big;
        }
    });
    xs
}

/// γ powers for the DEEP combination: for each committed matrix, one per column at ζ, then
/// for the matrices opened at ζω, one per column there.
struct DeepWeights {
    at_zeta: Vec<Vec<Ext>>,
    /// Empty for a matrix not opened at ζω.
    at_next: Vec<Vec<Ext>>,
    /// γ^K, K the columns of all matrices.
    gamma_k: Ext,
}

impl DeepWeights {
    /// `widths[o]` columns in matrix o, opened at ζω when `next[o]`.
    fn new(gamma: Ext, widths: &[usize], next: &[bool]) -> Self {
        let mut power = Ext::ONE;
        let mut take = |n: usize| -> Vec<Ext> {
            (0..n)
                .map(|_| {
                    let p = power;
                    power *= gamma;
                    p
                })
                .collect()
        };
        let at_zeta = widths.iter().map(|&w| take(w)).collect();
        let gamma_k = gamma.exp_u64(widths.iter().sum::<usize>() as u64);
        let at_next = widths
            .iter()
            .zip(next)
            .map(|(&w, &n)| take(if n { w } else { 0 }))
            .collect();
        Self {
            at_zeta,
            at_next,
            gamma_k,
        }
    }

    /// s with at_next = s·at_zeta for every matrix opened at ζω (s = γ^K, K columns in all),
    /// which holds when those matrices come before the others, as a table's do (the quotient
    /// last): the prover's sum at ζω is then s times a part of its sum at ζ. `None` if not.
    fn next_scale(&self) -> Option<Ext> {
        let s = self.gamma_k;
        let holds = self.at_zeta.iter().zip(&self.at_next).all(|(z, n)| {
            n.is_empty() || (n.len() == z.len() && z.iter().zip(n).all(|(&a, &b)| a * s == b))
        });
        holds.then_some(s)
    }

    /// Σ γ^e·v over the claimed values at ζ and at ζω.
    fn claims(&self, evals: &[Evals]) -> (Ext, Ext) {
        let dot = |g: &[Ext], v: &[Ext]| -> Ext { g.iter().zip(v).map(|(a, b)| *a * *b).sum() };
        let c1 = self
            .at_zeta
            .iter()
            .zip(evals)
            .map(|(g, e)| dot(g, &e.local))
            .sum();
        let c2 = self
            .at_next
            .iter()
            .zip(evals)
            .map(|(g, e)| dot(g, &e.next))
            .sum();
        (c1, c2)
    }

    /// D(x) = (Σ γ^e·v(x) − c1)/(x − ζ) + (Σ γ^e'·v(x) − c2)/(x − ζω), from the rows of every
    /// matrix at x.
    fn value(&self, rows: &[&[Goldilocks]], c: (Ext, Ext), inv1: Ext, inv2: Ext) -> Ext {
        let s =
            |g: &[Ext], r: &[Goldilocks]| -> Ext { g.iter().zip(r).map(|(a, &v)| *a * v).sum() };
        let a: Ext = self.at_zeta.iter().zip(rows).map(|(g, r)| s(g, r)).sum();
        let b: Ext = self.at_next.iter().zip(rows).map(|(g, r)| s(g, r)).sum();
        (a - c.0) * inv1 + (b - c.1) * inv2
    }
}

/// The quotient's value at ζ from its chunks' opened columns: Σ_j ζ^(nj)·(c_j0 + c_j1·u).
fn quotient_at(chunks: &[Ext], zeta_n: Ext) -> Ext {
    chunks
        .chunks_exact(2)
        .rev()
        .fold(Ext::ZERO, |acc, c| acc * zeta_n + c[0] + c[1] * u())
}

#[cfg(test)]
mod tests {
    use carbide_field::merkle::CpuMerkle;
    use carbide_ntt::Radix2Dit;

    use super::*;

    #[test]
    fn deep_weights_at_the_next_point_are_a_scale_of_those_at_zeta() {
        let gamma = Ext::new(Goldilocks::new(3), Goldilocks::new(5));
        let w = DeepWeights::new(gamma, &[3, 5, 2, 4], &[true, true, true, false]);
        let s = w
            .next_scale()
            .expect("the matrices opened at ζω come first");
        assert_eq!(s, gamma.exp_u64(14));
        for (z, n) in w.at_zeta.iter().zip(&w.at_next).take(3) {
            let scaled: Vec<Ext> = z.iter().map(|&g| g * s).collect();
            assert_eq!(&scaled, n);
        }
        // A matrix opened at ζω after one that is not: no single scale.
        let w = DeepWeights::new(gamma, &[3, 5], &[false, true]);
        assert_eq!(w.next_scale(), None);
    }

    /// A fast configuration (30 queries, 2 bits of grinding) at this blowup.
    pub(super) fn small_config(log_blowup: u32) -> StarkConfig {
        StarkConfig {
            fri: FriConfig {
                log_blowup,
                arity_bits: 2,
                final_log_len: 2,
                num_queries: 30,
                pow_bits: 2,
                cap_height: 1,
                hash: MerkleHash::Poseidon,
            },
            min_security_bits: 20,
        }
    }

    #[test]
    fn a_cheating_prover_is_caught() {
        let config = small_config(2);
        let cpu = Radix2Dit::<Goldilocks>::new();
        // A proof built as if nothing were wrong.
        let cheat = |tables: &[Table<'_>]| {
            prover::prove_inner(tables, &config, &cpu, &CpuMerkle, &mut |_| {}, false, false)
                .unwrap()
        };
        for air in [&FibonacciAir as &dyn Air, &WideAir::cubic(4)] {
            let (mut trace, public) = if air.width() == 2 {
                FibonacciAir::trace(1, 1, 5)
            } else {
                WideAir::cubic(4).trace(5, 3)
            };
            // One wrong cell, then a proof built as if nothing were wrong.
            trace[air.width() * 9 + 1] += Goldilocks::ONE;
            let table = Table {
                air,
                trace: &trace,
                public: &public,
            };
            let proof = cheat(&[table]);
            assert!(
                verify(air, &config, &public, &proof).is_err(),
                "{}",
                air.name()
            );
        }
        // Lookups that do not balance (300 is no byte), proved as if they did.
        let bytes = BytesAir::trace(&[1, 300, 7, 7]);
        let range = ByteRangeAir::trace(&bytes);
        let tables = [
            Table {
                air: &BytesAir,
                trace: &bytes,
                public: &[],
            },
            Table {
                air: &ByteRangeAir,
                trace: &range,
                public: &[],
            },
        ];
        let proof = cheat(&tables);
        assert_eq!(
            verify_tables(&[(&BytesAir, &[]), (&ByteRangeAir, &[])], &config, &proof),
            Err(VerifyError::Lookups)
        );
    }
}
