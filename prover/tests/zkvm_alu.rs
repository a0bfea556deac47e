//! The zkVM's ALU table: random and edge operations of every kind prove and verify in one
//! statement with the bitwise, byte-pair and byte tables; a wrong result claimed by the
//! caller, a wrong ALU row, a wrong flag and a wrong sign bit are each refused by the prover
//! and, proved anyway by a cheating prover, rejected by the verifier.

use carbide_field::merkle::CpuMerkle;
use carbide_field::{Field, Goldilocks};
use carbide_ntt::Radix2Dit;
use std::sync::{Mutex, OnceLock};

use carbide_prover::stark::{
    Air, ByteRangeAir, ProveError, StarkProof, Table, VerifyingKey, prove_tables,
    prove_tables_unchecked, verify_tables, verify_tables_with_key,
};
use carbide_prover::zkvm::Op;
use carbide_prover::zkvm::alu::{self, AluAir, AluCallsAir, AluTraces, BytePairsAir, OPS};
use rand::{Rng, SeedableRng};

use common::fast_config as config;

mod common;

const AIRS: [&dyn Air; 5] = [
    &AluCallsAir,
    &AluAir,
    &BytePairsAir { bitwise: true },
    &BytePairsAir { bitwise: false },
    &ByteRangeAir,
];

fn tables(t: &AluTraces) -> [Vec<Goldilocks>; 5] {
    [
        t.calls.clone(),
        t.alu.clone(),
        t.bitwise.clone(),
        t.pairs.clone(),
        t.bytes.clone(),
    ]
}

fn prove(traces: &[Vec<Goldilocks>; 5], honest: bool) -> Result<StarkProof, ProveError> {
    let tables: Vec<Table<'_>> = AIRS
        .iter()
        .zip(traces)
        .map(|(&air, trace)| Table {
            air,
            trace,
            public: &[],
        })
        .collect();
    let ntt = Radix2Dit::<Goldilocks>::new();
    if honest {
        prove_tables(&tables, &config(), &ntt, &CpuMerkle)
    } else {
        prove_tables_unchecked(&tables, &config(), &ntt, &CpuMerkle)
    }
}

/// The verifying key for these sizes (the byte-pair tables' commitments computed once).
fn key(log_rows: u32) -> &'static VerifyingKey {
    static KEYS: OnceLock<Mutex<Vec<(u32, &'static VerifyingKey)>>> = OnceLock::new();
    let mut keys = KEYS.get_or_init(Default::default).lock().unwrap();
    if let Some((_, k)) = keys.iter().find(|(n, _)| *n == log_rows) {
        return k;
    }
    let sizes = [log_rows, log_rows, 16, 16, 8];
    let airs: Vec<(&dyn Air, u32)> = AIRS.iter().copied().zip(sizes).collect();
    let k = Box::leak(Box::new(VerifyingKey::new(&airs, &config()).unwrap()));
    keys.push((log_rows, k));
    k
}

fn verify(proof: &StarkProof) -> bool {
    let statement: Vec<(&dyn Air, &[Goldilocks])> = AIRS.iter().map(|&a| (a, &[][..])).collect();
    let log_rows = proof.tables.first().map_or(1, |t| t.log_rows);
    verify_tables_with_key(&statement, &config(), proof, key(log_rows)).is_ok()
}

/// A change to the five traces.
type Change = dyn Fn(&mut [Vec<Goldilocks>; 5]);

fn calls() -> Vec<(Op, u32, u32)> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
    let edge = [
        0,
        1,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0x0000_00ff,
        0x0001_0000,
    ];
    let mut v = Vec::new();
    for op in OPS {
        for &a in &edge {
            for &b in &edge[..4] {
                v.push((op, a, b));
            }
        }
        for _ in 0..6 {
            v.push((op, rng.r#gen(), rng.r#gen()));
        }
    }
    v.push((Op::Addi, 5, (-3i32) as u32));
    v
}

#[test]
fn every_operation_proves_and_verifies() {
    let calls = calls();
    let t = alu::traces(&calls).unwrap();
    // The calls carry the executor's results.
    for (row, &(op, a, b)) in t.calls.chunks(4).zip(&calls) {
        assert_eq!(row[3], Goldilocks::new(u64::from(alu::result(op, a, b))));
    }
    let proof = prove(&tables(&t), true).unwrap();
    assert!(verify(&proof));
    // The same without a key computed beforehand.
    let statement: Vec<(&dyn Air, &[Goldilocks])> = AIRS.iter().map(|&a| (a, &[][..])).collect();
    verify_tables(&statement, &config(), &proof).unwrap();
    assert!(alu::traces(&[(Op::Mul, 1, 2)]).is_none());
}

/// Each change to an honest statement: the prover refuses it, and a cheating prover's proof of
/// it is rejected.
#[test]
fn wrong_results_are_refused_and_rejected() {
    let calls = calls();
    let t = alu::traces(&calls).unwrap();
    let honest = tables(&t);
    let w = alu::WIDTH;
    // Row 3 of the calls: ADD 0 + 0x8000_0000 (edge[0] + edge[3]); row 24: ADD 0x1_0000 + 0.
    let row = 3;
    assert_eq!(calls[row], (Op::Add, 0, 0x8000_0000));
    assert_eq!(calls[24], (Op::Add, 0x0001_0000, 0));
    let changes: Vec<(&str, Box<Change>)> = vec![
        (
            "a wrong result claimed by the caller",
            Box::new(move |t| t[0][4 * row + 3] += Goldilocks::ONE),
        ),
        (
            "the ALU row agreeing with the wrong claim",
            Box::new(move |t| {
                t[0][4 * row + 3] += Goldilocks::ONE;
                t[1][w * row + 15] += Goldilocks::ONE; // R byte 0
            }),
        ),
        (
            "a wrong carry flag",
            Box::new(move |t| t[1][w * row + 23] = Goldilocks::ONE),
        ),
        (
            "an operand byte out of range (the word unchanged)",
            Box::new(move |t| {
                // Row 24: ADD 0x0001_0000 + 0, a's bytes (0, 0, 1, 0) written (0, 256, 0, 0).
                t[1][w * 24 + 8] = Goldilocks::new(256);
                t[1][w * 24 + 9] = Goldilocks::ZERO;
            }),
        ),
    ];
    for (what, change) in changes {
        let mut bad = honest.clone();
        change(&mut bad);
        assert!(prove(&bad, true).is_err(), "{what}: the prover accepted it");
        // (A cheating prover may not even be able to write it down.)
        if let Ok(proof) = prove(&bad, false) {
            assert!(!verify(&proof), "{what}: the verifier accepted it");
        }
    }
    // SLT with a forged sign bit: −1 < 0 claimed false, with sa = 0.
    let slt = vec![(Op::Slt, u32::MAX, 0)];
    let t = alu::traces(&slt).unwrap();
    let mut bad = tables(&t);
    bad[0][3] = Goldilocks::ZERO; // c = 0
    bad[1][15] = Goldilocks::ZERO; // r = 0
    bad[1][23] = Goldilocks::ZERO; // f = 0
    bad[1][24] = Goldilocks::ZERO; // sa = 0: a read as 2^32 − 1
    // d = a − b = 0xffff_ffff then, its bytes all 255.
    for i in 0..4 {
        bad[1][19 + i] = Goldilocks::new(255);
    }
    assert!(prove(&bad, true).is_err());
    if let Ok(proof) = prove(&bad, false) {
        assert!(!verify(&proof));
    }
}
