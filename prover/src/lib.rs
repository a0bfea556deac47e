//! carbide-prover: the proving stack.
//!
//! To live here (issues "STARK prover and verifier", "zkVM" and "Marketplace adapter"): a STARK
//! over Goldilocks with FRI and Poseidon, a verifier with no backend dependency, the RV32IM zkVM,
//! the marketplace task adapter, and the `carbide` command-line binary.
