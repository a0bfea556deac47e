//! A zkVM proof file changed anywhere is refused, or (where the byte carries nothing the proof
//! relies on) accepted for the very same claim; it never panics the verifier. The file is what
//! `carbide verify` reads and what the verifier fuzz target starts from.

use carbide_field::Goldilocks;
use carbide_field::merkle::{Blake3Merkle, MerkleHash};
use carbide_ntt::Radix2Dit;
use carbide_prover::cli::{self, CheckedZkvm, ZkvmJob};
use rand::{Rng, SeedableRng};

fn fib_file(segment_log: u32) -> (Vec<u8>, Vec<u8>) {
    let elf = std::fs::read(format!("{}/guests/bin/fib.elf", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let input = 10u32.to_le_bytes();
    let job = ZkvmJob {
        elf: &elf,
        input: &input,
        max_cycles: 1 << 12,
        segment_log,
        tag: Default::default(),
    };
    // The real configuration (the file refuses less than 100 bits), BLAKE3 for speed.
    let mut config = cli::zkvm_config();
    config.fri.hash = MerkleHash::Blake3;
    let ntt = Radix2Dit::<Goldilocks>::new();
    let (bytes, _) = cli::prove_zkvm_file(&job, &config, &ntt, &Blake3Merkle).unwrap();
    (bytes, elf)
}

/// What a checked file claims, for comparing two files.
fn statement(c: &CheckedZkvm) -> String {
    format!("{:?} {:?} {:?}", c.claim, c.input, c.security_bits)
}

#[test]
fn a_changed_zkvm_file_is_refused_or_claims_the_same() {
    // 295 cycles in two segments of 2^8: a boundary between segments is in the file.
    let (bytes, elf) = fib_file(8);
    let honest = cli::check_zkvm_file(&bytes).unwrap();
    assert_eq!(honest.segments, 2);
    assert_eq!(honest.claim.cycles, 295);
    let want = statement(&honest);
    // The header (magic, ELF, input, claim, configuration) precedes the segments' proofs: a
    // fixed-seed sample of each part (each changed file costs a verification).
    let segments_at = 8 + (8 + elf.len()) + (8 + 4) + 32 + 4 + 8 + (8 + 8) + 7 * 8 + 4;
    assert_eq!(bytes[segments_at..segments_at + 8], 2u64.to_le_bytes());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
    let elf_end = 16 + elf.len();
    let mut positions: Vec<usize> = (0..16).collect();
    positions.extend((0..12).map(|_| rng.gen_range(16..elf_end)));
    positions.extend((0..40).map(|_| rng.gen_range(elf_end..segments_at)));
    positions.extend((0..60).map(|_| rng.gen_range(segments_at..bytes.len())));
    let (mut refused, mut same) = (0, 0);
    for &at in &positions {
        let flip = 1u8 << rng.gen_range(0..8);
        let mut changed = bytes.clone();
        changed[at] ^= flip;
        match cli::check_zkvm_file(&changed) {
            Err(_) => refused += 1,
            Ok(c) => {
                // Only bytes the statement does not depend on may change: an ELF byte outside
                // what is loaded, or a minimum security below the floor every file gets.
                assert!(
                    at < segments_at,
                    "byte {at} ^ {flip:#x} of a proof accepted"
                );
                assert_eq!(statement(&c), want, "byte {at} ^ {flip:#x}");
                same += 1;
            }
        }
    }
    assert_eq!(refused + same, positions.len());
    assert!(
        refused >= 60 + 16 + 30,
        "{refused} refused, {same} unchanged"
    );
    // Cut short anywhere, or extended, the file is refused.
    for _ in 0..12 {
        let len = rng.gen_range(0..bytes.len());
        assert!(cli::check_zkvm_file(&bytes[..len]).is_err(), "cut at {len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(cli::check_zkvm_file(&longer).is_err());
}
