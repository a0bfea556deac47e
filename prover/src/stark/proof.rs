//! The proof and its byte format: a magic, a version byte, then bincode with a size limit, so
//! malformed or hostile bytes give an error (never an allocation of their claimed size).

use bincode::Options;
use carbide_field::Goldilocks;
use carbide_field::poseidon::Digest;
use serde::{Deserialize, Serialize};

use super::air::Ext;
use crate::fri::FriRounds;

/// A row opened at a query position, with its Merkle path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    /// The row.
    pub values: Vec<Goldilocks>,
    /// Siblings up to the cap.
    pub path: Vec<Digest>,
}

/// A matrix's columns at ζ and (for matrices whose next row the constraints read) at ζω.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evals {
    /// At ζ.
    pub local: Vec<Ext>,
    /// At ζω (empty for the quotient).
    pub next: Vec<Ext>,
}

/// One table's part of a proof. Its matrices, in this order: the preprocessed columns (when
/// the AIR has some; their cap is not sent, the verifier computes it), the trace, the
/// auxiliary lookup columns (when the AIR has lookups), the quotient's chunks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableProof {
    /// log2 of the trace's rows.
    pub log_rows: u32,
    /// The trace extension's Merkle cap.
    pub trace_cap: Vec<Digest>,
    /// The auxiliary columns' cap (empty without lookups).
    pub aux_cap: Vec<Digest>,
    /// The last value of the lookups' running sum (zero without lookups).
    pub lookup_sum: Ext,
    /// The quotient chunks' Merkle cap.
    pub quotient_cap: Vec<Digest>,
    /// Every matrix's columns at the out-of-domain points.
    pub evals: Vec<Evals>,
    /// FRI on the table's DEEP combination (its proof of work is the proof's).
    pub fri: FriRounds,
    /// For each FRI query, the row of every matrix at its position.
    pub queries: Vec<Vec<Opening>>,
}

/// A STARK proof: one part per table, in the order the tables were given, and the proof of
/// work every table's FRI queries are drawn after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarkProof {
    /// The tables' parts.
    pub tables: Vec<TableProof>,
    /// The proof-of-work nonce.
    pub pow_nonce: u64,
}

const MAGIC: &[u8; 7] = b"CBSTARK";
const VERSION: u8 = 5;
/// No proof this format describes is larger.
const MAX_BYTES: u64 = 64 << 20;

fn options() -> impl Options {
    bincode::DefaultOptions::new()
        .with_limit(MAX_BYTES)
        .with_fixint_encoding()
        .reject_trailing_bytes()
}

impl StarkProof {
    /// The proof's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.push(VERSION);
        // Serializing plain data into a vector cannot fail.
        out.extend(options().serialize(self).unwrap_or_default());
        out
    }

    /// The proof in `bytes`, or why they are not one (wrong magic or version, truncated,
    /// trailing bytes, a non-canonical field element, a length beyond the limit).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let body = bytes
            .strip_prefix(&MAGIC[..])
            .ok_or("not a carbide STARK proof")?;
        match body.split_first() {
            Some((&VERSION, rest)) => options().deserialize(rest).map_err(|e| e.to_string()),
            Some((v, _)) => Err(format!("proof format version {v}, expected {VERSION}")),
            None => Err("truncated proof".to_owned()),
        }
    }
}
