//! carbide as the proving core of a compute market (../shared/DESIGN.md): requesters post
//! proof tasks, providers bid and prove, verifiers check, rewards are settled. carbide supplies
//! the proving core and thin adapters, not a chain:
//!
//! - [`protocol`]: the messages (task, bid, assignment, submission, verdict, settlement), serde
//!   and JSON, versioned; a task's digest is the tag its proof is bound to, so a submission
//!   cannot be replayed for another task;
//! - [`agent`]: the provider agent (`carbide agent`): refuses what it cannot meet, proves,
//!   checks its own proof, submits;
//! - [`mod@verify`]: the verifier adapter: a submission judged against its task by the proof
//!   alone;
//! - [`exchange`]: a reference market (bids ranked by stake and price, deadlines, seeded
//!   verifier draws, majority verdicts, rewards and slashing, a replayable JSON-lines log);
//! - [`demo`]: `carbide market demo`.
//!
//! Work is priced in zkVM cycles, or trace cells for the built-in statements
//! ([`crate::cli::BUILTIN`]).

pub mod agent;
pub mod demo;
pub mod exchange;
pub mod protocol;
pub mod verify;
