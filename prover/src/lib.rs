//! carbide-prover: the proving stack.
//!
//! - [`stark`]: the AIR API (constraints written once for the extension field and for SIMD
//!   lanes, preprocessed columns, logUp lookups between tables), the STARK prover (generic
//!   over the NTT and Merkle backends, one or several tables per proof, Poseidon or BLAKE3
//!   trees) and [`stark::verify`] / [`stark::verify_tables`] (no backend);
//! - [`fri`]: the FRI low-degree test over Goldilocks with challenges in its quadratic
//!   extension;
//! - [`transcript`]: the Fiat–Shamir transcript (plonky2's Poseidon duplex sponge with
//!   carbide's message framing);
//! - [`cli`]: the proof files of `carbide prove` and `carbide verify`.
//!
//! - `race` (the `bench` feature): the same AIR for starky, and the race against its prover.
//!
//! - [`zkvm`]: RV32IM programs: the ELF loader, decoder and executor, and their proofs in
//!   segments (continuations);
//! - [`market`]: carbide as the proving core of a compute market: the task protocol, the
//!   provider agent, the verifier adapter and a reference market.

pub mod cli;
pub mod fri;
pub mod market;
#[cfg(feature = "bench")]
pub mod race;
pub mod stark;
pub mod transcript;
pub mod zkvm;
