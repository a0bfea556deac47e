//! Proving zkVM runs: the shipped guests prove and verify with their outputs; malicious
//! traces (one per constraint group) are refused by the prover and, proved anyway by a
//! cheating prover, rejected by the verifier.

use carbide_field::merkle::CpuMerkle;
use carbide_field::{Field, Goldilocks};
use carbide_ntt::Radix2Dit;
use carbide_prover::zkvm::cpu::{self, ALU_OUT, CLK, LDV, NEXT_PC, PC, RDV};
use carbide_prover::zkvm::loadstore;
use carbide_prover::zkvm::{self, Machine, Op, Program, Step, Traces, ZkvmProof};
use rand::{Rng, SeedableRng};

use common::fast_config as config;

mod common;

fn guest(name: &str) -> Program {
    let path = format!("{}/guests/bin/{name}.elf", env!("CARGO_MANIFEST_DIR"));
    Program::from_elf(&std::fs::read(path).unwrap()).unwrap()
}

fn words(xs: &[u32]) -> Vec<u8> {
    xs.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn prove_and_verify(p: &Program, input: &[u8]) -> ZkvmProof {
    let ntt = Radix2Dit::<Goldilocks>::new();
    let proof = zkvm::prove(p, input, 1 << 20, 20, &config(), &ntt, &CpuMerkle).unwrap();
    assert_eq!(proof.segments.len(), 1);
    zkvm::verify(p, input, &proof, &config()).unwrap();
    let run = zkvm::run(p, input, 1 << 20).unwrap();
    assert_eq!(proof.claim.output, run.output);
    assert_eq!(proof.claim.cycles, run.cycles);
    assert_eq!(proof.claim.exit_code, run.exit_code);
    proof
}

#[test]
fn every_guest_proves_and_verifies_with_its_output() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    // fib: F(30).
    let proof = prove_and_verify(&guest("fib"), &words(&[30]));
    assert_eq!(proof.claim.output, 832_040u64.to_le_bytes());
    // sha256 against the sha2 crate, over two blocks.
    use sha2::Digest as _;
    let msg: Vec<u8> = (0..70).map(|_| rng.r#gen()).collect();
    let proof = prove_and_verify(&guest("sha256"), &msg);
    assert_eq!(proof.claim.output, sha2::Sha256::digest(&msg).to_vec());
    // sort against Rust's sort.
    let mut v: Vec<u32> = (0..40).map(|_| rng.r#gen()).collect();
    v.extend([0, u32::MAX, 7, 7]);
    let proof = prove_and_verify(&guest("sort"), &words(&v));
    v.sort_unstable();
    assert_eq!(proof.claim.output, words(&v));
    // bigmul: two 2-limb numbers against u128 (the product of 64-bit numbers fits).
    let (a, b) = (rng.r#gen::<u64>(), u64::MAX);
    let input = words(&[2, a as u32, (a >> 32) as u32, b as u32, (b >> 32) as u32]);
    let proof = prove_and_verify(&guest("bigmul"), &input);
    assert_eq!(
        proof.claim.output,
        (u128::from(a) * u128::from(b)).to_le_bytes()
    );
}

#[test]
fn a_proof_binds_program_input_and_claim() {
    let (p, input) = (guest("fib"), words(&[12]));
    let proof = prove_and_verify(&p, &input);
    let rejects = |p: &Program, input: &[u8], proof: &ZkvmProof, what: &str| {
        assert!(zkvm::verify(p, input, proof, &config()).is_err(), "{what}");
    };
    rejects(&guest("sort"), &input, &proof, "another program");
    rejects(&p, &words(&[13]), &proof, "another input");
    let mut forged = proof.clone();
    forged.claim.output[0] ^= 1;
    rejects(&p, &input, &forged, "a forged output");
    let mut forged = proof.clone();
    forged.claim.output.push(0);
    rejects(&p, &input, &forged, "a longer output");
    let mut forged = proof.clone();
    forged.claim.exit_code = 1;
    rejects(&p, &input, &forged, "a forged exit code");
    // Bound to the zero tag: under another (claim and segments alike) it does not verify.
    let mut forged = proof.clone();
    forged.claim.tag[0] += Goldilocks::ONE;
    for s in &mut forged.segments {
        s.segment.tag = forged.claim.tag;
    }
    rejects(&p, &input, &forged, "another tag");
    for cycles in [proof.claim.cycles - 1, proof.claim.cycles + 1, 0, u64::MAX] {
        let mut forged = proof.clone();
        forged.claim.cycles = cycles;
        rejects(&p, &input, &forged, "forged cycles");
    }
}

/// The run's steps, for finding the rows to tamper with.
fn steps(p: &Program, input: &[u8]) -> Vec<Step> {
    let mut steps = Vec::new();
    Machine::new(p, input)
        .run_with(1 << 20, &mut |s| steps.push(*s))
        .unwrap();
    steps
}

/// A cheating prover's traces: the honest prover refuses them, and their proof (made without
/// the prover's checks) does not verify.
fn rejected(p: &Program, input: &[u8], t: &Traces, what: &str) {
    let ntt = Radix2Dit::<Goldilocks>::new();
    let (c, m) = (config(), CpuMerkle);
    assert!(
        zkvm::prove_traces(p, input, t, &c, &ntt, &m, true).is_err(),
        "the prover accepted {what}"
    );
    let segment = zkvm::prove_traces(p, input, t, &c, &ntt, &m, false)
        .expect("the cheating prover proves traces of the right shape");
    let proof = ZkvmProof::join(p, vec![segment]).unwrap();
    assert!(
        zkvm::verify(p, input, &proof, &c).is_err(),
        "the verifier accepted {what}"
    );
}

/// Where the load/store table's row for step `k` (a load or store) begins: one row per
/// load or store, in cycle order.
fn load_store_row(steps: &[Step], k: usize) -> usize {
    use Op::*;
    let before = steps[..k]
        .iter()
        .filter(|s| matches!(s.instruction.op, Lb | Lbu | Lh | Lhu | Lw | Sb | Sh | Sw))
        .count();
    before * loadstore::WIDTH
}

fn cell(t: &mut Traces, row: usize, col: usize) -> &mut Goldilocks {
    &mut t.tables[0][row * cpu::WIDTH + col]
}

fn bump(t: &mut Traces, row: usize, cols: &[usize]) {
    for &c in cols {
        *cell(t, row, c) += Goldilocks::ONE;
    }
}

#[test]
fn malicious_traces_are_rejected() {
    let (p, input) = (guest("fib"), words(&[10]));
    let honest = zkvm::traces(&p, &input, 1 << 20).unwrap();
    let ntt = Radix2Dit::<Goldilocks>::new();
    let proof = zkvm::prove_traces(&p, &input, &honest, &config(), &ntt, &CpuMerkle, false);
    let proof = ZkvmProof::join(&p, vec![proof.unwrap()]).unwrap();
    zkvm::verify(&p, &input, &proof, &config()).unwrap();
    let steps = steps(&p, &input);
    let find = |pred: &dyn Fn(&Step) -> bool| steps.iter().position(pred).expect("such a step");
    let add = find(&|s| s.instruction.op == Op::Add && s.instruction.rd != 0);
    // A load of a word below 255 (a byte one more is still a byte; the upper bytes zero).
    let lw = find(&|s| s.instruction.op == Op::Lw && s.instruction.rd != 0 && s.rd_value < 255);

    // A wrong ALU result, consistent within the CPU row: the ALU lookup fails.
    let mut t = honest.clone();
    bump(&mut t, add, &[ALU_OUT, RDV]);
    rejected(&p, &input, &t, "a wrong ALU result");
    // A wrong memory read: in the load/store table (table 11, one row per load or store in
    // cycle order) the word's low byte, the word after the access and the value loaded one
    // more, and in the CPU row the value loaded and rd, consistent with them; the byte-pair
    // table's counts moved to match. Only the memory bus can refuse it.
    let mut t = honest.clone();
    let row = load_store_row(&steps, lw);
    let ls = &mut t.tables[11][row..row + loadstore::WIDTH];
    assert_eq!(ls[loadstore::CLK], Goldilocks::new(lw as u64));
    let byte = |c: usize| ls[loadstore::OB + c].as_canonical_u64() as usize;
    let (b0, b1) = (byte(0), byte(1));
    assert!(b0 < 255);
    for c in [loadstore::OB, loadstore::NEW, loadstore::LDV] {
        ls[c] += Goldilocks::ONE;
    }
    t.tables[8][2 * (b0 + 256 * b1)] -= Goldilocks::ONE;
    t.tables[8][2 * (b0 + 1 + 256 * b1)] += Goldilocks::ONE;
    bump(&mut t, lw, &[LDV, RDV]);
    rejected(&p, &input, &t, "a wrong memory read");
    // A load of another kind: the load/store row's LW flag moved to LBU (the value loaded
    // kept). Only the load/store bus, which carries the CPU's kind, can refuse it: the row
    // is a valid LBU of a word whose upper bytes are zero.
    let mut t = honest.clone();
    let ls = &mut t.tables[11][row..row + loadstore::WIDTH];
    assert!((1..4).all(|c| ls[loadstore::OB + c] == Goldilocks::ZERO));
    ls[loadstore::LW] = Goldilocks::ZERO;
    ls[loadstore::LBU] = Goldilocks::ONE;
    rejected(&p, &input, &t, "a load of another kind");
    // A wrong register write.
    let mut t = honest.clone();
    bump(&mut t, add, &[RDV]);
    rejected(&p, &input, &t, "a wrong register write");
    // A wrong pc: the next instruction claimed four bytes on, the pc chain kept.
    let mut t = honest.clone();
    for _ in 0..4 {
        bump(&mut t, add, &[NEXT_PC]);
        bump(&mut t, add + 1, &[PC]);
    }
    rejected(&p, &input, &t, "a wrong pc");
    // A skipped instruction: the row removed, the clock and the rows after it moved up.
    let mut t = honest.clone();
    let w = cpu::WIDTH;
    let skip = add;
    let rows = t.tables[0].len() / w;
    t.tables[0].copy_within((skip + 1) * w.., skip * w);
    let last = t.tables[0][(rows - 2) * w..(rows - 1) * w].to_vec();
    t.tables[0][(rows - 1) * w..].copy_from_slice(&last);
    for r in 0..rows {
        *cell(&mut t, r, CLK) = Goldilocks::new(r as u64);
    }
    rejected(&p, &input, &t, "a skipped instruction");
    // A timestamp difference written out of range: its 16-bit limb 2^16 less and its byte one
    // more (the same previous timestamp), the byte-pair table's counts (table 8: a PAIRS and
    // a U16 multiplicity per row) moved to match. Only the 16-bit range check can refuse it.
    let mut t = honest.clone();
    let mut at = |c: usize| cell(&mut t, add, cpu::DIFF + c).as_canonical_u64() as usize;
    let (lo, hi, hi_next) = (at(0), at(1), at(3));
    assert!(hi < 255);
    *cell(&mut t, add, cpu::DIFF) -= Goldilocks::new(1 << 16);
    *cell(&mut t, add, cpu::DIFF + 1) += Goldilocks::ONE;
    let pairs = &mut t.tables[8];
    pairs[2 * (hi + 256 * hi_next)] -= Goldilocks::ONE;
    pairs[2 * (hi + 1 + 256 * hi_next)] += Goldilocks::ONE;
    pairs[2 * lo + 1] -= Goldilocks::ONE;
    rejected(&p, &input, &t, "a timestamp difference out of range");
    // A forged output: the claim's output byte flipped under the honest traces.
    let mut t = honest.clone();
    t.segment.output[0] ^= 1;
    rejected(&p, &input, &t, "a forged output");
}
