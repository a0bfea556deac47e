//! The STARK end to end: Fibonacci and a wide degree-3 AIR prove and verify (CPU backends);
//! an invalid trace is refused; a proof does not verify for other public values, another AIR
//! or an insecure configuration; every sampled byte change of a serialized proof is refused
//! (by the decoder or the verifier), never with a panic.

use carbide_field::merkle::CpuMerkle;
use carbide_field::{Field, Goldilocks};
use carbide_ntt::Radix2Dit;
use carbide_prover::fri::FriConfig;
use carbide_prover::stark::{
    Air, FibonacciAir, ProveError, StarkConfig, StarkProof, VerifyError, WideAir, check_trace,
    prove, verify,
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
    p.log_rows = u32::MAX;
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
