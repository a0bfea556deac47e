//! carbide-prover: the proving stack.
//!
//! So far: [`transcript`], the Fiat–Shamir transcript (plonky2's Poseidon duplex sponge with
//! carbide's message framing), and [`fri`], the FRI low-degree test over Goldilocks with
//! challenges in its quadratic extension. To come (issues "STARK prover and verifier", "zkVM" and
//! "Marketplace adapter"): the AIR API, FRI, the STARK prover and a verifier with no backend
//! dependency, the RV32IM zkVM, the marketplace task adapter.

pub mod cli;
pub mod fri;
pub mod stark;
pub mod transcript;
