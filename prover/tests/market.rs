//! The market adapter against the whitepaper's threat model: a tampered proof or a wrong
//! output is caught and slashed, a dropout is reassigned, one colluding verifier among three
//! cannot pass an invalid proof, splitting stake across Sybil identities wins nothing, a
//! provider cannot submit for a task it was not assigned, a submission replayed for another
//! task fails; the agent refuses what it cannot meet; the log replays to the same balances.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use carbide_field::merkle::MerkleHash;
use carbide_prover::cli::digest_hex;
use carbide_prover::market::agent::{Agent, Reply, prover_version};
use carbide_prover::market::exchange::{Market, MarketError, Rules, VerifierNode, replay};
use carbide_prover::market::protocol::{
    Bid, PROTOCOL_VERSION, Submission, Task, Workload, hex_bytes,
};
use carbide_prover::market::verify;
use carbide_prover::zkvm::Program;

mod common;

fn fib_elf() -> Vec<u8> {
    std::fs::read(format!("{}/guests/bin/fib.elf", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn task(id: u64, n: u32) -> Task {
    let elf = fib_elf();
    Task {
        version: PROTOCOL_VERSION,
        id,
        requester: "alice".into(),
        workload: Workload::Zkvm {
            program: digest_hex(&Program::from_elf(&elf).unwrap().digest()),
            elf,
            input: n.to_le_bytes().to_vec(),
            max_cycles: 1 << 14,
        },
        prover_version: prover_version(),
        min_security_bits: 100,
        deadline_ms: 10_000,
        reward: 100,
        collateral: 50,
    }
}

/// BLAKE3 trees: the same checks, faster proofs.
fn agent(name: &str) -> Agent {
    Agent::new(name).with_hash(MerkleHash::Blake3)
}

/// Honest submissions of tasks 1 and 2 (F(10), F(11)) by "prover-a", proved once.
fn honest() -> &'static (Task, Submission, Task, Submission) {
    static S: OnceLock<(Task, Submission, Task, Submission)> = OnceLock::new();
    S.get_or_init(|| {
        let (t1, t2) = (task(1, 10), task(2, 11));
        let a = agent("prover-a");
        let s1 = a.handle(&t1).unwrap();
        let s2 = a.handle(&t2).unwrap();
        (t1, s1, t2, s2)
    })
}

fn market(colluders: usize) -> Market {
    let mut m = Market::new(Rules::default(), 42);
    m.deposit("alice", 1000);
    for p in ["prover-a", "prover-b", "prover-c"] {
        m.deposit(p, 500);
    }
    for v in ["v1", "v2", "v3"] {
        m.add_verifier(VerifierNode {
            name: v.into(),
            honest: true,
        });
    }
    for k in 0..colluders {
        m.add_verifier(VerifierNode {
            name: format!("colluder-{k}"),
            honest: false,
        });
    }
    m
}

fn bid(m: &mut Market, task: u64, provider: &str, price: u64, stake: u64) {
    m.bid(Bid {
        version: PROTOCOL_VERSION,
        task,
        provider: provider.into(),
        price,
        stake,
    })
    .unwrap();
}

/// Funds are conserved: balances plus escrow equal the deposits.
fn conserved(m: &Market, deposited: i64) {
    assert_eq!(m.balances().values().sum::<i64>() + m.escrow(), deposited);
}

#[test]
fn an_honest_proof_is_accepted_and_paid() {
    let (t1, s1, ..) = honest();
    verify::check(t1, s1).unwrap();
    let mut m = market(0);
    m.post(t1.clone()).unwrap();
    bid(&mut m, 1, "prover-a", 60, 200);
    bid(&mut m, 1, "prover-b", 70, 200);
    let a = m.assign(1, 0).unwrap().unwrap();
    assert_eq!(a.provider, "prover-a");
    assert_eq!(m.balance("prover-a"), 450);
    let out = m.submit(s1, 5).unwrap();
    assert!(out.accepted && out.verdicts.len() == 3);
    assert!(m.is_done(1));
    // 10 to the verifiers (3 each, the rest back), 60 to the provider, collateral returned.
    assert_eq!(m.balance("prover-a"), 560);
    assert_eq!(m.balance("v1"), 3);
    assert_eq!(m.balance("alice"), 1000 - 60 - 9);
    conserved(&m, 2500);
    assert_eq!(
        replay(&m.log_json(), &Rules::default()).unwrap(),
        *m.balances()
    );
}

#[test]
fn a_tampered_proof_or_a_wrong_output_is_caught_and_slashed() {
    let (t1, s1, ..) = honest();
    let mut tampered = s1.clone();
    let at = tampered.proof.len() - 300;
    tampered.proof[at] ^= 1;
    let mut wrong = s1.clone();
    wrong.output[0] ^= 1;
    let mut too_few = s1.clone();
    too_few.cycles -= 1;
    for (bad, what) in [
        (tampered, "a tampered proof"),
        (wrong, "a wrong output"),
        (too_few, "wrong cycles"),
    ] {
        assert!(verify::check(t1, &bad).is_err(), "{what} passed the check");
        let mut m = market(0);
        m.post(t1.clone()).unwrap();
        bid(&mut m, 1, "prover-a", 60, 300);
        bid(&mut m, 1, "prover-b", 70, 100);
        m.assign(1, 0).unwrap();
        let out = m.submit(&bad, 5).unwrap();
        assert!(!out.accepted, "{what} accepted");
        assert!(
            out.verdicts
                .iter()
                .all(|v| !v.accept && !v.reason.is_empty())
        );
        // The collateral went to the three verifiers (8 each) and the requester (26).
        assert_eq!(m.balance("prover-a"), 450, "{what}");
        assert_eq!(m.balance("v2"), 8);
        // The task went to the next bidder.
        assert_eq!(out.next.unwrap().provider, "prover-b");
        assert_eq!(m.assignee(1).as_deref(), Some("prover-b"));
        conserved(&m, 2500);
        assert_eq!(
            replay(&m.log_json(), &Rules::default()).unwrap(),
            *m.balances()
        );
    }
}

#[test]
fn a_dropout_is_slashed_and_the_task_reassigned() {
    let (t1, s1, ..) = honest();
    let mut m = market(0);
    m.post(t1.clone()).unwrap();
    bid(&mut m, 1, "prover-c", 50, 400);
    bid(&mut m, 1, "prover-a", 60, 100);
    let a = m.assign(1, 0).unwrap().unwrap();
    assert_eq!(a.provider, "prover-c");
    assert!(m.tick(a.deadline).is_empty(), "not late at the deadline");
    let next = m.tick(a.deadline + 1);
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].provider, "prover-a");
    assert_eq!(m.balance("prover-c"), 450);
    // The dropout cannot come back with a proof; the new assignee's is accepted.
    let mut late = s1.clone();
    late.provider = "prover-c".into();
    assert!(matches!(
        m.submit(&late, a.deadline + 2),
        Err(MarketError::NotAssigned { .. })
    ));
    assert!(m.submit(s1, a.deadline + 3).unwrap().accepted);
    conserved(&m, 2500);
    assert_eq!(
        replay(&m.log_json(), &Rules::default()).unwrap(),
        *m.balances()
    );
}

#[test]
fn one_colluding_verifier_among_three_cannot_pass_an_invalid_proof() {
    let (t1, s1, ..) = honest();
    let mut bad = s1.clone();
    bad.output[1] ^= 4;
    // Pools of three honest verifiers and one colluder, draws of three: over many seeds the
    // colluder is drawn often, and the majority still rejects.
    let mut drawn = 0;
    for seed in 0..12 {
        let mut m = Market::new(Rules::default(), seed);
        m.deposit("alice", 1000);
        m.deposit("prover-a", 500);
        for (v, honest) in [("v1", true), ("v2", true), ("v3", true), ("c", false)] {
            m.add_verifier(VerifierNode {
                name: v.into(),
                honest,
            });
        }
        m.post(t1.clone()).unwrap();
        bid(&mut m, 1, "prover-a", 60, 100);
        m.assign(1, 0).unwrap();
        let out = m.submit(&bad, 1).unwrap();
        assert!(!out.accepted);
        if out.verdicts.iter().any(|v| v.verifier == "c") {
            drawn += 1;
            assert_eq!(out.verdicts.iter().filter(|v| v.accept).count(), 1);
        }
        // No bidder left: the task fails and the reward returns.
        assert!(out.next.is_none());
        assert_eq!(m.balance("alice"), 1000 - 100 + 100 + 26);
    }
    assert!(drawn > 0, "the colluder was never drawn");
}

#[test]
fn splitting_stake_across_sybil_identities_wins_nothing() {
    let t = task(7, 5);
    let mut m = market(0);
    m.deposit("sybil-1", 500);
    m.deposit("sybil-2", 500);
    m.post(t).unwrap();
    // One identity with stake 300, or the same 300 split over two identities at the same price.
    bid(&mut m, 7, "prover-a", 60, 300);
    bid(&mut m, 7, "sybil-1", 60, 150);
    bid(&mut m, 7, "sybil-2", 60, 150);
    let a = m.assign(7, 0).unwrap().unwrap();
    assert_eq!(a.provider, "prover-a");
    let score = |stake| {
        m.score(&Bid {
            version: PROTOCOL_VERSION,
            task: 7,
            provider: String::new(),
            price: 60,
            stake,
        })
    };
    assert!(score(300) > score(150));
    // A bid's stake is backed by the bidder's balance, so identities cannot inflate it.
    m.post(task(8, 5)).unwrap();
    let e = m
        .bid(Bid {
            version: PROTOCOL_VERSION,
            task: 8,
            provider: "sybil-1".into(),
            price: 10,
            stake: 600,
        })
        .unwrap_err();
    assert!(e.to_string().contains("stake"), "{e}");
}

#[test]
fn a_provider_cannot_submit_for_a_task_it_was_not_assigned() {
    let (t1, s1, ..) = honest();
    let mut m = market(0);
    m.post(t1.clone()).unwrap();
    bid(&mut m, 1, "prover-b", 60, 300);
    bid(&mut m, 1, "prover-a", 60, 100);
    m.assign(1, 0).unwrap();
    // prover-a's valid proof, but prover-b holds the task.
    assert!(matches!(
        m.submit(s1, 1),
        Err(MarketError::NotAssigned { .. })
    ));
    // Claiming to be prover-b changes nothing about the proof, which is valid: the market
    // checks the assignee's name, the signature layer (not carbide's) that it is prover-b.
    let mut unposted = s1.clone();
    unposted.task = 99;
    assert!(m.submit(&unposted, 1).is_err());
    assert_eq!(m.balance("prover-a"), 500);
}

#[test]
fn a_submission_replayed_for_another_task_fails() {
    let (t1, s1, t2, s2) = honest();
    verify::check(t2, s2).unwrap();
    // Task 1's proof relabelled for task 2 (a same-shaped task with another input), and for a
    // copy of task 1 under another id (the same program and input): bound to task 1, both fail.
    let mut replayed = s1.clone();
    replayed.task = 2;
    let e = verify::check(t2, &replayed).unwrap_err();
    assert!(
        e.contains("another input") || e.contains("another task"),
        "{e}"
    );
    let mut copy = t1.clone();
    copy.id = 3;
    let mut replayed = s1.clone();
    replayed.task = 3;
    assert_eq!(
        verify::check(&copy, &replayed).unwrap_err(),
        "the proof is bound to another task"
    );
    // The same through the market: slashed.
    let mut m = market(0);
    m.post(copy).unwrap();
    bid(&mut m, 3, "prover-a", 60, 100);
    m.assign(3, 0).unwrap();
    assert!(!m.submit(&replayed, 1).unwrap().accepted);
    assert_eq!(m.balance("prover-a"), 450);
}

#[test]
fn the_agent_refuses_what_it_cannot_meet_and_serves_the_next_line() {
    let a = agent("prover-a");
    let refusal = |t: &Task| a.handle(t).unwrap_err().reason;
    let mut t = task(5, 3);
    t.prover_version = "9.9".into();
    assert!(refusal(&t).contains("prover version"));
    let mut t = task(5, 3);
    t.min_security_bits = 128;
    assert!(refusal(&t).contains("bits of security"));
    let mut t = task(5, 3);
    let Workload::Zkvm { max_cycles, .. } = &mut t.workload else {
        unreachable!()
    };
    *max_cycles = 1 << 40;
    assert!(refusal(&t).contains("cycles allowed"));
    let mut t = task(5, 3);
    let Workload::Zkvm { program, .. } = &mut t.workload else {
        unreachable!()
    };
    let first = if program.starts_with('0') { "1" } else { "0" };
    program.replace_range(0..1, first);
    assert!(refusal(&t).contains("not the program"));
    let mut t = task(5, 3);
    let Workload::Zkvm { max_cycles, .. } = &mut t.workload else {
        unreachable!()
    };
    *max_cycles = 10;
    assert!(refusal(&t).contains("cycle limit"));
    // A calibrated agent refuses a deadline it would miss.
    let mut slow = agent("slow");
    slow.speed = Some(1.0);
    let r = slow.handle(&task(5, 3)).unwrap_err().reason;
    assert!(r.contains("deadline"), "{r}");
    // JSON lines: a malformed line and a line of another version get one-line refusals, the
    // next task is served.
    let bad = a.handle_line("{not json");
    assert!(
        bad.starts_with("{\"refusal\"") && !bad.contains('\n'),
        "{bad}"
    );
    let mut other = serde_json::to_value(task(5, 3)).unwrap();
    other["version"] = 2.into();
    assert!(
        a.handle_line(&other.to_string())
            .contains("protocol version 2")
    );
    let line = serde_json::to_string(&task(6, 4)).unwrap();
    let Reply::Submission(s) = serde_json::from_str(&a.handle_line(&line)).unwrap() else {
        panic!("no submission");
    };
    // F(4) = 3.
    assert_eq!(hex_bytes::encode(&s.output), "0300000000000000");
    verify::check(&task(6, 4), &s).unwrap();
}

#[test]
fn the_demo_runs_every_role_and_its_log_replays() {
    let report = carbide_prover::market::demo::run(&fib_elf(), 10, 7, &mut |_| {}).unwrap();
    assert_eq!(report.rows.len(), 10);
    assert_eq!(report.replayed, report.balances);
    assert_eq!(report.escrow, 0);
    let total: i64 = report.balances.values().sum();
    assert_eq!(total, report.deposits.values().sum::<i64>());
    let stories: Vec<String> = report
        .rows
        .iter()
        .flat_map(|r| r.attempts.iter().map(|(p, w)| format!("{p}: {w}")))
        .collect();
    assert!(stories.iter().any(|s| s.starts_with("mallory: rejected")));
    assert!(
        stories
            .iter()
            .any(|s| s.starts_with("dropper: dropped out"))
    );
    // Every task ends with a valid proof of F(n), never from mallory or dropper.
    for r in &report.rows {
        let (last, what) = r.attempts.last().unwrap();
        assert!(
            what.starts_with("accepted") && last.starts_with("prover-"),
            "{r:?}"
        );
        let (mut a, mut b) = (0u64, 1u64);
        for _ in 0..r.n {
            (a, b) = (b, a.wrapping_add(b));
        }
        assert_eq!(r.output.as_deref(), Some(&a.to_le_bytes()[..]));
    }
    assert!(report.balances["mallory"] < 1000 && report.balances["dropper"] < 1000);
    let table = carbide_prover::market::demo::table(&report);
    assert!(
        table.contains("replay gives the same balances: yes"),
        "{table}"
    );
}

#[test]
fn carbide_agent_round_trips_a_task_to_an_accepted_submission() {
    let t = task(11, 12);
    let mut child = Command::new(common::carbide_exe())
        .args(["agent", "--name", "cli-agent", "--hash", "blake3"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "not a task").unwrap();
        writeln!(stdin, "{}", serde_json::to_string(&t).unwrap()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let Reply::Refusal(r) = serde_json::from_str(lines[0]).unwrap() else {
        panic!("{}", lines[0]);
    };
    assert!(r.reason.starts_with("malformed task"), "{}", r.reason);
    let Reply::Submission(s) = serde_json::from_str(lines[1]).unwrap() else {
        panic!("{}", lines[1]);
    };
    assert_eq!(s.provider, "cli-agent");
    // F(12) = 144.
    assert_eq!(s.output, 144u64.to_le_bytes());
    let checked = verify::check(&t, &s).unwrap();
    assert_eq!(checked.tag(), Some(t.digest()));
}

#[test]
fn a_built_in_statement_task_is_proved_bound_and_checked() {
    let air_task = |id: u64, air: &str, log_rows: u32| Task {
        workload: Workload::Air {
            air: air.into(),
            log_rows,
        },
        ..task(id, 0)
    };
    let t = air_task(21, "fib", 8);
    assert_eq!(t.workload.work(), 2 << 8);
    let a = agent("prover-a");
    let s = a.handle(&t).unwrap();
    let checked = verify::check(&t, &s).unwrap();
    assert_eq!(checked.tag(), Some(t.digest()));
    // fib's public values: the first two terms and the last.
    assert_eq!(s.output.len(), 3 * 8);
    // Another task's tag, another statement or size, a changed public value: rejected.
    let mut other = t.clone();
    other.id = 22;
    let mut replayed = s.clone();
    replayed.task = 22;
    assert_eq!(
        verify::check(&other, &replayed).unwrap_err(),
        "the proof is bound to another task"
    );
    let mut wide = air_task(21, "wide-fib", 8);
    wide.id = 21;
    assert!(verify::check(&wide, &s).is_err());
    assert!(verify::check(&air_task(21, "fib", 9), &s).is_err());
    let mut forged = s.clone();
    forged.output[16] ^= 1;
    assert!(verify::check(&t, &forged).is_err());
    let mut forged = s.clone();
    let at = forged.proof.len() - 64;
    forged.proof[at] ^= 1;
    assert!(verify::check(&t, &forged).is_err());
    // What the agent will not take.
    assert!(
        a.handle(&air_task(23, "sha3", 8))
            .unwrap_err()
            .reason
            .contains("unknown")
    );
    assert!(
        a.handle(&air_task(24, "fib", 30))
            .unwrap_err()
            .reason
            .contains("rows")
    );
    // Through the market.
    let mut m = market(0);
    m.post(t.clone()).unwrap();
    bid(&mut m, 21, "prover-a", 60, 100);
    m.assign(21, 0).unwrap();
    assert!(m.submit(&s, 1).unwrap().accepted);
}
