//! The prover on the GPU backends (CudaNtt, CudaMerkle) gives byte-identical proofs to the
//! CPU's (Radix2Dit, CpuMerkle) for the same input, and they verify. Without a device:
//! `skipped: no CUDA device`, unless `REQUIRE_GPU=1`.

use carbide_cuda::{CudaMerkle, CudaNtt};
use carbide_field::Goldilocks;
use carbide_field::merkle::CpuMerkle;
use carbide_ntt::Radix2Dit;
use carbide_prover::stark::{
    ByteRangeAir, BytesAir, FibonacciAir, StarkConfig, Table, WideAir, prove, prove_tables, verify,
    verify_tables,
};

#[test]
fn gpu_and_cpu_proofs_are_byte_identical() {
    let Some(gpu) = carbide_cuda::testing::gpu_or_skip() else {
        return;
    };
    let (ntt, merkle) = (
        CudaNtt::<Goldilocks>::new(&gpu).unwrap(),
        CudaMerkle::new(&gpu).unwrap(),
    );
    let config = StarkConfig::default();
    let cases = [
        (
            Box::new(FibonacciAir) as Box<dyn carbide_prover::stark::Air>,
            FibonacciAir::trace(0, 1, 10),
        ),
        (Box::new(WideAir::fib(32)), WideAir::fib(32).trace(12, 3)),
        (Box::new(WideAir::cubic(8)), WideAir::cubic(8).trace(11, 4)),
    ];
    for (air, (trace, public)) in cases {
        let on_gpu = prove(air.as_ref(), &config, &trace, &public, &ntt, &merkle).unwrap();
        let on_cpu = prove(
            air.as_ref(),
            &config,
            &trace,
            &public,
            &Radix2Dit::new(),
            &CpuMerkle,
        )
        .unwrap();
        assert_eq!(on_gpu.to_bytes(), on_cpu.to_bytes(), "{}", air.name());
        verify(air.as_ref(), &config, &public, &on_gpu).unwrap();
    }
    // Two tables with a preprocessed column and a lookup.
    let xs: Vec<u64> = (0..1000u64).map(|i| (i * 7 + 3) % 256).collect();
    let bytes = BytesAir::trace(&xs);
    let range = ByteRangeAir::trace(&bytes);
    let tables = [
        Table {
            air: &BytesAir,
            trace: &bytes,
            public: &[],
        },
        Table {
            air: &ByteRangeAir,
            trace: &range,
            public: &[],
        },
    ];
    let on_gpu = prove_tables(&tables, &config, &ntt, &merkle).unwrap();
    let on_cpu = prove_tables(&tables, &config, &Radix2Dit::new(), &CpuMerkle).unwrap();
    assert_eq!(on_gpu.to_bytes(), on_cpu.to_bytes(), "bytes + byte-range");
    verify_tables(&[(&BytesAir, &[]), (&ByteRangeAir, &[])], &config, &on_gpu).unwrap();
}

/// A zkVM run in several segments on the GPU backends: each segment's proof byte-identical to
/// the CPU's, and the run verifies with the guest's output.
#[test]
fn zkvm_proofs_on_the_gpu_are_the_cpus() {
    use carbide_prover::zkvm::{self, Program};
    let Some(gpu) = carbide_cuda::testing::gpu_or_skip() else {
        return;
    };
    let (ntt, merkle) = (
        CudaNtt::<Goldilocks>::new(&gpu).unwrap(),
        CudaMerkle::new(&gpu).unwrap(),
    );
    let program = Program::from_elf(include_bytes!("../guests/bin/sort.elf")).unwrap();
    let words: Vec<u32> = (0..300u32)
        .map(|i| i.wrapping_mul(2_654_435_761) ^ (i << 7))
        .chain([0, u32::MAX, 7, 7])
        .collect();
    let input: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    // Degree-2 constraints: blowup 2, as the zkVM configuration; few queries keep it quick.
    let mut config = StarkConfig::default();
    config.fri.log_blowup = 1;
    config.fri.num_queries = 30;
    config.min_security_bits = 30;
    let on_gpu = zkvm::prove(&program, &input, 1 << 22, 14, &config, &ntt, &merkle).unwrap();
    let on_cpu = zkvm::prove(
        &program,
        &input,
        1 << 22,
        14,
        &config,
        &Radix2Dit::new(),
        &CpuMerkle,
    )
    .unwrap();
    assert!(
        on_gpu.segments.len() > 1,
        "{} segments",
        on_gpu.segments.len()
    );
    assert_eq!(on_gpu.segments.len(), on_cpu.segments.len());
    for (i, (g, c)) in on_gpu.segments.iter().zip(&on_cpu.segments).enumerate() {
        assert_eq!(g.segment, c.segment, "segment {i}");
        assert_eq!(g.stark.to_bytes(), c.stark.to_bytes(), "segment {i}");
    }
    zkvm::verify(&program, &input, &on_gpu, &config).unwrap();
    let mut sorted = words.clone();
    sorted.sort_unstable();
    let expected: Vec<u8> = sorted.iter().flat_map(|w| w.to_le_bytes()).collect();
    assert_eq!(on_gpu.claim.output, expected);
}
