//! A reference market, the rules of the Cysic whitepaper on one machine: providers bid, the
//! best bid by a weighted sum of stake and price wins the task, the winner escrows collateral
//! and must submit before its deadline (else it is slashed and the task goes to the next
//! bidder); k verifiers drawn by a seeded, recorded draw judge the proof, the majority
//! decides; a valid proof pays the provider and the verifiers out of the reward, an invalid
//! one forfeits the collateral to the verifiers and the requester. Every change is an event
//! of an append-only JSON-lines log, and [`replay`] of the log gives the same balances.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::protocol::{
    Assignment, Bid, PROTOCOL_VERSION, Settlement, Submission, Task, TaskId, Transfer, Verdict,
};
use super::verify;

/// The market's rules.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rules {
    /// Verifiers drawn per submission (odd, so a majority exists).
    pub verifiers_per_task: usize,
    /// Score = stake_weight · stake − price_weight · price.
    pub stake_weight: i64,
    /// See `stake_weight`.
    pub price_weight: i64,
    /// Percent of the reward paid to the verifiers of a valid proof.
    pub verifier_share: u64,
    /// The least stake a bid may carry.
    pub min_stake: u64,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            verifiers_per_task: 3,
            stake_weight: 1,
            price_weight: 2,
            verifier_share: 10,
            min_stake: 10,
        }
    }
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Funds paid in.
    Deposit {
        /// Whose.
        party: String,
        /// How much.
        amount: u64,
    },
    /// A verifier joined the pool draws are made from.
    Verifier {
        /// Its name.
        name: String,
    },
    /// A task posted; its reward moves from the requester into escrow.
    Post {
        /// The task.
        task: Task,
    },
    /// A bid.
    Bid {
        /// The bid.
        bid: Bid,
    },
    /// A task assigned; the provider's collateral moves into escrow.
    Assign {
        /// The assignment.
        assignment: Assignment,
        /// The collateral escrowed.
        collateral: u64,
    },
    /// The assignee missed its deadline.
    Expire {
        /// The task.
        task: TaskId,
        /// The dropout.
        provider: String,
        /// The market's clock.
        at: u64,
    },
    /// A submission arrived in time.
    Submit {
        /// The task.
        task: TaskId,
        /// From whom.
        provider: String,
        /// Its proof's length, bytes.
        proof_bytes: u64,
        /// The market's clock.
        at: u64,
    },
    /// Verifiers drawn for a submission.
    Draw {
        /// The task.
        task: TaskId,
        /// The draw's seed (from the market's seed, the task and the attempt).
        seed: u64,
        /// Who was drawn, in order.
        verifiers: Vec<String>,
    },
    /// A verdict.
    Verdict {
        /// The verdict.
        verdict: Verdict,
    },
    /// A task's funds settled (the task closed, or one attempt slashed).
    Settle {
        /// The settlement.
        settlement: Settlement,
    },
}

/// Why the market refused a message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MarketError {
    /// No such task, or not in a state that takes this.
    #[error("task {0}: {1}")]
    Task(TaskId, String),
    /// A submission from a provider the task is not assigned to.
    #[error("task {task}: {provider} is not its assignee")]
    NotAssigned {
        /// The task.
        task: TaskId,
        /// Who submitted.
        provider: String,
    },
    /// A bid the rules refuse.
    #[error("bid on task {0}: {1}")]
    Bid(TaskId, String),
    /// A log line that does not replay.
    #[error("log line {0}: {1}")]
    Log(usize, String),
}

/// How a verifier judges: honestly with the verifier adapter, or (a colluder) accepting all.
#[derive(Clone, Debug)]
pub struct VerifierNode {
    /// Its name.
    pub name: String,
    /// False: it accepts every proof.
    pub honest: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Open,
    Assigned {
        provider: String,
        price: u64,
        deadline: u64,
        collateral: u64,
    },
    Done,
    Failed,
}

#[derive(Clone, Debug)]
struct Entry {
    task: Task,
    bids: Vec<Bid>,
    /// Providers that failed it (dropped out or submitted an invalid proof).
    failed: Vec<String>,
    state: State,
    attempts: u64,
}

/// What became of a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The verdicts, in draw order.
    pub verdicts: Vec<Verdict>,
    /// Whether the majority accepted.
    pub accepted: bool,
    /// After a rejection, the task's next assignment (none: no bidder left).
    pub next: Option<Assignment>,
}

/// The reference market.
pub struct Market {
    rules: Rules,
    seed: u64,
    verifiers: Vec<VerifierNode>,
    tasks: BTreeMap<TaskId, Entry>,
    balances: BTreeMap<String, i64>,
    log: Vec<Event>,
}

/// `balances` after `event` (the one place funds move, for the market and for [`replay`]).
fn apply(balances: &mut BTreeMap<String, i64>, event: &Event) {
    let mut add =
        |party: &str, amount: i64| *balances.entry(party.to_owned()).or_default() += amount;
    match event {
        Event::Deposit { party, amount } => add(party, *amount as i64),
        Event::Post { task } => add(&task.requester, -(task.reward as i64)),
        Event::Assign {
            assignment,
            collateral,
        } => add(&assignment.provider, -(*collateral as i64)),
        Event::Settle { settlement } => {
            for t in settlement.payouts.iter().chain(&settlement.slashes) {
                add(&t.party, t.amount);
            }
        }
        _ => {}
    }
}

/// The seed of the draw for `task`'s `attempt`-th submission.
fn draw_seed(seed: u64, task: TaskId, attempt: u64) -> u64 {
    // SplitMix64 of the three, so nearby tasks draw independently.
    let mut z = seed ^ task.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ attempt.rotate_left(32);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `k` verifiers of `pool` drawn with `seed`, none of them `exclude`.
fn draw(pool: &[String], exclude: &str, k: usize, seed: u64) -> Vec<String> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let eligible: Vec<&String> = pool.iter().filter(|v| v.as_str() != exclude).collect();
    eligible
        .choose_multiple(&mut rng, k)
        .map(|v| (*v).clone())
        .collect()
}

fn transfer(party: &str, amount: u64, memo: &str) -> Transfer {
    Transfer {
        party: party.to_owned(),
        amount: amount as i64,
        memo: memo.to_owned(),
    }
}

impl Market {
    /// An empty market with `rules`, its draws seeded by `seed`.
    pub fn new(rules: Rules, seed: u64) -> Self {
        Self {
            rules,
            seed,
            verifiers: Vec::new(),
            tasks: BTreeMap::new(),
            balances: BTreeMap::new(),
            log: Vec::new(),
        }
    }

    fn record(&mut self, event: Event) {
        apply(&mut self.balances, &event);
        self.log.push(event);
    }

    /// The balances.
    pub fn balances(&self) -> &BTreeMap<String, i64> {
        &self.balances
    }

    /// A party's balance.
    pub fn balance(&self, party: &str) -> i64 {
        self.balances.get(party).copied().unwrap_or_default()
    }

    /// Funds held in escrow (rewards of open tasks, collateral of assignees).
    pub fn escrow(&self) -> i64 {
        self.tasks
            .values()
            .map(|e| {
                let reward = match e.state {
                    State::Done | State::Failed => 0,
                    _ => e.task.reward as i64,
                };
                let collateral = match &e.state {
                    State::Assigned { collateral, .. } => *collateral as i64,
                    _ => 0,
                };
                reward + collateral
            })
            .sum()
    }

    /// The log so far.
    pub fn log(&self) -> &[Event] {
        &self.log
    }

    /// The log as JSON lines.
    pub fn log_json(&self) -> String {
        self.log
            .iter()
            .map(|e| serde_json::to_string(e).unwrap_or_default() + "\n")
            .collect()
    }

    /// Pays `amount` in to `party`.
    pub fn deposit(&mut self, party: &str, amount: u64) {
        self.record(Event::Deposit {
            party: party.to_owned(),
            amount,
        });
    }

    /// Adds a verifier to the pool.
    pub fn add_verifier(&mut self, node: VerifierNode) {
        self.record(Event::Verifier {
            name: node.name.clone(),
        });
        self.verifiers.push(node);
    }

    /// Posts a task; its requester must hold the reward.
    pub fn post(&mut self, task: Task) -> Result<(), MarketError> {
        let err = |m: &str| Err(MarketError::Task(task.id, m.to_owned()));
        if task.version != PROTOCOL_VERSION {
            return err("another protocol version");
        }
        if self.tasks.contains_key(&task.id) {
            return err("already posted");
        }
        if self.balance(&task.requester) < task.reward as i64 {
            return err("the requester cannot pay the reward");
        }
        self.tasks.insert(
            task.id,
            Entry {
                task: task.clone(),
                bids: Vec::new(),
                failed: Vec::new(),
                state: State::Open,
                attempts: 0,
            },
        );
        self.record(Event::Post { task });
        Ok(())
    }

    /// Takes a bid on an open task.
    pub fn bid(&mut self, bid: Bid) -> Result<(), MarketError> {
        let err = |m: String| Err(MarketError::Bid(bid.task, m));
        let balance = self.balance(&bid.provider);
        let Some(e) = self.tasks.get_mut(&bid.task) else {
            return err("no such task".into());
        };
        if bid.version != PROTOCOL_VERSION {
            return err("another protocol version".into());
        }
        if e.state != State::Open {
            return err("the task takes no bids".into());
        }
        if bid.price > e.task.reward {
            return err(format!(
                "price {} above the reward {}",
                bid.price, e.task.reward
            ));
        }
        if bid.stake < self.rules.min_stake || bid.stake as i64 > balance {
            return err(format!(
                "stake {} not between the minimum {} and the provider's balance {balance}",
                bid.stake, self.rules.min_stake
            ));
        }
        if e.bids.iter().any(|b| b.provider == bid.provider) {
            return err("one bid per provider".into());
        }
        e.bids.push(bid.clone());
        self.record(Event::Bid { bid });
        Ok(())
    }

    /// A bid's score: stake counts for it, price against it.
    pub fn score(&self, bid: &Bid) -> i64 {
        self.rules.stake_weight * bid.stake as i64 - self.rules.price_weight * bid.price as i64
    }

    /// Assigns `task` at time `now` to its best bidder that has not failed it and can escrow
    /// the collateral; with none left the task fails and the reward goes back.
    pub fn assign(&mut self, task: TaskId, now: u64) -> Result<Option<Assignment>, MarketError> {
        let e = self
            .tasks
            .get(&task)
            .ok_or_else(|| MarketError::Task(task, "no such task".into()))?;
        if e.state != State::Open {
            return Err(MarketError::Task(task, "not open".into()));
        }
        // Best score first; ties to the earlier bid.
        let mut ranked: Vec<&Bid> = e.bids.iter().collect();
        ranked.sort_by_key(|b| std::cmp::Reverse(self.score(b)));
        let winner = ranked
            .into_iter()
            .find(|b| {
                !e.failed.contains(&b.provider)
                    && self.balance(&b.provider) >= e.task.collateral as i64
            })
            .cloned();
        let (reward, requester, collateral, deadline_ms) = (
            e.task.reward,
            e.task.requester.clone(),
            e.task.collateral,
            e.task.deadline_ms,
        );
        let Some(bid) = winner else {
            self.close(task, State::Failed);
            self.record(Event::Settle {
                settlement: Settlement {
                    version: PROTOCOL_VERSION,
                    task,
                    payouts: vec![transfer(
                        &requester,
                        reward,
                        "no provider left: reward refunded",
                    )],
                    slashes: Vec::new(),
                },
            });
            return Ok(None);
        };
        let assignment = Assignment {
            version: PROTOCOL_VERSION,
            task,
            provider: bid.provider.clone(),
            price: bid.price,
            deadline: now + deadline_ms,
        };
        if let Some(e) = self.tasks.get_mut(&task) {
            e.state = State::Assigned {
                provider: bid.provider,
                price: bid.price,
                deadline: assignment.deadline,
                collateral,
            };
        }
        self.record(Event::Assign {
            assignment: assignment.clone(),
            collateral,
        });
        Ok(Some(assignment))
    }

    fn close(&mut self, task: TaskId, state: State) {
        if let Some(e) = self.tasks.get_mut(&task) {
            e.state = state;
        }
    }

    /// The task's entry and its assignment, if assigned.
    fn assigned(&self, task: TaskId) -> Option<(&Entry, String, u64, u64, u64)> {
        let e = self.tasks.get(&task)?;
        match &e.state {
            State::Assigned {
                provider,
                price,
                deadline,
                collateral,
            } => Some((e, provider.clone(), *price, *deadline, *collateral)),
            _ => None,
        }
    }

    /// The current assignee of `task`.
    pub fn assignee(&self, task: TaskId) -> Option<String> {
        self.assigned(task).map(|a| a.1)
    }

    /// Whether `task` closed with a valid proof.
    pub fn is_done(&self, task: TaskId) -> bool {
        self.tasks
            .get(&task)
            .is_some_and(|e| e.state == State::Done)
    }

    /// Slashes the assignee of `task` (its collateral split between `to` and the requester),
    /// marks it failed and reassigns the task at `now`.
    fn slash_and_reassign(
        &mut self,
        task: TaskId,
        now: u64,
        to: &[String],
        why: &str,
    ) -> Result<Option<Assignment>, MarketError> {
        let Some((e, provider, _, _, collateral)) = self.assigned(task) else {
            return Err(MarketError::Task(task, "not assigned".into()));
        };
        let requester = e.task.requester.clone();
        // Half the collateral to the verifiers who caught it (if any), the rest to the
        // requester, whose proof is late.
        let mut slashes = Vec::new();
        let each = if to.is_empty() {
            0
        } else {
            collateral / 2 / to.len() as u64
        };
        for v in to {
            slashes.push(transfer(
                v,
                each,
                &format!("collateral of {provider}: {why}"),
            ));
        }
        let rest = collateral - each * to.len() as u64;
        slashes.push(transfer(
            &requester,
            rest,
            &format!("collateral of {provider}: {why}"),
        ));
        if let Some(e) = self.tasks.get_mut(&task) {
            e.failed.push(provider);
            e.state = State::Open;
        }
        self.record(Event::Settle {
            settlement: Settlement {
                version: PROTOCOL_VERSION,
                task,
                payouts: Vec::new(),
                slashes,
            },
        });
        self.assign(task, now)
    }

    /// Expires every assignment whose deadline passed before `now`: the dropout is slashed
    /// and the task goes to the next bidder. Returns the new assignments.
    pub fn tick(&mut self, now: u64) -> Vec<Assignment> {
        let late: Vec<(TaskId, String)> = self
            .tasks
            .keys()
            .filter_map(|&t| {
                let (_, provider, _, deadline, _) = self.assigned(t)?;
                (deadline < now).then_some((t, provider))
            })
            .collect();
        let mut out = Vec::new();
        for (task, provider) in late {
            self.record(Event::Expire {
                task,
                provider,
                at: now,
            });
            if let Ok(Some(a)) = self.slash_and_reassign(task, now, &[], "missed the deadline") {
                out.push(a);
            }
        }
        out
    }

    /// Takes a submission at `now` from the task's assignee, draws the verifiers, collects
    /// their verdicts and settles: a valid proof closes the task; an invalid one slashes the
    /// provider and reassigns the task.
    pub fn submit(&mut self, sub: &Submission, now: u64) -> Result<Outcome, MarketError> {
        let Some((e, provider, price, deadline, collateral)) = self.assigned(sub.task) else {
            return Err(MarketError::Task(sub.task, "not assigned".into()));
        };
        if sub.provider != provider {
            return Err(MarketError::NotAssigned {
                task: sub.task,
                provider: sub.provider.clone(),
            });
        }
        if now > deadline {
            return Err(MarketError::Task(sub.task, "past its deadline".into()));
        }
        let (task, attempt) = (e.task.clone(), e.attempts);
        if let Some(e) = self.tasks.get_mut(&sub.task) {
            e.attempts += 1;
        }
        self.record(Event::Submit {
            task: task.id,
            provider: provider.clone(),
            proof_bytes: sub.proof.len() as u64,
            at: now,
        });
        let seed = draw_seed(self.seed, task.id, attempt);
        let pool: Vec<String> = self.verifiers.iter().map(|v| v.name.clone()).collect();
        let drawn = draw(&pool, &provider, self.rules.verifiers_per_task, seed);
        self.record(Event::Draw {
            task: task.id,
            seed,
            verifiers: drawn.clone(),
        });
        let mut verdicts = Vec::new();
        for name in &drawn {
            let honest = self
                .verifiers
                .iter()
                .find(|v| &v.name == name)
                .is_none_or(|v| v.honest);
            let verdict = if honest {
                verify::verdict(name, &task, sub)
            } else {
                Verdict {
                    version: PROTOCOL_VERSION,
                    task: task.id,
                    verifier: name.clone(),
                    accept: true,
                    reason: String::new(),
                }
            };
            self.record(Event::Verdict {
                verdict: verdict.clone(),
            });
            verdicts.push(verdict);
        }
        let yes = verdicts.iter().filter(|v| v.accept).count();
        let accepted = 2 * yes > verdicts.len();
        let majority: Vec<String> = verdicts
            .iter()
            .filter(|v| v.accept == accepted)
            .map(|v| v.verifier.clone())
            .collect();
        let mut next = None;
        if accepted {
            // The verifiers' share first, the provider's price out of the rest, the remainder
            // back to the requester; the collateral returns.
            let fee = task.reward * self.rules.verifier_share / 100;
            let each = fee / majority.len().max(1) as u64;
            let mut payouts: Vec<Transfer> = majority
                .iter()
                .map(|v| transfer(v, each, "verification fee"))
                .collect();
            let pay = price.min(task.reward - each * majority.len() as u64);
            payouts.push(transfer(&provider, pay, "price"));
            payouts.push(transfer(&provider, collateral, "collateral returned"));
            let refund = task.reward - each * majority.len() as u64 - pay;
            payouts.push(transfer(&task.requester, refund, "reward left over"));
            self.close(task.id, State::Done);
            self.record(Event::Settle {
                settlement: Settlement {
                    version: PROTOCOL_VERSION,
                    task: task.id,
                    payouts,
                    slashes: Vec::new(),
                },
            });
        } else {
            next = self.slash_and_reassign(task.id, now, &majority, "invalid proof")?;
        }
        Ok(Outcome {
            verdicts,
            accepted,
            next,
        })
    }
}

/// The balances a JSON-lines log leads to, checking each draw against its seed and the pool.
pub fn replay(log: &str, rules: &Rules) -> Result<BTreeMap<String, i64>, MarketError> {
    let mut balances = BTreeMap::new();
    let mut pool: Vec<String> = Vec::new();
    let mut assignees: BTreeMap<TaskId, String> = BTreeMap::new();
    for (i, line) in log
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let event: Event =
            serde_json::from_str(line).map_err(|e| MarketError::Log(i + 1, e.to_string()))?;
        match &event {
            Event::Verifier { name } => pool.push(name.clone()),
            Event::Assign { assignment, .. } => {
                assignees.insert(assignment.task, assignment.provider.clone());
            }
            Event::Draw {
                task,
                seed,
                verifiers,
            } => {
                let provider = assignees.get(task).map_or("", String::as_str);
                if draw(&pool, provider, rules.verifiers_per_task, *seed) != *verifiers {
                    return Err(MarketError::Log(
                        i + 1,
                        "a draw its seed does not give".into(),
                    ));
                }
            }
            _ => {}
        }
        apply(&mut balances, &event);
    }
    Ok(balances)
}
