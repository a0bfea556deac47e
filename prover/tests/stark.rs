//! The STARK end to end: Fibonacci and a wide degree-3 AIR prove and verify (CPU backends);
//! an invalid trace is refused; a proof does not verify for other public values, another AIR
//! or an insecure configuration; every sampled byte change of a serialized proof is refused
//! (by the decoder or the verifier), never with a panic.

use carbide_field::merkle::Blake3Merkle;
use carbide_field::merkle::CpuMerkle;
use carbide_field::merkle::MerkleHash;
use carbide_field::{Field, Goldilocks};
use carbide_ntt::Radix2Dit;
use carbide_prover::fri::FriConfig;
use carbide_prover::stark::{
    Air, ByteRangeAir, BytesAir, Ext, FibonacciAir, ProveError, StarkConfig, StarkProof, Table,
    VerifyError, WideAir, check_trace, prove, prove_tables, verify, verify_tables,
};

/// Fast parameters for tests (64 conjectured bits, accepted by a lowered minimum).
fn quick() -> StarkConfig {
    StarkConfig {
        fri: FriConfig {
            log_blowup: 2,
            arity_bits: 2,
            final_log_len: 2,
            num_queries: 30,
            pow_bits: 4,
            cap_height: 2,
            hash: MerkleHash::Poseidon,
        },
        min_security_bits: 60,
    }
}

fn prove_cpu<A: Air>(
    air: &A,
    config: &StarkConfig,
    trace: &[Goldilocks],
    public: &[Goldilocks],
) -> Result<StarkProof, ProveError> {
    prove(
        air,
        config,
        trace,
        public,
        &Radix2Dit::<Goldilocks>::new(),
        &CpuMerkle,
    )
}

#[test]
fn fibonacci_proves_and_verifies() {
    for log_rows in [1, 2, 3, 5, 8] {
        let (trace, public) = FibonacciAir::trace(1, 1, log_rows);
        let proof = prove_cpu(&FibonacciAir, &quick(), &trace, &public).unwrap();
        verify(&FibonacciAir, &quick(), &public, &proof)
            .unwrap_or_else(|e| panic!("2^{log_rows}: {e}"));
        let bytes = proof.to_bytes();
        assert_eq!(StarkProof::from_bytes(&bytes).unwrap(), proof);
    }
}

#[test]
fn the_default_configuration_gives_100_bits() {
    let config = StarkConfig::default();
    assert!(config.security_bits() >= 100);
    let (trace, public) = FibonacciAir::trace(2, 3, 6);
    let proof = prove_cpu(&FibonacciAir, &config, &trace, &public).unwrap();
    verify(&FibonacciAir, &config, &public, &proof).unwrap();
    // The same proof under a weaker reading of the configuration is refused.
    let mut weak = config;
    weak.fri.num_queries = 10;
    assert!(verify(&FibonacciAir, &weak, &public, &proof).is_err());
    let mut low = quick();
    low.min_security_bits = 100;
    assert!(matches!(
        verify(&FibonacciAir, &low, &public, &proof),
        Err(VerifyError::Insecure { .. })
    ));
}

#[test]
fn a_wide_cubic_air_proves_and_verifies() {
    let air = WideAir::cubic(8);
    for log_rows in [2, 4, 6] {
        let (trace, public) = air.trace(log_rows, 5);
        let proof = prove_cpu(&air, &quick(), &trace, &public).unwrap();
        verify(&air, &quick(), &public, &proof).unwrap_or_else(|e| panic!("2^{log_rows}: {e}"));
    }
}

#[test]
fn invalid_traces_are_refused() {
    let (mut trace, public) = FibonacciAir::trace(1, 1, 5);
    trace[17] += Goldilocks::ONE;
    assert!(matches!(
        check_trace(&FibonacciAir, &trace, &public),
        Err(ProveError::Unsatisfied(Some(7)))
    ));
    assert!(matches!(
        prove_cpu(&FibonacciAir, &quick(), &trace, &public),
        Err(ProveError::Unsatisfied(_))
    ));
    // Right trace, wrong public value.
    let (trace, mut public) = FibonacciAir::trace(1, 1, 5);
    public[2] += Goldilocks::ONE;
    assert!(prove_cpu(&FibonacciAir, &quick(), &trace, &public).is_err());
    // Shapes.
    assert!(matches!(
        prove_cpu(&FibonacciAir, &quick(), &trace[..6], &public),
        Err(ProveError::Shape(_))
    ));
    assert!(matches!(
        prove_cpu(&FibonacciAir, &quick(), &trace, &public[..2]),
        Err(ProveError::Shape(_))
    ));
    let air = WideAir::cubic(4);
    let mut config = quick();
    config.fri.log_blowup = 1; // blowup 2 < degree 3
    let (t, p) = air.trace(3, 1);
    assert!(matches!(
        prove_cpu(&air, &config, &t, &p),
        Err(ProveError::Config(_))
    ));
}

#[test]
fn a_proof_holds_only_for_its_statement() {
    let (trace, public) = FibonacciAir::trace(1, 1, 6);
    let proof = prove_cpu(&FibonacciAir, &quick(), &trace, &public).unwrap();
    for i in 0..public.len() {
        let mut other = public.clone();
        other[i] += Goldilocks::ONE;
        assert!(
            verify(&FibonacciAir, &quick(), &other, &proof).is_err(),
            "public value {i}"
        );
    }
    // Another AIR of the same width and public count.
    let air = WideAir::cubic(2);
    assert!(verify(&air, &quick(), &public[..2], &proof).is_err());
    // Another configuration.
    let mut config = quick();
    config.fri.num_queries = 31;
    assert!(verify(&FibonacciAir, &config, &public, &proof).is_err());
}

#[test]
fn tampered_bytes_are_rejected_without_panics() {
    let (trace, public) = FibonacciAir::trace(1, 1, 5);
    let proof = prove_cpu(&FibonacciAir, &quick(), &trace, &public).unwrap();
    let bytes = proof.to_bytes();
    let step = (bytes.len() / 400).max(1);
    let mut rejected = 0;
    for pos in (0..bytes.len()).step_by(step) {
        for flip in [1u8, 0x80] {
            let mut bad = bytes.clone();
            bad[pos] ^= flip;
            match StarkProof::from_bytes(&bad) {
                Err(_) => rejected += 1,
                Ok(p) => {
                    assert!(
                        verify(&FibonacciAir, &quick(), &public, &p).is_err(),
                        "byte {pos} ^ {flip:#x} accepted"
                    );
                    rejected += 1;
                }
            }
        }
    }
    assert!(rejected > 300);
    assert!(StarkProof::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    assert!(StarkProof::from_bytes(b"CBSTARK").is_err());
    assert!(StarkProof::from_bytes(&[]).is_err());
}

#[test]
fn hostile_sizes_and_configurations_are_errors() {
    // Found by the fuzz target: sizes that overflowed before they were checked.
    let (trace, public) = FibonacciAir::trace(1, 1, 3);
    let proof = prove_cpu(&FibonacciAir, &quick(), &trace, &public).unwrap();
    let mut p = proof.clone();
    p.tables[0].log_rows = u32::MAX;
    assert!(verify(&FibonacciAir, &quick(), &public, &p).is_err());
    for f in [
        |c: &mut StarkConfig| c.fri.log_blowup = u32::MAX,
        |c: &mut StarkConfig| c.fri.arity_bits = 40,
        |c: &mut StarkConfig| c.fri.cap_height = usize::MAX,
        |c: &mut StarkConfig| c.fri.num_queries = usize::MAX,
        |c: &mut StarkConfig| c.fri.final_log_len = u32::MAX,
        |c: &mut StarkConfig| c.fri.pow_bits = 200,
    ] {
        let mut config = quick();
        f(&mut config);
        assert!(verify(&FibonacciAir, &config, &public, &proof).is_err());
        assert!(prove_cpu(&FibonacciAir, &config, &trace, &public).is_err());
    }
}

/// The two-table statement: pairs of bytes, and the byte-range table they are looked up in.
fn bytes_statement(xs: &[u64]) -> [(Vec<Goldilocks>, Vec<Goldilocks>); 2] {
    let bytes = BytesAir::trace(xs);
    let range = ByteRangeAir::trace(&bytes);
    [(bytes, Vec::new()), (range, Vec::new())]
}

fn prove_two(
    config: &StarkConfig,
    traces: &[(Vec<Goldilocks>, Vec<Goldilocks>); 2],
) -> Result<StarkProof, ProveError> {
    let merkle = config.fri.hash.cpu();
    let tables = [
        Table {
            air: &BytesAir,
            trace: &traces[0].0,
            public: &[],
        },
        Table {
            air: &ByteRangeAir,
            trace: &traces[1].0,
            public: &[],
        },
    ];
    prove_tables(&tables, config, &Radix2Dit::<Goldilocks>::new(), merkle)
}

fn verify_two(config: &StarkConfig, proof: &StarkProof) -> Result<(), VerifyError> {
    verify_tables(&[(&BytesAir, &[]), (&ByteRangeAir, &[])], config, proof)
}

fn with_hash(hash: MerkleHash) -> StarkConfig {
    let mut c = quick();
    c.fri.hash = hash;
    c
}

#[test]
fn two_tables_linked_by_a_lookup_prove_and_verify() {
    for hash in [MerkleHash::Poseidon, MerkleHash::Blake3] {
        let config = with_hash(hash);
        for (log_rows, seed) in [(1, 3u64), (5, 7), (9, 11)] {
            let xs: Vec<u64> = (0..1u64 << log_rows)
                .map(|i| (i * seed + i * i) % 256)
                .collect();
            let traces = bytes_statement(&xs);
            let proof = prove_two(&config, &traces).unwrap();
            verify_two(&config, &proof).unwrap_or_else(|e| panic!("{hash:?} 2^{log_rows}: {e}"));
            assert_eq!(proof.tables.len(), 2);
            assert!(!proof.tables[0].lookup_sum.is_zero());
            assert_eq!(
                proof.tables[0].lookup_sum + proof.tables[1].lookup_sum,
                Ext::ZERO
            );
            assert_eq!(StarkProof::from_bytes(&proof.to_bytes()).unwrap(), proof);
        }
    }
}

#[test]
fn unbalanced_lookups_and_wrong_tables_are_refused() {
    let config = quick();
    // 300 is no byte: the pair (300, −45) is sent, the range table cannot receive it.
    let mut traces = bytes_statement(&[1, 2, 3, 300]);
    assert!(matches!(
        prove_two(&config, &traces),
        Err(ProveError::Lookups)
    ));
    // A multiplicity off by one.
    traces = bytes_statement(&[1, 2, 3, 4]);
    traces[1].0[7] += Goldilocks::ONE;
    assert!(matches!(
        prove_two(&config, &traces),
        Err(ProveError::Lookups)
    ));
    // The range table only exists at 2^8 rows (its preprocessed column).
    traces = bytes_statement(&[1, 2, 3, 4]);
    traces[1].0.truncate(128);
    assert!(matches!(
        prove_two(&config, &traces),
        Err(ProveError::Shape(_))
    ));
    // A lookup table alone does not balance.
    let traces = bytes_statement(&[9, 8]);
    let proof = prove_two(&config, &traces).unwrap();
    let mut alone = proof.clone();
    alone.tables.truncate(1);
    assert!(verify_tables(&[(&BytesAir, &[])], &config, &alone).is_err());
    // The tables swapped, or one AIR in place of the other.
    assert!(verify_tables(&[(&ByteRangeAir, &[]), (&BytesAir, &[])], &config, &proof).is_err());
    let mut swapped = proof.clone();
    swapped.tables.swap(0, 1);
    assert!(verify_tables(&[(&ByteRangeAir, &[]), (&BytesAir, &[])], &config, &swapped).is_err());
    assert!(verify_tables(&[(&BytesAir, &[]), (&BytesAir, &[])], &config, &proof).is_err());
    // Claimed sums moved between the tables (still adding to zero).
    let mut moved = proof.clone();
    let delta = Ext::new(Goldilocks::ONE, Goldilocks::ZERO);
    moved.tables[0].lookup_sum += delta;
    moved.tables[1].lookup_sum -= delta;
    assert!(verify_two(&config, &moved).is_err());
}

#[test]
fn a_two_table_proof_rejects_tampered_bytes() {
    let config = quick();
    let proof = prove_two(&config, &bytes_statement(&[5, 250, 17, 0, 255, 3, 3, 9])).unwrap();
    let bytes = proof.to_bytes();
    let step = (bytes.len() / 300).max(1);
    for pos in (0..bytes.len()).step_by(step) {
        let mut bad = bytes.clone();
        bad[pos] ^= 0x10;
        if let Ok(p) = StarkProof::from_bytes(&bad) {
            assert!(verify_two(&config, &p).is_err(), "byte {pos} accepted");
        }
    }
}

#[test]
fn the_hash_is_part_of_the_configuration() {
    let (trace, public) = FibonacciAir::trace(1, 1, 6);
    let blake = with_hash(MerkleHash::Blake3);
    // A backend hashing otherwise than the configuration says is refused.
    assert!(matches!(
        prove_cpu(&FibonacciAir, &blake, &trace, &public),
        Err(ProveError::Config(_))
    ));
    let proof = prove(
        &FibonacciAir,
        &blake,
        &trace,
        &public,
        &Radix2Dit::<Goldilocks>::new(),
        &Blake3Merkle,
    )
    .unwrap();
    verify(&FibonacciAir, &blake, &public, &proof).unwrap();
    assert!(verify(&FibonacciAir, &quick(), &public, &proof).is_err());
    let poseidon = prove_cpu(&FibonacciAir, &quick(), &trace, &public).unwrap();
    assert!(verify(&FibonacciAir, &blake, &public, &poseidon).is_err());
}

/// An AIR with only the extension-field evaluation (no SIMD fast path).
struct ExtOnly<A>(A);

impl<A: Air> Air for ExtOnly<A> {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn width(&self) -> usize {
        self.0.width()
    }
    fn num_public_values(&self) -> usize {
        self.0.num_public_values()
    }
    fn constraint_degree(&self) -> usize {
        self.0.constraint_degree()
    }
    fn boundary_degree(&self) -> usize {
        self.0.boundary_degree()
    }
    fn eval(
        &self,
        frame: &carbide_prover::stark::Frame<'_>,
        public: &[Goldilocks],
        out: &mut carbide_prover::stark::Constraints,
    ) {
        self.0.eval(frame, public, out);
    }
    fn preprocessed_width(&self) -> usize {
        self.0.preprocessed_width()
    }
    fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
        self.0.preprocessed(log_rows)
    }
    fn lookups(&self) -> Vec<carbide_prover::stark::Lookup> {
        self.0.lookups()
    }
}

#[test]
fn the_simd_constraint_path_gives_the_same_proofs() {
    // The quotient from eight points at a time in SIMD lanes equals the one from the
    // extension-field evaluation point by point: byte-identical proofs.
    for log_rows in [1, 2, 3, 4, 7] {
        let (trace, public) = WideAir::cubic(6).trace(log_rows, 9);
        let a = prove_cpu(&WideAir::cubic(6), &quick(), &trace, &public).unwrap();
        let b = prove_cpu(&ExtOnly(WideAir::cubic(6)), &quick(), &trace, &public).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes(), "2^{log_rows}");
    }
    let traces = bytes_statement(&[4, 9, 200, 13, 77]);
    let fast = prove_two(&quick(), &traces).unwrap();
    let merkle = MerkleHash::Poseidon.cpu();
    let slow = prove_tables(
        &[
            Table {
                air: &ExtOnly(BytesAir),
                trace: &traces[0].0,
                public: &[],
            },
            Table {
                air: &ExtOnly(ByteRangeAir),
                trace: &traces[1].0,
                public: &[],
            },
        ],
        &quick(),
        &Radix2Dit::<Goldilocks>::new(),
        merkle,
    )
    .unwrap();
    assert_eq!(fast.to_bytes(), slow.to_bytes());
}

#[test]
fn a_verifying_key_is_computed_once_and_binds_the_sizes() {
    use carbide_prover::stark::{VerifyingKey, verify_tables_with_key};
    let config = quick();
    let traces = bytes_statement(&[1, 2, 3, 4, 5, 6, 7, 8]);
    let proof = prove_two(&config, &traces).unwrap();
    let airs: [&dyn Air; 2] = [&BytesAir, &ByteRangeAir];
    let key = VerifyingKey::new(&[(airs[0], 3), (airs[1], 8)], &config).unwrap();
    let statement = [(airs[0], &[][..]), (airs[1], &[][..])];
    verify_tables_with_key(&statement, &config, &proof, &key).unwrap();
    // A key for other sizes refuses the proof; the range table has no other size.
    let other = VerifyingKey::new(&[(airs[0], 4), (airs[1], 8)], &config).unwrap();
    assert!(verify_tables_with_key(&statement, &config, &proof, &other).is_err());
    assert!(VerifyingKey::new(&[(airs[0], 3), (airs[1], 9)], &config).is_err());
    assert!(VerifyingKey::new(&[(airs[0], 0), (airs[1], 8)], &config).is_err());
    let short = VerifyingKey::new(&[(airs[0], 3)], &config).unwrap();
    assert!(verify_tables_with_key(&statement, &config, &proof, &short).is_err());
}
