//! `carbide market demo`: a requester posts zkVM tasks (the Fibonacci guest on several
//! inputs), four providers bid (two honest, one that tampers with its proofs, one that drops
//! out), four verifiers (one colluding, accepting anything) are drawn three at a time; every
//! proof is real. The outcome is a table per task, the balances, and the log's replay.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};

use super::agent::{Agent, prover_version};
use super::exchange::{Market, Rules, VerifierNode, replay};
use super::protocol::{Bid, PROTOCOL_VERSION, Task, Workload};
use crate::cli::digest_hex;
use crate::zkvm::Program;

/// How a provider behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Proves and submits.
    Honest,
    /// Proves, then changes a proof byte or the claimed output before submitting.
    Tampers,
    /// Takes the task and never submits.
    DropsOut,
}

/// One task's story.
#[derive(Clone, Debug)]
pub struct Row {
    /// The task.
    pub task: u64,
    /// The guest's input (n of F(n)).
    pub n: u32,
    /// Each attempt: provider and what happened.
    pub attempts: Vec<(String, String)>,
    /// The accepted proof's output (F(n), little-endian), if any.
    pub output: Option<Vec<u8>>,
    /// Its cycles.
    pub cycles: u64,
    /// Its proving time.
    pub proving_ms: u64,
}

/// The demo's outcome.
#[derive(Clone, Debug)]
pub struct Report {
    /// One row per task.
    pub rows: Vec<Row>,
    /// Deposits by party.
    pub deposits: BTreeMap<String, i64>,
    /// Balances at the end.
    pub balances: BTreeMap<String, i64>,
    /// Funds still in escrow (zero when every task closed).
    pub escrow: i64,
    /// The log, JSON lines.
    pub log: String,
    /// The log's replay.
    pub replayed: BTreeMap<String, i64>,
}

/// The providers: (name, behaviour).
pub const PROVIDERS: [(&str, Behaviour); 4] = [
    ("prover-a", Behaviour::Honest),
    ("prover-b", Behaviour::Honest),
    ("mallory", Behaviour::Tampers),
    ("dropper", Behaviour::DropsOut),
];

/// Runs the demo over `tasks` tasks with the market's draws (and the bids) seeded by `seed`,
/// calling `progress` with a line per event worth showing.
pub fn run(
    fib_elf: &[u8],
    tasks: u64,
    seed: u64,
    progress: &mut dyn FnMut(&str),
) -> Result<Report, String> {
    let program = Program::from_elf(fib_elf).map_err(|e| e.to_string())?;
    let rules = Rules::default();
    let mut market = Market::new(rules.clone(), seed);
    let mut deposits = BTreeMap::new();
    let mut deposit = |m: &mut Market, who: &str, amount: u64| {
        m.deposit(who, amount);
        *deposits.entry(who.to_owned()).or_insert(0) += amount as i64;
    };
    deposit(&mut market, "alice", 100 * tasks + 1000);
    for (name, _) in PROVIDERS {
        deposit(&mut market, name, 1000);
    }
    for (name, honest) in [
        ("v1", true),
        ("v2", true),
        ("v3", true),
        ("v-colluder", false),
    ] {
        market.add_verifier(VerifierNode {
            name: name.into(),
            honest,
        });
    }
    let agents: Vec<Agent> = PROVIDERS.iter().map(|(n, _)| Agent::new(n)).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut now = 0u64;
    let mut rows = Vec::new();
    for id in 1..=tasks {
        let n = 8 + (id as u32 * 7) % 40;
        let task = Task {
            version: PROTOCOL_VERSION,
            id,
            requester: "alice".into(),
            workload: Workload::Zkvm {
                program: digest_hex(&program.digest()),
                elf: fib_elf.to_vec(),
                input: n.to_le_bytes().to_vec(),
                max_cycles: 1 << 16,
            },
            prover_version: prover_version(),
            min_security_bits: 100,
            deadline_ms: 60_000,
            reward: 100,
            collateral: 50,
        };
        market.post(task.clone()).map_err(|e| e.to_string())?;
        // Each task has a favourite (high stake); the others bid at random.
        for (k, (name, _)) in PROVIDERS.iter().enumerate() {
            let favourite = k as u64 == id % PROVIDERS.len() as u64;
            let stake = if favourite {
                400
            } else {
                rng.gen_range(50..300)
            };
            market
                .bid(Bid {
                    version: PROTOCOL_VERSION,
                    task: id,
                    provider: (*name).into(),
                    price: rng.gen_range(40..90),
                    stake,
                })
                .map_err(|e| e.to_string())?;
        }
        let mut row = Row {
            task: id,
            n,
            attempts: Vec::new(),
            output: None,
            cycles: 0,
            proving_ms: 0,
        };
        let mut assigned = market.assign(id, now).map_err(|e| e.to_string())?;
        while let Some(a) = assigned.take() {
            let k = PROVIDERS
                .iter()
                .position(|(p, _)| *p == a.provider)
                .ok_or("an unknown provider")?;
            if PROVIDERS[k].1 == Behaviour::DropsOut {
                now = a.deadline + 1;
                let next = market.tick(now);
                row.attempts
                    .push((a.provider.clone(), "dropped out: slashed".into()));
                progress(&format!("task {id}: {} dropped out, slashed", a.provider));
                assigned = next.into_iter().find(|x| x.task == id);
                continue;
            }
            let mut sub = agents[k].handle(&task).map_err(|r| r.reason)?;
            if PROVIDERS[k].1 == Behaviour::Tampers {
                if id % 2 == 0 {
                    let at = sub.proof.len() - 200;
                    sub.proof[at] ^= 1;
                } else {
                    sub.output[0] ^= 1;
                }
            }
            now += sub.proving_ms.max(1);
            let outcome = market.submit(&sub, now).map_err(|e| e.to_string())?;
            let votes: Vec<String> = outcome
                .verdicts
                .iter()
                .map(|v| format!("{} {}", v.verifier, if v.accept { "yes" } else { "no" }))
                .collect();
            let what = if outcome.accepted {
                row.output = Some(sub.output.clone());
                row.cycles = sub.cycles;
                row.proving_ms = sub.proving_ms;
                format!("accepted ({})", votes.join(", "))
            } else {
                format!("rejected, slashed ({})", votes.join(", "))
            };
            progress(&format!("task {id}: {} {what}", a.provider));
            row.attempts.push((a.provider.clone(), what));
            assigned = outcome.next;
        }
        rows.push(row);
    }
    let log = market.log_json();
    let replayed = replay(&log, &rules).map_err(|e| e.to_string())?;
    Ok(Report {
        rows,
        deposits,
        balances: market.balances().clone(),
        escrow: market.escrow(),
        log,
        replayed,
    })
}

/// The report as text: the outcome table, the balances, the replay check.
pub fn table(r: &Report) -> String {
    let mut s = String::from("task  n   cycles  proving ms  output (F(n), LE hex)  attempts\n");
    for row in &r.rows {
        let out = row
            .output
            .as_ref()
            .map_or("-".into(), |o| super::protocol::hex_bytes::encode(o));
        let attempts: Vec<String> = row
            .attempts
            .iter()
            .map(|(p, w)| format!("{p}: {w}"))
            .collect();
        s += &format!(
            "{:>4}  {:>2}  {:>6}  {:>10}  {out:<21}  {}\n",
            row.task,
            row.n,
            row.cycles,
            row.proving_ms,
            attempts.join(" → ")
        );
    }
    s += "\nparty        deposited   balance    change\n";
    for (party, bal) in &r.balances {
        let dep = r.deposits.get(party).copied().unwrap_or_default();
        s += &format!("{party:<11} {dep:>10} {bal:>9} {:>+9}\n", bal - dep);
    }
    let total: i64 = r.balances.values().sum::<i64>() + r.escrow;
    let deposited: i64 = r.deposits.values().sum();
    s += &format!(
        "\nfunds: {total} held + escrowed, {deposited} deposited; log: {} events; replay gives the same balances: {}\n",
        r.log.lines().count(),
        if r.replayed == r.balances {
            "yes"
        } else {
            "NO"
        }
    );
    s
}
