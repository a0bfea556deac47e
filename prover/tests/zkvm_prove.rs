//! Proving zkVM runs: the shipped guests prove and verify with their outputs; malicious
//! traces (one per constraint group) are refused by the prover and, proved anyway by a
//! cheating prover, rejected by the verifier.

use carbide_field::Goldilocks;
use carbide_field::merkle::{CpuMerkle, MerkleHash};
use carbide_ntt::Radix2Dit;
use carbide_prover::fri::FriConfig;
use carbide_prover::stark::StarkConfig;
use carbide_prover::zkvm::{self, Program};

fn config() -> StarkConfig {
    StarkConfig {
        fri: FriConfig {
            // Blowup 2 (the constraints have degree 2): fast, for tests only.
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

fn guest(name: &str) -> Program {
    let path = format!("{}/guests/bin/{name}.elf", env!("CARGO_MANIFEST_DIR"));
    Program::from_elf(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn fib_proves_and_verifies() {
    let p = guest("fib");
    let input = 30u32.to_le_bytes();
    let ntt = Radix2Dit::<Goldilocks>::new();
    let proof = zkvm::prove(&p, &input, 1 << 20, &config(), &ntt, &CpuMerkle).unwrap();
    assert_eq!(proof.claim.output, 832040u64.to_le_bytes());
    zkvm::verify(&p, &input, &proof, &config()).unwrap();
}
