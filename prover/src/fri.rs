//! FRI, the low-degree test the STARK ends with: a codeword over the coset `shift·H` (bit
//! reversed order, so `x` and `−x` are neighbours) is folded `2^arity_bits` to one per round
//! with extension-field challenges, every layer committed as a Merkle tree whose leaves are
//! the cosets one fold consumes; the last layer goes out as polynomial coefficients; a
//! proof-of-work nonce precedes the query positions; each query opens one coset per layer.
//!
//! Layer 0 is committed here too, and [`verify`] returns the layer-0 value at every queried
//! position, for the caller (the STARK verifier) to check against the values it computes
//! from the trace openings.

use carbide_field::merkle::{MerkleError, MerkleHash, MerkleHasher, MerkleTree, verify_with};
use carbide_field::poseidon::Digest;
use carbide_field::{Field, Goldilocks, GoldilocksExt2, TwoAdicField};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::transcript::{Tag, Transcript};

type Ext = GoldilocksExt2;

/// The FRI parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FriConfig {
    /// log2 of the blowup (codeword length over the degree bound).
    pub log_blowup: u32,
    /// log2 of the folding factor per round.
    pub arity_bits: u32,
    /// Folding stops when the degree bound is at most 2^final_log_len (the last round may
    /// leave it between that and 2^(final_log_len + arity_bits − 1)).
    pub final_log_len: u32,
    /// Query positions.
    pub num_queries: usize,
    /// Leading zero bits the proof-of-work challenge must have.
    pub pow_bits: u32,
    /// log2 of the digests in each layer's Merkle cap.
    pub cap_height: usize,
    /// The hash of every Merkle tree (FRI's layers, and the STARK's commitments).
    pub hash: MerkleHash,
}

/// One layer's answer to one query: the coset holding the position, and its Merkle path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriStep {
    /// The coset's `2^arity_bits` values; after layer 0, without the one at the queried
    /// position (the verifier folded it from the layer before).
    pub coset: Vec<Ext>,
    /// Siblings from the coset's leaf to the layer's cap.
    pub path: Vec<Digest>,
}

/// A FRI proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriProof {
    /// Each committed layer's Merkle cap, layer 0 first.
    pub layer_caps: Vec<Vec<Digest>>,
    /// The coefficients of the last layer's polynomial, lowest first.
    pub final_poly: Vec<Ext>,
    /// The proof-of-work witness.
    pub pow_nonce: u64,
    /// For each query, one step per layer.
    pub queries: Vec<Vec<FriStep>>,
}

/// Why FRI refused to prove or a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FriError {
    /// The codeword's length is not 2^(log_degree + log_blowup), or a parameter is unusable.
    #[error("FRI shape: {0}")]
    Shape(String),
    /// The codeword is not of the declared degree (the prover's check).
    #[error("the codeword is not of degree below 2^{0}")]
    NotLowDegree(u32),
    /// A Merkle path or leaf is wrong.
    #[error("FRI layer {layer}: {source}")]
    Merkle {
        /// The layer.
        layer: usize,
        /// What the Merkle check said.
        source: MerkleError,
    },
    /// Folding does not match the next layer (or the final polynomial).
    #[error("FRI query {query}: layer {layer} does not fold into the next")]
    Fold {
        /// The query.
        query: usize,
        /// The layer.
        layer: usize,
    },
    /// The proof-of-work challenge does not have enough leading zeros.
    #[error("the proof of work is short of {0} bits")]
    ProofOfWork(u32),
}

impl FriConfig {
    /// Rounds of folding and the final polynomial's log length for degree bound 2^log_degree.
    pub fn rounds(&self, log_degree: u32) -> (usize, u32) {
        if self.arity_bits == 0 || log_degree <= self.final_log_len {
            return (0, log_degree);
        }
        let r = (log_degree - self.final_log_len) / self.arity_bits;
        (r as usize, log_degree - r * self.arity_bits)
    }

    /// The parameters as words, in field order (the hash as 0 Poseidon, 1 BLAKE3): what proof
    /// files store and the transcript absorbs.
    pub fn words(&self) -> [u64; 7] {
        [
            u64::from(self.log_blowup),
            u64::from(self.arity_bits),
            u64::from(self.final_log_len),
            self.num_queries as u64,
            u64::from(self.pow_bits),
            self.cap_height as u64,
            match self.hash {
                MerkleHash::Poseidon => 0,
                MerkleHash::Blake3 => 1,
            },
        ]
    }

    /// The configuration [`Self::words`] wrote, checked ([`Self::check`]).
    pub fn from_words(w: &[u64; 7]) -> Result<Self, FriError> {
        let bad = || FriError::Shape(format!("unusable configuration {w:?}"));
        let small = |v: u64| u32::try_from(v).map_err(|_| bad());
        let config = Self {
            log_blowup: small(w[0])?,
            arity_bits: small(w[1])?,
            final_log_len: small(w[2])?,
            num_queries: small(w[3])? as usize,
            pow_bits: small(w[4])?,
            cap_height: small(w[5])? as usize,
            hash: match w[6] {
                0 => MerkleHash::Poseidon,
                1 => MerkleHash::Blake3,
                _ => return Err(bad()),
            },
        };
        config.check()?;
        Ok(config)
    }

    /// Refuses parameters outside what this implementation supports (and what any sane
    /// configuration uses), so hostile configurations cannot overflow anything.
    pub fn check(&self) -> Result<(), FriError> {
        let ok = (1..=4).contains(&self.arity_bits)
            && (1..=16).contains(&self.log_blowup)
            && self.final_log_len <= 16
            && self.pow_bits <= 32
            && self.cap_height <= 16
            && (1..=1024).contains(&self.num_queries);
        if ok {
            Ok(())
        } else {
            Err(FriError::Shape(format!("unusable configuration {self:?}")))
        }
    }
}

/// `x` with its low `bits` bits reversed (0 for no bits).
pub(crate) fn reverse_bits(x: usize, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        x.reverse_bits() >> (usize::BITS - bits)
    }
}

/// The point at position `p` of a bit-reversed codeword of length 2^log_n over `shift·H`.
fn point(shift: Goldilocks, log_n: u32, p: usize) -> Result<Goldilocks, FriError> {
    let w = Goldilocks::two_adic_generator(log_n as usize)
        .map_err(|e| FriError::Shape(e.to_string()))?;
    Ok(shift * w.exp_u64(reverse_bits(p, log_n) as u64))
}

/// One binary fold of `values` (bit-reversed, positions `start..start + len` of a layer of
/// length 2^log_n over `shift·H`): (a + b)/2 + β·(a − b)/(2x) for each pair (x, −x).
fn fold_once(
    values: &[Ext],
    start: usize,
    log_n: u32,
    shift: Goldilocks,
    beta: Ext,
) -> Result<Vec<Ext>, FriError> {
    use rayon::prelude::*;
    let half = Goldilocks::TWO.try_inverse().unwrap_or(Goldilocks::ONE);
    let pairs = values.len() / 2;
    let pair =
        |ab: &[Ext], inv_2x: Goldilocks| (ab[0] + ab[1]) * half + beta * ((ab[0] - ab[1]) * inv_2x);
    if pairs >= 64 && start == 0 && values.len() == 1 << log_n {
        // A whole layer: the pair at 2j sits at x = shift·ω^rev(j) (log_n − 1 bits), so
        // 1/(2x) = (2·shift)⁻¹·ω^(−rev(j)), from one table of powers, without inversions.
        const CHUNK: usize = 1 << 12;
        let w_inv = Goldilocks::two_adic_generator(log_n as usize)
            .map_err(|e| FriError::Shape(e.to_string()))?
            .try_inverse()
            .unwrap_or(Goldilocks::ONE);
        let first = (shift + shift)
            .try_inverse()
            .ok_or_else(|| FriError::Shape("zero shift".into()))?;
        let mut inv_powers = carbide_field::par_filled(pairs, Goldilocks::ZERO);
        inv_powers
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, out)| {
                let mut x = first * w_inv.exp_u64((c * CHUNK) as u64);
                for o in out {
                    *o = x;
                    x *= w_inv;
                }
            });
        return Ok(values
            .par_chunks_exact(2)
            .enumerate()
            .map(|(j, ab)| pair(ab, inv_powers[reverse_bits(j, log_n - 1)]))
            .collect());
    }
    let xs: Vec<Goldilocks> = (0..pairs)
        .map(|j| point(shift, log_n, start + 2 * j).map(|x| x + x))
        .collect::<Result<_, _>>()?;
    let inv = Goldilocks::batch_inverse(&xs);
    Ok(values
        .chunks_exact(2)
        .zip(inv)
        .map(|(ab, inv_2x)| pair(ab, inv_2x))
        .collect())
}

/// `arity_bits` binary folds with β, β², β⁴, …; returns the folded values and the new shift.
fn fold(
    values: &[Ext],
    start: usize,
    log_n: u32,
    shift: Goldilocks,
    beta: Ext,
    arity_bits: u32,
) -> Result<(Vec<Ext>, Goldilocks), FriError> {
    let (mut s, mut b, mut start, mut log_n) = (shift, beta, start, log_n);
    let mut v = std::borrow::Cow::Borrowed(values);
    for _ in 0..arity_bits {
        v = std::borrow::Cow::Owned(fold_once(&v, start, log_n, s, b)?);
        s = s.square();
        b = b.square();
        start /= 2;
        log_n -= 1;
    }
    Ok((v.into_owned(), s))
}

/// A layer's values as their coordinates (the Merkle leaves' words), written across threads.
fn leaves(values: &[Ext]) -> Vec<Goldilocks> {
    use rayon::prelude::*;
    if values.len() < 1 << 12 {
        return values.iter().flat_map(|v| v.0).collect();
    }
    let mut out = carbide_field::par_filled(2 * values.len(), Goldilocks::ZERO);
    out.par_chunks_mut(2)
        .zip(values.par_iter())
        .for_each(|(o, v)| o.copy_from_slice(&v.0));
    out
}

/// The coefficients of the polynomial whose values on `shift·H` (bit-reversed) are `values`.
fn interpolate(values: &[Ext], shift: Goldilocks) -> Result<Vec<Ext>, FriError> {
    let n = values.len();
    let log_n = n.trailing_zeros();
    let w_inv = Goldilocks::two_adic_generator(log_n as usize)
        .map_err(|e| FriError::Shape(e.to_string()))?
        .try_inverse()
        .unwrap_or(Goldilocks::ONE);
    let n_inv = Goldilocks::new(n as u64)
        .try_inverse()
        .unwrap_or(Goldilocks::ONE);
    let s_inv = shift
        .try_inverse()
        .ok_or_else(|| FriError::Shape("zero shift".into()))?;
    let natural: Vec<Ext> = (0..n).map(|i| values[reverse_bits(i, log_n)]).collect();
    Ok((0..n)
        .map(|k| {
            let wk = w_inv.exp_u64(k as u64);
            let mut acc = Ext::ZERO;
            let mut x = Goldilocks::ONE;
            for v in &natural {
                acc += *v * x;
                x *= wk;
            }
            acc * (n_inv * s_inv.exp_u64(k as u64))
        })
        .collect())
}

fn evaluate(coeffs: &[Ext], x: Goldilocks) -> Ext {
    coeffs.iter().rev().fold(Ext::ZERO, |acc, c| acc * x + *c)
}

/// Proves that `codeword` (bit-reversed evaluations on `shift·H`, length
/// 2^(log_degree + log_blowup)) has degree below 2^log_degree. The transcript must already
/// hold everything the codeword depends on. Returns the proof and the queried layer-0
/// positions (where the caller opens what the codeword was built from).
pub fn prove(
    config: &FriConfig,
    shift: Goldilocks,
    log_degree: u32,
    codeword: Vec<Ext>,
    transcript: &mut Transcript,
    merkle: &dyn MerkleHasher,
) -> Result<(FriProof, Vec<usize>), FriError> {
    prove_inner(
        config, shift, log_degree, codeword, transcript, merkle, true,
    )
}

/// [`prove`], with the degree check optional: without it, a cheating prover (for tests).
fn prove_inner(
    config: &FriConfig,
    shift: Goldilocks,
    log_degree: u32,
    codeword: Vec<Ext>,
    transcript: &mut Transcript,
    merkle: &dyn MerkleHasher,
    check_degree: bool,
) -> Result<(FriProof, Vec<usize>), FriError> {
    let committed = commit(
        config,
        shift,
        log_degree,
        codeword,
        transcript,
        merkle,
        check_degree,
    )?;
    let pow_nonce = grind(config, transcript, merkle)?;
    let (rounds, positions) = open(config, committed, transcript)?;
    let FriRounds {
        layer_caps,
        final_poly,
        queries,
    } = rounds;
    let proof = FriProof {
        layer_caps,
        final_poly,
        pow_nonce,
        queries,
    };
    Ok((proof, positions))
}

/// A FRI proof without its proof of work: for a prover that runs several FRIs under one
/// nonce (the STARK's tables: every commit phase, then one grind, then every query phase).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriRounds {
    /// Each committed layer's Merkle cap, layer 0 first.
    pub layer_caps: Vec<Vec<Digest>>,
    /// The coefficients of the last layer's polynomial, lowest first.
    pub final_poly: Vec<Ext>,
    /// For each query, one step per layer.
    pub queries: Vec<Vec<FriStep>>,
}

/// The prover's state after the commit phase: every layer, its tree, the final polynomial.
pub(crate) struct Committed {
    layers: Vec<Vec<Ext>>,
    trees: Vec<MerkleTree>,
    final_poly: Vec<Ext>,
    log_n: u32,
}

/// The commit phase: each layer committed (its cap absorbed) and folded with a challenge,
/// then the final polynomial absorbed. `check_degree` false: a cheating prover (for tests).
pub(crate) fn commit(
    config: &FriConfig,
    shift: Goldilocks,
    log_degree: u32,
    codeword: Vec<Ext>,
    transcript: &mut Transcript,
    merkle: &dyn MerkleHasher,
    check_degree: bool,
) -> Result<Committed, FriError> {
    config.check()?;
    if merkle.hash() != config.hash {
        return Err(FriError::Shape(format!(
            "the Merkle backend hashes with {}, the configuration says {}",
            merkle.hash().name(),
            config.hash.name()
        )));
    }
    let log_n = log_degree + config.log_blowup;
    if codeword.len() != 1 << log_n {
        return Err(FriError::Shape(format!(
            "a codeword of {} values for degree 2^{log_degree} and blowup 2^{}",
            codeword.len(),
            config.log_blowup
        )));
    }
    let (rounds, final_log) = config.rounds(log_degree);
    let k = config.arity_bits;
    let (mut layers, mut trees) = (vec![codeword], Vec::<MerkleTree>::new());
    let (mut shift_r, mut log_r) = (shift, log_n);
    for r in 0..rounds {
        let current = &layers[r];
        let width = 2 << k;
        let tree = merkle
            .commit(
                &leaves(current),
                width,
                config.cap_height.min((log_r - k) as usize),
            )
            .map_err(|source| FriError::Merkle { layer: r, source })?;
        transcript.absorb_digests(Tag::Commitment, tree.cap());
        trees.push(tree);
        let beta = transcript.challenge_ext();
        let (next, s) = fold(current, 0, log_r, shift_r, beta, k)?;
        layers.push(next);
        shift_r = s;
        log_r -= k;
    }
    let coeffs = interpolate(&layers[rounds], shift_r)?;
    let len = 1usize << final_log;
    if check_degree && coeffs[len..].iter().any(|c| !c.is_zero()) {
        return Err(FriError::NotLowDegree(log_degree));
    }
    let final_poly = coeffs[..len].to_vec();
    transcript.absorb_ext(Tag::Evaluations, &final_poly);
    Ok(Committed {
        layers,
        trees,
        final_poly,
        log_n,
    })
}

/// The proof of work before the query positions: the least nonce passing, absorbed.
pub(crate) fn grind(
    config: &FriConfig,
    transcript: &mut Transcript,
    merkle: &dyn MerkleHasher,
) -> Result<u64, FriError> {
    let nonce = transcript
        .grind(config.pow_bits, config.hash, merkle)
        .map_err(|e| FriError::Shape(format!("grinding: {e}")))?;
    transcript.absorb(Tag::Nonce, &[Goldilocks::new(nonce)]);
    Ok(nonce)
}

/// The verifier's side of [`grind`]: the nonce must pass; it is absorbed.
pub(crate) fn check_grind(
    config: &FriConfig,
    nonce: u64,
    transcript: &mut Transcript,
) -> Result<(), FriError> {
    if !transcript.check_grind(nonce, config.pow_bits, config.hash) {
        return Err(FriError::ProofOfWork(config.pow_bits));
    }
    transcript.absorb(Tag::Nonce, &[Goldilocks::new(nonce)]);
    Ok(())
}

/// The query phase: positions drawn from the transcript, one coset per layer opened at each.
/// Returns the rounds' part of the proof and the layer-0 positions.
pub(crate) fn open(
    config: &FriConfig,
    committed: Committed,
    transcript: &mut Transcript,
) -> Result<(FriRounds, Vec<usize>), FriError> {
    let Committed {
        layers,
        trees,
        final_poly,
        log_n,
    } = committed;
    let k = config.arity_bits;
    let positions: Vec<usize> = (0..config.num_queries)
        .map(|_| transcript.challenge_index(log_n))
        .collect();
    let queries = positions
        .iter()
        .map(|&p0| {
            let mut p = p0;
            trees
                .iter()
                .enumerate()
                .map(|(r, tree)| {
                    let c = p >> k;
                    let mut coset = layers[r][c << k..(c + 1) << k].to_vec();
                    if r > 0 {
                        // The verifier knows this one: it folded it from the layer before.
                        coset.remove(p & ((1 << k) - 1));
                    }
                    let path = tree
                        .open(c)
                        .map_err(|source| FriError::Merkle { layer: r, source })?;
                    p = c;
                    Ok(FriStep { coset, path })
                })
                .collect::<Result<Vec<_>, FriError>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rounds = FriRounds {
        layer_caps: trees.iter().map(|t| t.cap().to_vec()).collect(),
        final_poly,
        queries,
    };
    Ok((rounds, positions))
}

/// Checks `proof` for a codeword of degree below 2^log_degree over `shift·H`, replaying
/// `transcript`; returns the queried layer-0 positions with their values, which the caller
/// must check. Every shape is checked before use; nothing panics.
pub fn verify(
    config: &FriConfig,
    shift: Goldilocks,
    log_degree: u32,
    proof: &FriProof,
    transcript: &mut Transcript,
) -> Result<Vec<(usize, Ext)>, FriError> {
    let rounds = Rounds {
        layer_caps: &proof.layer_caps,
        final_poly: &proof.final_poly,
        queries: &proof.queries,
    };
    let betas = verify_commit(config, log_degree, rounds, transcript)?;
    check_grind(config, proof.pow_nonce, transcript)?;
    verify_queries(config, shift, log_degree, rounds, &betas, transcript)
}

/// The parts of a proof the rounds check reads (a [`FriProof`]'s or a [`FriRounds`]').
#[derive(Clone, Copy)]
pub(crate) struct Rounds<'a> {
    layer_caps: &'a [Vec<Digest>],
    final_poly: &'a [Ext],
    queries: &'a [Vec<FriStep>],
}

impl<'a> From<&'a FriRounds> for Rounds<'a> {
    fn from(r: &'a FriRounds) -> Self {
        Self {
            layer_caps: &r.layer_caps,
            final_poly: &r.final_poly,
            queries: &r.queries,
        }
    }
}

/// The verifier's commit phase: shapes checked, each layer's cap absorbed and its challenge
/// drawn, the final polynomial absorbed. Returns the challenges.
pub(crate) fn verify_commit(
    config: &FriConfig,
    log_degree: u32,
    proof: Rounds<'_>,
    transcript: &mut Transcript,
) -> Result<Vec<Ext>, FriError> {
    config.check()?;
    let k = config.arity_bits;
    let log_n = log_degree.saturating_add(config.log_blowup);
    if log_n as usize > Goldilocks::TWO_ADICITY {
        return Err(FriError::Shape(format!(
            "2^{log_n} points exceed the field"
        )));
    }
    let (rounds, final_log) = config.rounds(log_degree);
    let shape = |what: &str| Err(FriError::Shape(what.to_owned()));
    if proof.layer_caps.len() != rounds
        || proof.final_poly.len() != 1 << final_log
        || proof.queries.len() != config.num_queries
    {
        return shape("wrong number of layers, final coefficients or queries");
    }
    let mut betas = Vec::with_capacity(rounds);
    for (r, cap) in proof.layer_caps.iter().enumerate() {
        let cap_height = config.cap_height.min((log_n - k * (r as u32 + 1)) as usize);
        if cap.len() != 1 << cap_height {
            return shape("a layer cap of the wrong size");
        }
        transcript.absorb_digests(Tag::Commitment, cap);
        betas.push(transcript.challenge_ext());
    }
    transcript.absorb_ext(Tag::Evaluations, proof.final_poly);
    Ok(betas)
}

/// The verifier's query phase, after [`verify_commit`] (with its challenges) and the proof of
/// work: positions drawn, every coset checked against its layer and folded into the next.
pub(crate) fn verify_queries(
    config: &FriConfig,
    shift: Goldilocks,
    log_degree: u32,
    proof: Rounds<'_>,
    betas: &[Ext],
    transcript: &mut Transcript,
) -> Result<Vec<(usize, Ext)>, FriError> {
    let k = config.arity_bits;
    let log_n = log_degree.saturating_add(config.log_blowup);
    let rounds = proof.layer_caps.len();
    let shape = |what: &str| Err(FriError::Shape(what.to_owned()));
    if betas.len() != rounds || proof.queries.len() != config.num_queries {
        return shape("wrong number of layers or queries");
    }
    let positions: Vec<usize> = (0..config.num_queries)
        .map(|_| transcript.challenge_index(log_n))
        .collect();
    let mut out = Vec::with_capacity(config.num_queries);
    for (q, (steps, &p0)) in proof.queries.iter().zip(&positions).enumerate() {
        if steps.len() != rounds {
            return shape("a query with the wrong number of steps");
        }
        let (mut p, mut shift_r, mut log_r) = (p0, shift, log_n);
        let mut expected: Option<Ext> = None;
        let mut first = None;
        for (r, step) in steps.iter().enumerate() {
            let c = p >> k;
            let i = p & ((1 << k) - 1);
            // Layer 0 sends the whole coset (its value at p is the caller's to check); later
            // layers leave out the value folded from the layer before.
            let coset = match expected {
                None if step.coset.len() == 1 << k => {
                    first = Some(step.coset[i]);
                    step.coset.clone()
                }
                Some(e) if step.coset.len() + 1 == 1 << k => {
                    let mut full = step.coset.clone();
                    full.insert(i, e);
                    full
                }
                _ => return shape("a coset of the wrong size"),
            };
            verify_with(
                config.hash,
                &proof.layer_caps[r],
                c,
                &leaves(&coset),
                &step.path,
            )
            .map_err(|source| FriError::Merkle { layer: r, source })?;
            let (folded, s) = fold(&coset, c << k, log_r, shift_r, betas[r], k)?;
            expected = folded.first().copied();
            shift_r = s;
            log_r -= k;
            p = c;
        }
        let x = point(shift_r, log_r, p)?;
        let last = evaluate(proof.final_poly, x);
        match expected {
            Some(e) if e != last => {
                return Err(FriError::Fold {
                    query: q,
                    layer: rounds,
                });
            }
            None => first = Some(last),
            Some(_) => {}
        }
        out.push((p0, first.unwrap_or(last)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use carbide_field::merkle::CpuMerkle;
    use rand::SeedableRng;

    use super::*;

    fn config(arity_bits: u32) -> FriConfig {
        FriConfig {
            log_blowup: 2,
            arity_bits,
            final_log_len: 2,
            num_queries: 30,
            pow_bits: 4,
            cap_height: 1,
            hash: MerkleHash::Poseidon,
        }
    }

    #[test]
    fn a_cheating_prover_is_caught() {
        // Random values are far from every low-degree codeword: with the degree check off the
        // prover still answers, and the verifier must refuse.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for arity in [1, 2, 3] {
            let cfg = config(arity);
            let log_degree = 7;
            let codeword: Vec<Ext> = (0..1 << (log_degree + cfg.log_blowup))
                .map(|_| Ext::random(&mut rng))
                .collect();
            let shift = Goldilocks::coset_shift();
            let mut t = Transcript::new(b"fri-test");
            let (proof, _) =
                prove_inner(&cfg, shift, log_degree, codeword, &mut t, &CpuMerkle, false).unwrap();
            let mut t = Transcript::new(b"fri-test");
            assert!(
                verify(&cfg, shift, log_degree, &proof, &mut t).is_err(),
                "arity {arity}"
            );
        }
    }
}
