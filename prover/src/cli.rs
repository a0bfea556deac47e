//! `carbide prove` and `carbide verify`: proofs of the built-in AIRs as files that say which
//! AIR, which public values and which configuration they prove.

use std::time::Instant;

use bincode::Options;
use carbide_field::Goldilocks;
use carbide_field::merkle::{CpuMerkle, MerkleHasher};
use serde::{Deserialize, Serialize};

use crate::fri::FriConfig;
use crate::stark::{Air, FibonacciAir, StarkConfig, StarkProof, WideAir, prove, verify};

/// The built-in AIRs: `fib` (2 columns), `wide-fib` (32 columns, starky's comparison AIR),
/// `wide-cubic` (32 columns, degree 3).
pub fn builtin(name: &str) -> Option<Box<dyn Air>> {
    match name {
        "fib" => Some(Box::new(FibonacciAir)),
        "wide-fib" => Some(Box::new(WideAir::fib(32))),
        "wide-cubic" => Some(Box::new(WideAir::cubic(32))),
        _ => None,
    }
}

/// A trace of the built-in AIR `name` with 2^log_rows rows, and its public values.
pub fn builtin_trace(name: &str, log_rows: u32) -> Option<(Vec<Goldilocks>, Vec<Goldilocks>)> {
    match name {
        "fib" => Some(FibonacciAir::trace(0, 1, log_rows)),
        "wide-fib" => Some(WideAir::fib(32).trace(log_rows, 1)),
        "wide-cubic" => Some(WideAir::cubic(32).trace(log_rows, 1)),
        _ => None,
    }
}

/// What a proof file holds.
#[derive(Serialize, Deserialize, Debug)]
struct ProofFile {
    air: String,
    public: Vec<Goldilocks>,
    fri: [u64; 6],
    min_security_bits: u32,
    proof: Vec<u8>,
}

const MAGIC: &[u8; 8] = b"CBPROOF1";

fn options() -> impl Options {
    bincode::DefaultOptions::new()
        .with_limit(128 << 20)
        .with_fixint_encoding()
        .reject_trailing_bytes()
}

fn config_of(f: &ProofFile) -> Result<StarkConfig, String> {
    let small =
        |v: u64| u32::try_from(v).map_err(|_| format!("configuration value {v} out of range"));
    let config = StarkConfig {
        fri: FriConfig {
            log_blowup: small(f.fri[0])?,
            arity_bits: small(f.fri[1])?,
            final_log_len: small(f.fri[2])?,
            num_queries: small(f.fri[3])? as usize,
            pow_bits: small(f.fri[4])?,
            cap_height: small(f.fri[5])? as usize,
        },
        // Whatever the file says, nothing below the default minimum is accepted.
        min_security_bits: f
            .min_security_bits
            .max(StarkConfig::default().min_security_bits),
    };
    config.fri.check().map_err(|e| e.to_string())?;
    Ok(config)
}

/// Proves the built-in AIR `air` at 2^log_rows rows with the default configuration on the
/// CPU (`merkle` for the commitments); returns the file's bytes and a one-line summary.
pub fn prove_file(
    air_name: &str,
    log_rows: u32,
    ntt: &dyn carbide_ntt::Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    backend: &str,
) -> Result<(Vec<u8>, String), String> {
    let air = builtin(air_name)
        .ok_or_else(|| format!("unknown AIR {air_name:?} (fib, wide-fib, wide-cubic)"))?;
    if !(1..=24).contains(&log_rows) {
        return Err(format!("--log-rows {log_rows}: 1..=24"));
    }
    let (trace, public) = builtin_trace(air_name, log_rows).ok_or("no trace")?;
    let config = StarkConfig::default();
    let start = Instant::now();
    let proof =
        prove(air.as_ref(), &config, &trace, &public, ntt, merkle).map_err(|e| e.to_string())?;
    let secs = start.elapsed().as_secs_f64();
    // Proofs are checked before they leave.
    verify(air.as_ref(), &config, &public, &proof)
        .map_err(|e| format!("self-check failed: {e}"))?;
    let f = &config.fri;
    let file = ProofFile {
        air: air_name.to_owned(),
        public,
        fri: [
            u64::from(f.log_blowup),
            u64::from(f.arity_bits),
            u64::from(f.final_log_len),
            f.num_queries as u64,
            u64::from(f.pow_bits),
            f.cap_height as u64,
        ],
        min_security_bits: config.min_security_bits,
        proof: proof.to_bytes(),
    };
    let mut bytes = MAGIC.to_vec();
    bytes.extend(options().serialize(&file).map_err(|e| e.to_string())?);
    let summary = format!(
        "proved {air_name}: {} rows × {} columns in {secs:.3} s, proof {} bytes, {} bits of conjectured security, backend {backend}",
        1u64 << log_rows,
        air.width(),
        file.proof.len(),
        config.security_bits()
    );
    Ok((bytes, summary))
}

/// Verifies a proof file; `Ok` with a one-line summary, or the one-line reason it fails.
pub fn verify_file(bytes: &[u8]) -> Result<String, String> {
    let body = bytes
        .strip_prefix(&MAGIC[..])
        .ok_or("not a carbide proof file")?;
    let file: ProofFile = options()
        .deserialize(body)
        .map_err(|e| format!("malformed proof file: {e}"))?;
    let air = builtin(&file.air).ok_or_else(|| format!("unknown AIR {:?}", file.air))?;
    let proof = StarkProof::from_bytes(&file.proof).map_err(|e| format!("malformed proof: {e}"))?;
    let config = config_of(&file)?;
    verify(air.as_ref(), &config, &file.public, &proof).map_err(|e| e.to_string())?;
    Ok(format!(
        "valid: {} with {} public values, {} rows, {} bits of conjectured security",
        file.air,
        file.public.len(),
        1u64 << proof.log_rows,
        config.security_bits()
    ))
}

/// The CPU's Merkle hasher, for callers without a GPU.
pub fn cpu_merkle() -> CpuMerkle {
    CpuMerkle
}
