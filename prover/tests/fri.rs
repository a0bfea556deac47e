//! FRI: honest proofs of low-degree codewords verify (arities 2, 4, 8, several degrees, with
//! and without proof of work) and return the codeword's values at the queried positions; a
//! codeword above the degree is refused by the prover; any change to the proof, to what the
//! transcript held before, or to the claimed degree is rejected, without a panic.

use carbide_field::merkle::CpuMerkle;
use carbide_field::merkle::MerkleHash;
use carbide_field::{Field, Goldilocks, GoldilocksExt2, TwoAdicField};
use carbide_prover::fri::{FriConfig, FriError, FriProof, prove, verify};
use carbide_prover::transcript::{Tag, Transcript};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

type Ext = GoldilocksExt2;

fn reverse_bits(x: usize, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        x.reverse_bits() >> (usize::BITS - bits)
    }
}

/// Evaluations on `shift·H` (bit-reversed) of a random polynomial of degree below 2^log_d.
fn codeword(log_d: u32, log_blowup: u32, shift: Goldilocks, seed: u64) -> Vec<Ext> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let coeffs: Vec<Ext> = (0..1 << log_d).map(|_| Ext::random(&mut rng)).collect();
    let log_n = log_d + log_blowup;
    let w = Goldilocks::two_adic_generator(log_n as usize).unwrap();
    (0..1usize << log_n)
        .map(|p| {
            let x = shift * w.exp_u64(reverse_bits(p, log_n) as u64);
            coeffs.iter().rev().fold(Ext::ZERO, |acc, c| acc * x + *c)
        })
        .collect()
}

fn config(arity_bits: u32, pow_bits: u32) -> FriConfig {
    FriConfig {
        log_blowup: 2,
        arity_bits,
        final_log_len: 2,
        num_queries: 20,
        pow_bits,
        cap_height: 2,
        hash: MerkleHash::Poseidon,
    }
}

fn transcript() -> Transcript {
    let mut t = Transcript::new(b"fri-test");
    t.absorb(Tag::Public, &[Goldilocks::new(42)]);
    t
}

#[test]
fn honest_proofs_verify_and_open_the_codeword() {
    let shift = Goldilocks::coset_shift();
    for (arity, pow) in [(1, 0), (2, 8), (3, 4)] {
        for log_d in [0, 2, 3, 6, 9] {
            let cfg = config(arity, pow);
            let word = codeword(log_d, cfg.log_blowup, shift, u64::from(log_d));
            let (proof, positions) = prove(
                &cfg,
                shift,
                log_d,
                word.clone(),
                &mut transcript(),
                &CpuMerkle,
            )
            .unwrap_or_else(|e| panic!("arity {arity} 2^{log_d}: {e}"));
            let opened = verify(&cfg, shift, log_d, &proof, &mut transcript())
                .unwrap_or_else(|e| panic!("arity {arity} 2^{log_d}: {e}"));
            assert_eq!(opened.len(), cfg.num_queries);
            assert_eq!(opened.iter().map(|o| o.0).collect::<Vec<_>>(), positions);
            for (p, v) in opened {
                assert_eq!(word[p], v, "the layer-0 value at {p}");
            }
        }
    }
}

#[test]
fn a_codeword_above_the_degree_is_refused() {
    let shift = Goldilocks::coset_shift();
    let cfg = config(2, 0);
    let word = codeword(7, cfg.log_blowup, shift, 1);
    // Degree 2^7 claimed as below 2^6 (the codeword has the length of degree 2^6, blowup 2^3).
    let mut cfg3 = cfg;
    cfg3.log_blowup = 3;
    let r = prove(
        &cfg3,
        shift,
        6,
        codeword(7, 2, shift, 1),
        &mut transcript(),
        &CpuMerkle,
    );
    assert!(matches!(r, Err(FriError::NotLowDegree(6))), "{r:?}");
    assert!(
        prove(&cfg, shift, 6, word, &mut transcript(), &CpuMerkle).is_err(),
        "wrong length"
    );
}

fn tampered(proof: &FriProof) -> Vec<(&'static str, FriProof)> {
    let mut out = Vec::new();
    let mut p = proof.clone();
    p.final_poly[0] += Ext::ONE;
    out.push(("final coefficient", p));
    let mut p = proof.clone();
    p.pow_nonce += 1;
    out.push(("nonce", p));
    let mut p = proof.clone();
    p.layer_caps[0][0][0] += Goldilocks::ONE;
    out.push(("cap", p));
    let mut p = proof.clone();
    p.queries[3][0].coset[1] += Ext::ONE;
    out.push(("coset value", p));
    let mut p = proof.clone();
    p.queries[5][1].coset[0] += Ext::ONE;
    out.push(("second-layer coset value", p));
    let mut p = proof.clone();
    p.queries[2][0].path[0][2] += Goldilocks::ONE;
    out.push(("path", p));
    let mut p = proof.clone();
    p.queries[0][0].path.pop();
    out.push(("short path", p));
    let mut p = proof.clone();
    p.queries[0].pop();
    out.push(("missing step", p));
    let mut p = proof.clone();
    p.queries.pop();
    out.push(("missing query", p));
    let mut p = proof.clone();
    p.queries[1][0].coset.push(Ext::ONE);
    out.push(("long coset", p));
    let mut p = proof.clone();
    p.final_poly.push(Ext::ZERO);
    out.push(("long final polynomial", p));
    let mut p = proof.clone();
    p.layer_caps.pop();
    out.push(("missing layer", p));
    let mut p = proof.clone();
    p.layer_caps[1].pop();
    out.push(("short cap", p));
    out
}

#[test]
fn tampering_is_rejected() {
    let shift = Goldilocks::coset_shift();
    let cfg = config(1, 6);
    let log_d = 6;
    let word = codeword(log_d, cfg.log_blowup, shift, 9);
    let (proof, _) = prove(&cfg, shift, log_d, word, &mut transcript(), &CpuMerkle).unwrap();
    verify(&cfg, shift, log_d, &proof, &mut transcript()).unwrap();
    for (what, bad) in tampered(&proof) {
        assert!(
            verify(&cfg, shift, log_d, &bad, &mut transcript()).is_err(),
            "{what}"
        );
    }
    // What the transcript held before FRI is bound: another public value fails.
    let mut other = Transcript::new(b"fri-test");
    other.absorb(Tag::Public, &[Goldilocks::new(43)]);
    assert!(verify(&cfg, shift, log_d, &proof, &mut other).is_err());
    // Another degree or shift fails too.
    assert!(verify(&cfg, shift, log_d - 1, &proof, &mut transcript()).is_err());
    assert!(verify(&cfg, shift.square(), log_d, &proof, &mut transcript()).is_err());
    // Unusable configurations and absurd degrees are errors.
    let mut bad = cfg;
    bad.arity_bits = 0;
    assert!(verify(&bad, shift, log_d, &proof, &mut transcript()).is_err());
    assert!(verify(&cfg, shift, 40, &proof, &mut transcript()).is_err());
}
