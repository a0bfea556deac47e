//! A STARK over Goldilocks for one AIR table: the trace's low-degree extension on a coset,
//! Merkle commitments (Poseidon), the quotient of the α-folded constraints by the vanishing
//! polynomial split into `constraint_degree` chunks, openings at an out-of-domain point ζ
//! (and ζ·ω for the next row), a DEEP combination with γ, and FRI. Challenges live in the
//! quadratic extension. The prover is generic over the NTT and Merkle backends; the
//! [`verify`] function needs neither.

mod air;
mod proof;

pub use air::{Air, Constraints, Ext, FibonacciAir, Frame, WideAir};
pub use proof::{Opening, StarkProof};

use carbide_field::merkle::{MerkleError, MerkleHasher, verify as verify_path};
use carbide_field::{Field, Goldilocks, TwoAdicField};
use carbide_ntt::{Ntt, NttError};
use rayon::prelude::*;
use thiserror::Error;

use crate::fri::{self, FriConfig, FriError};
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
    /// FRI rejected.
    #[error(transparent)]
    Fri(#[from] FriError),
}

fn reverse_bits(x: usize, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        x.reverse_bits() >> (usize::BITS - bits)
    }
}

/// Rows of a row-major matrix in bit-reversed order.
fn bit_reverse_rows(m: &[Goldilocks], width: usize) -> Vec<Goldilocks> {
    let rows = m.len() / width;
    let bits = rows.trailing_zeros();
    (0..rows)
        .flat_map(|p| {
            let r = reverse_bits(p, bits);
            m[r * width..(r + 1) * width].iter().copied()
        })
        .collect()
}

/// The transcript bound to the protocol, the configuration, the AIR's shape and the
/// statement (size and public values).
fn start_transcript<A: Air + ?Sized>(
    air: &A,
    config: &StarkConfig,
    log_rows: u32,
    public: &[Goldilocks],
) -> Transcript {
    let mut t = Transcript::new(PROTOCOL);
    let f = &config.fri;
    let params = [
        f.log_blowup as u64,
        u64::from(f.arity_bits),
        u64::from(f.final_log_len),
        f.num_queries as u64,
        u64::from(f.pow_bits),
        f.cap_height as u64,
        u64::from(config.min_security_bits),
        air.width() as u64,
        air.num_public_values() as u64,
        air.constraint_degree() as u64,
        u64::from(log_rows),
    ];
    t.absorb_bytes(Tag::Other, air.name().as_bytes());
    t.absorb(Tag::Other, &params.map(Goldilocks::new));
    t.absorb(Tag::Public, public);
    t
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
    let n_f = Goldilocks::new(n as u64);
    let first = Goldilocks::batch_inverse(
        &xs.iter()
            .map(|&x| n_f * (x - Goldilocks::ONE))
            .collect::<Vec<_>>(),
    );
    let last =
        Goldilocks::batch_inverse(&xs.iter().map(|&x| n_f * (x - w_last)).collect::<Vec<_>>());
    let zh_inv = Goldilocks::batch_inverse(
        &xs[..blowup.min(xs.len())]
            .iter()
            .map(|&x| x.exp_u64(n as u64) - Goldilocks::ONE)
            .collect::<Vec<_>>(),
    );
    xs.iter()
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

fn horner(coeffs: impl DoubleEndedIterator<Item = Goldilocks>, x: Ext) -> Ext {
    coeffs
        .rev()
        .fold(Ext::ZERO, |acc, c| acc * x + Ext::from(c))
}

/// Checks the constraints row by row (the prover's own check, in debug builds): each kind
/// that applies to a row, folded with a fixed α, must vanish there.
pub fn check_trace<A: Air + ?Sized>(
    air: &A,
    trace: &[Goldilocks],
    public: &[Goldilocks],
) -> Result<(), ProveError> {
    let w = air.width();
    let n = trace.len() / w.max(1);
    let row = |i: usize| -> Vec<Ext> {
        trace[i * w..(i + 1) * w]
            .iter()
            .map(|&v| Ext::from(v))
            .collect()
    };
    let alpha = Ext::new(Goldilocks::new(0x1234_5678_9abc_def1), Goldilocks::new(77));
    for i in 0..n {
        let (local, next) = (row(i), row((i + 1) % n));
        let mut c = Constraints::new(alpha);
        air.eval(
            &Frame {
                local: &local,
                next: &next,
            },
            public,
            &mut c,
        );
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

/// Proves that `trace` (row-major, 2^k rows of `air.width()` columns, k ≥ 1) satisfies
/// `air` with `public`, on the given NTT and Merkle backends.
pub fn prove<A: Air + ?Sized>(
    air: &A,
    config: &StarkConfig,
    trace: &[Goldilocks],
    public: &[Goldilocks],
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
) -> Result<StarkProof, ProveError> {
    prove_inner(air, config, trace, public, ntt, merkle, true)
}

/// [`prove`], with the prover's own checks optional: without them, a cheating prover that
/// answers for any trace (for the verifier's tests).
fn prove_inner<A: Air + ?Sized>(
    air: &A,
    config: &StarkConfig,
    trace: &[Goldilocks],
    public: &[Goldilocks],
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    honest: bool,
) -> Result<StarkProof, ProveError> {
    let w = air.width();
    let d = air.constraint_degree().max(1);
    if w == 0
        || !trace.len().is_multiple_of(w)
        || !(trace.len() / w).is_power_of_two()
        || trace.len() / w < 2
    {
        return Err(ProveError::Shape(format!(
            "{} values for {w} columns",
            trace.len()
        )));
    }
    if public.len() != air.num_public_values() {
        return Err(ProveError::Shape(format!(
            "{} public values, the AIR takes {}",
            public.len(),
            air.num_public_values()
        )));
    }
    config.fri.check()?;
    if config.security_bits() < config.min_security_bits {
        return Err(ProveError::Config(format!(
            "{} bits, below the minimum {}",
            config.security_bits(),
            config.min_security_bits
        )));
    }
    let log_blowup = config.fri.log_blowup;
    if 1usize << log_blowup < d {
        return Err(ProveError::Config(format!(
            "blowup 2^{log_blowup} is below the constraint degree {d}"
        )));
    }
    if honest && cfg!(debug_assertions) {
        check_trace(air, trace, public)?;
    }
    let n = trace.len() / w;
    let log_n = n.trailing_zeros();
    let log_big = log_n + log_blowup;
    let big = 1usize << log_big;
    let blowup = 1usize << log_blowup;
    let shift = Goldilocks::coset_shift();
    let cap = |log_rows: u32| config.fri.cap_height.min(log_rows as usize);
    let mut t = start_transcript(air, config, log_n, public);

    // The trace's extension, committed in bit-reversed row order (FRI's positions).
    // The coefficients are kept for the openings at ζ; the extension is their coset
    // transform (what `coset_lde_batch` would do, without a second inverse transform).
    let mut trace_coeffs = trace.to_vec();
    ntt.intt_batch(&mut trace_coeffs, w)?;
    let mut lde = trace_coeffs.clone();
    lde.resize(big * w, Goldilocks::ZERO);
    ntt.coset_ntt_batch(&mut lde, w, shift)?;
    let trace_rows = bit_reverse_rows(&lde, w);
    let trace_tree = merkle.commit(&trace_rows, w, cap(log_big))?;
    t.absorb_digests(Tag::Commitment, trace_tree.cap());
    let alpha = t.challenge_ext();

    // The quotient on the extension domain.
    let w_big = Goldilocks::two_adic_generator(log_big as usize)
        .map_err(|e| ProveError::Config(e.to_string()))?;
    let w_n = w_big.exp_power_of_2(log_blowup as usize);
    let w_last = w_n.exp_u64(n as u64 - 1);
    let xs: Vec<Goldilocks> = std::iter::successors(Some(shift), |x| Some(*x * w_big))
        .take(big)
        .collect();
    let selectors = domain_selectors(&xs, n, blowup, w_last);
    let quotient: Vec<Ext> = (0..big)
        .into_par_iter()
        .map_init(
            || (vec![Ext::ZERO; w], vec![Ext::ZERO; w]),
            |(local, next), i| {
                let j = (i + blowup) % big;
                for k in 0..w {
                    local[k] = Ext::from(lde[i * w + k]);
                    next[k] = Ext::from(lde[j * w + k]);
                }
                let mut c = Constraints::new(alpha);
                air.eval(&Frame { local, next }, public, &mut c);
                selectors[i].combine(&c)
            },
        )
        .collect();
    // Its coefficients, split into d chunks of degree below n.
    let mut q: Vec<Goldilocks> = quotient.iter().flat_map(|v| v.0).collect();
    ntt.coset_intt_batch(&mut q, 2, shift)?;
    if honest && q[2 * d * n..].iter().any(|c| !c.is_zero()) {
        return Err(ProveError::Unsatisfied(None));
    }
    let qw = 2 * d;
    let mut chunk_coeffs = vec![Goldilocks::ZERO; big * qw];
    for j in 0..d {
        for r in 0..n {
            chunk_coeffs[r * qw + 2 * j] = q[2 * (j * n + r)];
            chunk_coeffs[r * qw + 2 * j + 1] = q[2 * (j * n + r) + 1];
        }
    }
    let coeff_rows: Vec<Goldilocks> = chunk_coeffs[..n * qw].to_vec();
    ntt.coset_ntt_batch(&mut chunk_coeffs, qw, shift)?;
    let quotient_rows = bit_reverse_rows(&chunk_coeffs, qw);
    let quotient_tree = merkle.commit(&quotient_rows, qw, cap(log_big))?;
    t.absorb_digests(Tag::Commitment, quotient_tree.cap());

    // Openings at ζ and ζ·ω.
    let zeta = t.challenge_ext();
    let column = |m: &[Goldilocks], width: usize, k: usize, x: Ext| {
        horner(m.iter().skip(k).step_by(width).copied(), x)
    };
    let zeta_next = zeta * Ext::from(w_n);
    let local: Vec<Ext> = (0..w).map(|k| column(&trace_coeffs, w, k, zeta)).collect();
    let next: Vec<Ext> = (0..w)
        .map(|k| column(&trace_coeffs, w, k, zeta_next))
        .collect();
    let quotient_at: Vec<Ext> = (0..qw).map(|k| column(&coeff_rows, qw, k, zeta)).collect();
    t.absorb_ext(Tag::Evaluations, &local);
    t.absorb_ext(Tag::Evaluations, &next);
    t.absorb_ext(Tag::Evaluations, &quotient_at);

    // The DEEP combination, FRI's codeword.
    let gamma = t.challenge_ext();
    let (g_trace, g_next, g_quot) = gamma_powers(gamma, w, qw);
    let c1: Ext = dot(&g_trace, &local) + dot(&g_quot, &quotient_at);
    let c2: Ext = dot(&g_next, &next);
    let inv1 = Ext::batch_inverse(&xs.iter().map(|&x| Ext::from(x) - zeta).collect::<Vec<_>>());
    let inv2 = Ext::batch_inverse(
        &xs.iter()
            .map(|&x| Ext::from(x) - zeta_next)
            .collect::<Vec<_>>(),
    );
    let deep: Vec<Ext> = (0..big)
        .into_par_iter()
        .map(|i| {
            let tr = &lde[i * w..(i + 1) * w];
            let qr = &chunk_coeffs[i * qw..(i + 1) * qw];
            deep_value(tr, qr, &g_trace, &g_next, &g_quot, c1, c2, inv1[i], inv2[i])
        })
        .collect();
    let codeword: Vec<Ext> = (0..big).map(|p| deep[reverse_bits(p, log_big)]).collect();
    let (fri_proof, positions) = if honest {
        fri::prove(&config.fri, shift, log_n, codeword, &mut t, merkle)?
    } else {
        fri::prove_unchecked(&config.fri, shift, log_n, codeword, &mut t, merkle)?
    };
    let open = |rows: &[Goldilocks],
                width: usize,
                tree: &carbide_field::merkle::MerkleTree,
                p: usize|
     -> Result<Opening, ProveError> {
        Ok(Opening {
            values: rows[p * width..(p + 1) * width].to_vec(),
            path: tree.open(p)?,
        })
    };
    let trace_openings = positions
        .iter()
        .map(|&p| open(&trace_rows, w, &trace_tree, p))
        .collect::<Result<_, _>>()?;
    let quotient_openings = positions
        .iter()
        .map(|&p| open(&quotient_rows, qw, &quotient_tree, p))
        .collect::<Result<_, _>>()?;
    Ok(StarkProof {
        log_rows: log_n,
        trace_cap: trace_tree.cap().to_vec(),
        quotient_cap: quotient_tree.cap().to_vec(),
        local,
        next,
        quotient: quotient_at,
        fri: fri_proof,
        trace_openings,
        quotient_openings,
    })
}

/// γ^0.. for the trace at ζ, the trace at ζω, and the quotient columns at ζ.
fn gamma_powers(gamma: Ext, w: usize, qw: usize) -> (Vec<Ext>, Vec<Ext>, Vec<Ext>) {
    let all: Vec<Ext> = std::iter::successors(Some(Ext::ONE), |p| Some(*p * gamma))
        .take(2 * w + qw)
        .collect();
    (
        all[..w].to_vec(),
        all[w..2 * w].to_vec(),
        all[2 * w..].to_vec(),
    )
}

fn dot(a: &[Ext], b: &[Ext]) -> Ext {
    a.iter().zip(b).map(|(x, y)| *x * *y).sum()
}

/// D(x) = (Σ γ^k t_k(x) + Σ γ^(2w+j) q_j(x) − c1)/(x − ζ) + (Σ γ^(w+k) t_k(x) − c2)/(x − ζω).
#[allow(clippy::too_many_arguments)]
fn deep_value(
    trace_row: &[Goldilocks],
    quotient_row: &[Goldilocks],
    g_trace: &[Ext],
    g_next: &[Ext],
    g_quot: &[Ext],
    c1: Ext,
    c2: Ext,
    inv1: Ext,
    inv2: Ext,
) -> Ext {
    let s = |g: &[Ext], r: &[Goldilocks]| -> Ext { g.iter().zip(r).map(|(a, &v)| *a * v).sum() };
    (s(g_trace, trace_row) + s(g_quot, quotient_row) - c1) * inv1
        + (s(g_next, trace_row) - c2) * inv2
}

/// Checks `proof` against `air`, `config` and `public`. Never panics: every length is
/// checked before use.
pub fn verify<A: Air + ?Sized>(
    air: &A,
    config: &StarkConfig,
    public: &[Goldilocks],
    proof: &StarkProof,
) -> Result<(), VerifyError> {
    let bits = config.security_bits();
    if bits < config.min_security_bits.max(1) {
        return Err(VerifyError::Insecure {
            bits,
            min: config.min_security_bits,
        });
    }
    let shape = |s: &str| Err(VerifyError::Shape(s.to_owned()));
    let w = air.width();
    let d = air.constraint_degree().max(1);
    let qw = 2 * d;
    let log_blowup = config.fri.log_blowup;
    let log_n = proof.log_rows;
    if public.len() != air.num_public_values() {
        return shape("public values");
    }
    if log_n == 0
        || log_n.saturating_add(log_blowup) as usize > Goldilocks::TWO_ADICITY
        || (1usize << log_blowup) < d
        || w == 0
    {
        return shape("trace size");
    }
    let log_big = log_n + log_blowup;
    let cap_len = 1usize << config.fri.cap_height.min(log_big as usize);
    if proof.trace_cap.len() != cap_len
        || proof.quotient_cap.len() != cap_len
        || proof.local.len() != w
        || proof.next.len() != w
        || proof.quotient.len() != qw
        || proof.trace_openings.len() != config.fri.num_queries
        || proof.quotient_openings.len() != config.fri.num_queries
    {
        return shape("commitments, openings or queries");
    }
    let n = 1u64 << log_n;
    let shift = Goldilocks::coset_shift();
    let mut t = start_transcript(air, config, log_n, public);
    t.absorb_digests(Tag::Commitment, &proof.trace_cap);
    let alpha = t.challenge_ext();
    t.absorb_digests(Tag::Commitment, &proof.quotient_cap);
    let zeta = t.challenge_ext();
    t.absorb_ext(Tag::Evaluations, &proof.local);
    t.absorb_ext(Tag::Evaluations, &proof.next);
    t.absorb_ext(Tag::Evaluations, &proof.quotient);

    // The constraints at ζ against the quotient's chunks.
    let w_big = Goldilocks::two_adic_generator(log_big as usize)
        .map_err(|e| VerifyError::Shape(e.to_string()))?;
    let w_n = w_big.exp_power_of_2(log_blowup as usize);
    let w_last = w_n.exp_u64(n - 1);
    let mut c = Constraints::new(alpha);
    air.eval(
        &Frame {
            local: &proof.local,
            next: &proof.next,
        },
        public,
        &mut c,
    );
    let lhs = Selectors::at(zeta, n, w_last)
        .ok_or(VerifyError::OutOfDomain)?
        .combine(&c);
    let zeta_n = zeta.exp_u64(n);
    let rhs = (0..d).rev().fold(Ext::ZERO, |acc, j| {
        acc * zeta_n + proof.quotient[2 * j] + proof.quotient[2 * j + 1] * u()
    });
    if lhs != rhs {
        return Err(VerifyError::OutOfDomain);
    }

    // FRI on the DEEP combination, and its first layer against the opened rows.
    let gamma = t.challenge_ext();
    let opened = fri::verify(&config.fri, shift, log_n, &proof.fri, &mut t)?;
    let (g_trace, g_next, g_quot) = gamma_powers(gamma, w, qw);
    let c1 = dot(&g_trace, &proof.local) + dot(&g_quot, &proof.quotient);
    let c2 = dot(&g_next, &proof.next);
    let zeta_next = zeta * Ext::from(w_n);
    for (q, ((p, value), (tr, qr))) in opened
        .iter()
        .zip(proof.trace_openings.iter().zip(&proof.quotient_openings))
        .enumerate()
    {
        if tr.values.len() != w || qr.values.len() != qw {
            return shape("an opened row");
        }
        verify_path(&proof.trace_cap, *p, &tr.values, &tr.path).map_err(|source| {
            VerifyError::Merkle {
                what: "trace",
                source,
            }
        })?;
        verify_path(&proof.quotient_cap, *p, &qr.values, &qr.path).map_err(|source| {
            VerifyError::Merkle {
                what: "quotient",
                source,
            }
        })?;
        let x = Ext::from(shift * w_big.exp_u64(reverse_bits(*p, log_big) as u64));
        let (inv1, inv2) = match ((x - zeta).try_inverse(), (x - zeta_next).try_inverse()) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(VerifyError::Deep(q)),
        };
        if deep_value(
            &tr.values, &qr.values, &g_trace, &g_next, &g_quot, c1, c2, inv1, inv2,
        ) != *value
        {
            return Err(VerifyError::Deep(q));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use carbide_field::merkle::CpuMerkle;
    use carbide_ntt::Radix2Dit;

    use super::*;

    #[test]
    fn a_cheating_prover_is_caught() {
        let config = StarkConfig {
            fri: FriConfig {
                log_blowup: 2,
                arity_bits: 2,
                final_log_len: 2,
                num_queries: 30,
                pow_bits: 2,
                cap_height: 1,
            },
            min_security_bits: 60,
        };
        let cpu = Radix2Dit::<Goldilocks>::new();
        for air in [&FibonacciAir as &dyn Air, &WideAir::cubic(4)] {
            let (mut trace, public) = if air.width() == 2 {
                FibonacciAir::trace(1, 1, 5)
            } else {
                WideAir::cubic(4).trace(5, 3)
            };
            // One wrong cell, then a proof built as if nothing were wrong.
            trace[air.width() * 9 + 1] += Goldilocks::ONE;
            let proof =
                prove_inner(air, &config, &trace, &public, &cpu, &CpuMerkle, false).unwrap();
            assert!(
                verify(air, &config, &public, &proof).is_err(),
                "{}",
                air.name()
            );
        }
    }
}
