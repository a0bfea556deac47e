//! carbide-prover: the proving stack.
//!
//! - [`stark`]: the AIR API, the STARK prover (generic over the NTT and Merkle backends) and
//!   [`stark::verify`] (no backend), for one table;
//! - [`fri`]: the FRI low-degree test over Goldilocks with challenges in its quadratic
//!   extension;
//! - [`transcript`]: the Fiat–Shamir transcript (plonky2's Poseidon duplex sponge with
//!   carbide's message framing);
//! - [`cli`]: the proof files of `carbide prove` and `carbide verify`.
//!
//! To come: preprocessed columns and multi-table logUp lookups, the RV32IM zkVM, the
//! marketplace task adapter.

pub mod cli;
pub mod fri;
#[cfg(feature = "bench")]
pub mod race;
pub mod stark;
pub mod transcript;
