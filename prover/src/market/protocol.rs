//! The task protocol's messages, JSON on the wire, each carrying the protocol version: task,
//! bid, assignment, submission, verdict, settlement. Bytes travel as lowercase hex.

use carbide_field::Goldilocks;
use carbide_field::poseidon::{self, Digest};
use serde::{Deserialize, Serialize};

/// The protocol version every message carries; a message of another version is refused.
pub const PROTOCOL_VERSION: u32 = 1;

/// A task's number, unique in its market.
pub type TaskId = u64;

/// Bytes as a lowercase hex string.
pub mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer, de};

    /// `bytes` as hex.
    pub fn encode(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The bytes of a hex string, or why it is not one.
    pub fn decode(s: &str) -> Result<Vec<u8>, String> {
        if !s.len().is_multiple_of(2) {
            return Err("odd-length hex".into());
        }
        (0..s.len())
            .step_by(2)
            .map(|i| {
                s.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("not hex at {i}"))
            })
            .collect()
    }

    /// serde: write hex.
    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&encode(bytes))
    }

    /// serde: read hex.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        decode(&s).map_err(de::Error::custom)
    }
}

/// What a task asks to be proved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Workload {
    /// A run of a RISC-V guest: its ELF (whose digest must be `program`), its input and the
    /// most cycles the requester pays for.
    Zkvm {
        /// The program's digest, hex ([`crate::cli::digest_hex`]).
        program: String,
        /// The ELF.
        #[serde(with = "hex_bytes")]
        elf: Vec<u8>,
        /// The input.
        #[serde(with = "hex_bytes")]
        input: Vec<u8>,
        /// The cycle limit.
        max_cycles: u64,
    },
    /// A proof of a built-in statement ([`crate::cli::BUILTIN`]) with 2^`log_rows` rows.
    Air {
        /// Its name.
        air: String,
        /// Rows, log₂.
        log_rows: u32,
    },
}

impl Workload {
    /// Units of work the requester pays for at most: zkVM cycles, or trace cells (rows times
    /// columns) of a built-in statement.
    pub fn work(&self) -> u64 {
        match self {
            Self::Zkvm { max_cycles, .. } => *max_cycles,
            Self::Air { air, log_rows } => {
                let columns: usize =
                    crate::cli::builtin(air).map_or(0, |airs| airs.iter().map(|a| a.width()).sum());
                (columns as u64).saturating_mul(1u64 << (*log_rows).min(40))
            }
        }
    }

    /// The public values of a built-in statement's proof as a submission's output: each
    /// element's eight little-endian bytes, table after table.
    pub fn air_output(public: &[Vec<Goldilocks>]) -> Vec<u8> {
        public
            .iter()
            .flatten()
            .flat_map(|x| x.as_canonical_u64().to_le_bytes())
            .collect()
    }
}

/// A proof task, posted by a requester.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// [`PROTOCOL_VERSION`].
    pub version: u32,
    /// Its number.
    pub id: TaskId,
    /// Who posts and pays.
    pub requester: String,
    /// What to prove.
    pub workload: Workload,
    /// The prover release required, `major.minor` (a provider of another one refuses).
    pub prover_version: String,
    /// The least conjectured security the proof must have.
    pub min_security_bits: u32,
    /// Milliseconds from assignment to the submission's deadline.
    pub deadline_ms: u64,
    /// What the requester pays for a valid proof.
    pub reward: u64,
    /// What the assigned provider escrows, lost if it drops out or submits an invalid proof.
    pub collateral: u64,
}

impl Task {
    /// The digest every proof for this task is bound to (the proof's tag): a Poseidon hash of
    /// the task's JSON, so a proof for one task does not verify for another.
    pub fn digest(&self) -> Digest {
        let json = serde_json::to_vec(self).unwrap_or_default();
        // Seven bytes a field element (below p), the length first.
        let mut words = vec![Goldilocks::new(json.len() as u64)];
        words.extend(json.chunks(7).map(|c| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            Goldilocks::new(u64::from_le_bytes(w))
        }));
        poseidon::hash_no_pad(&words)
    }

    /// The task in a JSON line, or why a line is not one of this version.
    pub fn from_json(line: &str) -> Result<Self, String> {
        let t: Self = serde_json::from_str(line).map_err(|e| format!("malformed task: {e}"))?;
        if t.version != PROTOCOL_VERSION {
            return Err(format!(
                "task {}: protocol version {}, this is {PROTOCOL_VERSION}",
                t.id, t.version
            ));
        }
        Ok(t)
    }
}

/// A provider's offer to prove a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bid {
    /// [`PROTOCOL_VERSION`].
    pub version: u32,
    /// The task.
    pub task: TaskId,
    /// Who bids.
    pub provider: String,
    /// What it asks (at most the task's reward).
    pub price: u64,
    /// What it has staked with the market.
    pub stake: u64,
}

/// The market's choice of provider for a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// [`PROTOCOL_VERSION`].
    pub version: u32,
    /// The task.
    pub task: TaskId,
    /// Who proves.
    pub provider: String,
    /// The price agreed (the bid's).
    pub price: u64,
    /// The market's clock (ms) by which the submission must arrive.
    pub deadline: u64,
}

/// A provider's proof for a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// [`PROTOCOL_VERSION`].
    pub version: u32,
    /// The task.
    pub task: TaskId,
    /// Who proved.
    pub provider: String,
    /// The proof file ([`crate::cli::prove_zkvm_file`]'s or [`crate::cli::prove_file`]'s
    /// bytes).
    #[serde(with = "hex_bytes")]
    pub proof: Vec<u8>,
    /// The public output the provider claims (verifiers read the proof's own): the guest's
    /// output, or a built-in statement's public values ([`Workload::air_output`]).
    #[serde(with = "hex_bytes")]
    pub output: Vec<u8>,
    /// Cycles the run took (rows, for a built-in statement).
    pub cycles: u64,
    /// Milliseconds proving took.
    pub proving_ms: u64,
    /// What it ran on.
    pub hardware: String,
}

/// A verifier's judgement of a submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// [`PROTOCOL_VERSION`].
    pub version: u32,
    /// The task.
    pub task: TaskId,
    /// Who judged.
    pub verifier: String,
    /// Accepted or not.
    pub accept: bool,
    /// Why not (empty when accepted).
    pub reason: String,
}

/// A movement of funds: to `party` (positive) or from it (negative).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// Whose balance.
    pub party: String,
    /// How much, signed.
    pub amount: i64,
    /// Why.
    pub memo: String,
}

/// How a task's funds were settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// [`PROTOCOL_VERSION`].
    pub version: u32,
    /// The task.
    pub task: TaskId,
    /// Payments out of escrow: reward, verifier fees, refunds, collateral returned.
    pub payouts: Vec<Transfer>,
    /// Collateral forfeited, and to whom it went.
    pub slashes: Vec<Transfer>,
}
