//! What the binary's tests share (each test binary uses a part of it).
#![allow(dead_code)]

use carbide_field::merkle::MerkleHash;
use carbide_prover::fri::FriConfig;
use carbide_prover::stark::StarkConfig;

/// A fast configuration for tests of degree-2 AIRs (the zkVM's): blowup 2, few queries, little
/// grinding; for tests only.
pub fn fast_config() -> StarkConfig {
    StarkConfig {
        fri: FriConfig {
            log_blowup: 1,
            arity_bits: 3,
            final_log_len: 2,
            num_queries: 30,
            pow_bits: 4,
            cap_height: 2,
            hash: MerkleHash::Poseidon,
        },
        min_security_bits: 30,
    }
}

/// The `carbide` binary cargo built, or (test binaries packed by gpu-pack into
/// `.gpu/tests/`) the one packed beside them in `.gpu/`.
pub fn carbide_exe() -> std::path::PathBuf {
    let built = std::path::PathBuf::from(env!("CARGO_BIN_EXE_carbide"));
    if built.exists() {
        return built;
    }
    let here = std::env::current_exe().expect("the test binary's path");
    here.parent()
        .and_then(|d| d.parent())
        .expect("the test binary's folder")
        .join("carbide")
}
