//! `carbide prove` and `carbide verify`: proofs of the built-in AIRs as files that say which
//! AIR, which public values and which configuration they prove, and zkVM proofs as files
//! that carry the program (its ELF), the input and the claimed run.

use std::time::Instant;

use bincode::Options;
use carbide_field::Goldilocks;
use carbide_field::merkle::{MerkleHash, MerkleHasher};
use carbide_field::poseidon::Digest;
use serde::{Deserialize, Serialize};

use crate::fri::FriConfig;
use crate::stark::{
    Air, ByteRangeAir, BytesAir, FibonacciAir, Stage, StarkConfig, StarkProof, Table, TagAir,
    WideAir, prove_tables_with, verify_tables,
};
use crate::zkvm::{self, Claim, Program, SegmentProof, ZkvmProof};

/// The built-in statements: `fib` (2 columns), `wide-fib` (32 columns, starky's comparison
/// AIR), `wide-cubic` (32 columns, degree 3), `bytes` (two tables: pairs of bytes and the
/// byte-range table with a preprocessed column, linked by a logUp lookup).
pub const BUILTIN: &[&str] = &["fib", "wide-fib", "wide-cubic", "bytes"];

/// The AIRs of the built-in statement `name`, one per table.
pub fn builtin(name: &str) -> Option<Vec<Box<dyn Air>>> {
    match name {
        "fib" => Some(vec![Box::new(FibonacciAir)]),
        "wide-fib" => Some(vec![Box::new(WideAir::fib(32))]),
        "wide-cubic" => Some(vec![Box::new(WideAir::cubic(32))]),
        "bytes" => Some(vec![Box::new(BytesAir), Box::new(ByteRangeAir)]),
        _ => None,
    }
}

/// Traces and public values of the built-in statement `name` (2^log_rows rows in its first
/// table), one per table.
pub fn builtin_trace(name: &str, log_rows: u32) -> Option<Vec<(Vec<Goldilocks>, Vec<Goldilocks>)>> {
    match name {
        "fib" => Some(vec![FibonacciAir::trace(0, 1, log_rows)]),
        "wide-fib" => Some(vec![WideAir::fib(32).trace(log_rows, 1)]),
        "wide-cubic" => Some(vec![WideAir::cubic(32).trace(log_rows, 1)]),
        "bytes" => {
            let xs: Vec<u64> = (0..1u64 << log_rows)
                .map(|i| (i * 37 + i / 3) % 256)
                .collect();
            let bytes = BytesAir::trace(&xs);
            let range = ByteRangeAir::trace(&bytes);
            Some(vec![(bytes, Vec::new()), (range, Vec::new())])
        }
        _ => None,
    }
}

/// What a proof file holds.
#[derive(Serialize, Deserialize, Debug)]
struct ProofFile {
    air: String,
    /// What the proof is bound to, if anything: then its last table is a [`TagAir`] whose
    /// public values are the tag.
    tag: Option<Digest>,
    public: Vec<Vec<Goldilocks>>,
    /// log_blowup, arity_bits, final_log_len, num_queries, pow_bits, cap_height, hash
    /// (0 Poseidon, 1 BLAKE3).
    fri: [u64; 7],
    min_security_bits: u32,
    proof: Vec<u8>,
}

const MAGIC: &[u8; 8] = b"CBPROOF7";

fn options() -> impl Options {
    bincode::DefaultOptions::new()
        .with_limit(128 << 20)
        .with_fixint_encoding()
        .reject_trailing_bytes()
}

/// A zkVM proof file holds a segment proof (a few MB) per segment: room for hundreds.
fn zkvm_options() -> impl Options {
    bincode::DefaultOptions::new()
        .with_limit(1 << 30)
        .with_fixint_encoding()
        .reject_trailing_bytes()
}

fn config_of(fri: &[u64; 7], min_security_bits: u32) -> Result<StarkConfig, String> {
    let config = StarkConfig {
        fri: FriConfig::from_words(fri).map_err(|e| e.to_string())?,
        // Whatever the file says, nothing below the default minimum is accepted.
        min_security_bits: min_security_bits.max(StarkConfig::default().min_security_bits),
    };
    Ok(config)
}

/// The default configuration with the given hash.
pub fn config_with(hash: MerkleHash) -> StarkConfig {
    let mut c = StarkConfig::default();
    c.fri.hash = hash;
    c
}

/// Proves the built-in statement `air_name` at 2^log_rows rows with `config` on the given
/// backends (`merkle` must hash as the configuration says), bound to `tag` if given (a
/// [`TagAir`] table after the statement's), calling `progress` at each stage; checks the
/// proof, then returns the file's bytes and a one-line summary.
#[allow(clippy::too_many_arguments)]
pub fn prove_file(
    air_name: &str,
    log_rows: u32,
    tag: Option<Digest>,
    config: &StarkConfig,
    ntt: &dyn carbide_ntt::Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    backend: &str,
    progress: &mut dyn FnMut(Stage),
) -> Result<(Vec<u8>, String), String> {
    let mut airs = builtin(air_name)
        .ok_or_else(|| format!("unknown AIR {air_name:?} ({})", BUILTIN.join(", ")))?;
    if !(1..=24).contains(&log_rows) {
        return Err(format!("--log-rows {log_rows}: 1..=24"));
    }
    let mut traces = builtin_trace(air_name, log_rows).ok_or("no trace")?;
    if let Some(tag) = tag {
        airs.push(Box::new(TagAir));
        traces.push((TagAir::trace(), tag.to_vec()));
    }
    let tables: Vec<Table<'_>> = airs
        .iter()
        .zip(&traces)
        .map(|(a, (trace, public))| Table {
            air: a.as_ref(),
            trace,
            public,
        })
        .collect();
    let start = Instant::now();
    let proof =
        prove_tables_with(&tables, config, ntt, merkle, progress).map_err(|e| e.to_string())?;
    let secs = start.elapsed().as_secs_f64();
    // Proofs are checked before they leave.
    let statement: Vec<(&dyn Air, &[Goldilocks])> = airs
        .iter()
        .zip(&traces)
        .map(|(a, (_, p))| (a.as_ref(), p.as_slice()))
        .collect();
    verify_tables(&statement, config, &proof).map_err(|e| format!("self-check failed: {e}"))?;
    let f = &config.fri;
    let file = ProofFile {
        air: air_name.to_owned(),
        tag,
        public: traces.iter().map(|(_, p)| p.clone()).collect(),
        fri: f.words(),
        min_security_bits: config.min_security_bits,
        proof: proof.to_bytes(),
    };
    let mut bytes = MAGIC.to_vec();
    bytes.extend(options().serialize(&file).map_err(|e| e.to_string())?);
    let columns: usize = airs.iter().map(|a| a.width()).sum();
    let summary = format!(
        "proved {air_name}: {} rows × {columns} columns{} in {secs:.3} s, proof {} bytes, {} bits of conjectured security, {} hash, backend {backend}",
        1u64 << log_rows,
        if airs.len() > 1 {
            format!(" ({} tables)", airs.len())
        } else {
            String::new()
        },
        file.proof.len(),
        config.security_bits(),
        f.hash.name()
    );
    Ok((bytes, summary))
}

/// A checked proof file of a built-in statement.
#[derive(Clone, Debug)]
pub struct CheckedAir {
    /// The statement's name.
    pub air: String,
    /// Rows of its first table, log₂.
    pub log_rows: u32,
    /// Its tables' public values (the tag's not included).
    pub public: Vec<Vec<Goldilocks>>,
    /// What it is bound to.
    pub tag: Option<Digest>,
    /// The configuration's conjectured security bits.
    pub security_bits: u32,
    /// The hash of its Merkle trees.
    pub hash: &'static str,
    /// Milliseconds the verification took.
    pub verify_ms: f64,
}

/// Checks a proof file of a built-in statement (its tag included, if any).
pub fn check_file(bytes: &[u8]) -> Result<CheckedAir, String> {
    let body = bytes
        .strip_prefix(&MAGIC[..])
        .ok_or("not a carbide proof file (or an older format)")?;
    let mut file: ProofFile = options()
        .deserialize(body)
        .map_err(|e| format!("malformed proof file: {e}"))?;
    let mut airs = builtin(&file.air).ok_or_else(|| format!("unknown AIR {:?}", file.air))?;
    if file.tag.is_some() {
        airs.push(Box::new(TagAir));
    }
    if file.public.len() != airs.len()
        || file
            .tag
            .is_some_and(|t| file.public.last().map(Vec::as_slice) != Some(&t[..]))
    {
        return Err(format!(
            "{} tables of public values for {} (the tag's last)",
            file.public.len(),
            file.air
        ));
    }
    let proof = StarkProof::from_bytes(&file.proof).map_err(|e| format!("malformed proof: {e}"))?;
    let config = config_of(&file.fri, file.min_security_bits)?;
    let statement: Vec<(&dyn Air, &[Goldilocks])> = airs
        .iter()
        .zip(&file.public)
        .map(|(a, p)| (a.as_ref(), p.as_slice()))
        .collect();
    let start = Instant::now();
    verify_tables(&statement, &config, &proof).map_err(|e| e.to_string())?;
    if file.tag.is_some() {
        file.public.pop();
    }
    Ok(CheckedAir {
        air: file.air,
        log_rows: proof.tables.first().map_or(0, |t| t.log_rows),
        public: file.public,
        tag: file.tag,
        security_bits: config.security_bits(),
        hash: config.fri.hash.name(),
        verify_ms: start.elapsed().as_secs_f64() * 1e3,
    })
}

/// Verifies a proof file; `Ok` with a one-line summary, or the one-line reason it fails.
pub fn verify_file(bytes: &[u8]) -> Result<String, String> {
    if bytes.starts_with(ZKVM_MAGIC) {
        return verify_zkvm_file(bytes, None);
    }
    let c = check_file(bytes)?;
    Ok(format!(
        "valid: {} with {} public values, {} rows, {}{} bits of conjectured security, {} hash, verified in {:.1} ms",
        c.air,
        c.public.iter().map(Vec::len).sum::<usize>(),
        1u64 << c.log_rows.min(63),
        if c.tag.is_some() {
            "bound to a tag, "
        } else {
            ""
        },
        c.security_bits,
        c.hash,
        c.verify_ms
    ))
}

/// What a zkVM proof file holds: the program (its ELF) and input travel with the proof, so
/// `carbide verify` needs nothing else; the program's digest is recomputed from the ELF.
#[derive(Serialize, Deserialize, Debug)]
struct ZkvmFile {
    elf: Vec<u8>,
    input: Vec<u8>,
    tag: Digest,
    exit_code: u32,
    cycles: u64,
    output: Vec<u8>,
    /// As in [`ProofFile`].
    fri: [u64; 7],
    min_security_bits: u32,
    segments: Vec<SegmentProof>,
}

const ZKVM_MAGIC: &[u8; 8] = b"CBZKVM07";

/// Cycles of a segment, log₂, unless `--segment-log` says otherwise: a 2^20-cycle segment
/// proves in about a minute on two cores and a few GiB.
pub const ZKVM_SEGMENT_LOG: u32 = 20;

/// The zkVM's configuration: its constraints have degree 2, so blowup 2 with 84 queries and
/// 16 bits of grinding gives the 100 conjectured bits at a quarter of the default's LDE.
pub fn zkvm_config() -> StarkConfig {
    let mut c = StarkConfig::default();
    c.fri.log_blowup = 1;
    c.fri.num_queries = 84;
    c
}

fn hex(bytes: impl IntoIterator<Item = u8>) -> String {
    bytes.into_iter().map(|b| format!("{b:02x}")).collect()
}

/// The program digest as hex (its four words, little-endian).
pub fn digest_hex(d: &Digest) -> String {
    hex(d.iter().flat_map(|w| w.as_canonical_u64().to_le_bytes()))
}

/// A guest to prove: its ELF, input, cycle limit, segment size and the tag its proof is bound
/// to (zero for none).
#[derive(Clone, Copy, Debug)]
pub struct ZkvmJob<'a> {
    /// The guest.
    pub elf: &'a [u8],
    /// Its input.
    pub input: &'a [u8],
    /// The cycle limit.
    pub max_cycles: u64,
    /// Cycles per segment, log₂.
    pub segment_log: u32,
    /// What the proof is bound to ([`zkvm::Claim::tag`]).
    pub tag: Digest,
}

/// A checked zkVM proof file: what it proves and at what security.
#[derive(Clone, Debug)]
pub struct CheckedZkvm {
    /// The program's ELF.
    pub elf: Vec<u8>,
    /// The input it ran on.
    pub input: Vec<u8>,
    /// What the proof says (program digest, tag, exit code, cycles, output).
    pub claim: Claim,
    /// Segments.
    pub segments: usize,
    /// The configuration's conjectured security bits.
    pub security_bits: u32,
    /// Milliseconds the verification took.
    pub verify_ms: f64,
}

/// Runs and proves `job`, checks the proof, and returns the proof file's bytes with a
/// one-line summary.
pub fn prove_zkvm_file(
    job: &ZkvmJob<'_>,
    config: &StarkConfig,
    ntt: &dyn carbide_ntt::Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
) -> Result<(Vec<u8>, String), String> {
    prove_zkvm_file_with(job, config, ntt, merkle, &mut |_| {})
}

/// [`prove_zkvm_file`], calling `progress` as each segment's traces are built, as each
/// stage of its proof begins, and when the proof is done (before its check).
pub fn prove_zkvm_file_with(
    job: &ZkvmJob<'_>,
    config: &StarkConfig,
    ntt: &dyn carbide_ntt::Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    progress: &mut dyn FnMut(zkvm::Progress),
) -> Result<(Vec<u8>, String), String> {
    let program = Program::from_elf(job.elf).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let run = (
        &program,
        job.input,
        job.max_cycles,
        job.segment_log,
        job.tag,
    );
    let proof =
        zkvm::prove_bound_with(run, config, ntt, merkle, progress).map_err(|e| e.to_string())?;
    let secs = start.elapsed().as_secs_f64();
    zkvm::verify(&program, job.input, &proof, config)
        .map_err(|e| format!("self-check failed: {e}"))?;
    let claim = &proof.claim;
    let file = ZkvmFile {
        elf: job.elf.to_vec(),
        input: job.input.to_vec(),
        tag: claim.tag,
        exit_code: claim.exit_code,
        cycles: claim.cycles,
        output: claim.output.clone(),
        fri: config.fri.words(),
        min_security_bits: config.min_security_bits,
        segments: proof.segments,
    };
    let mut bytes = ZKVM_MAGIC.to_vec();
    bytes.extend(zkvm_options().serialize(&file).map_err(|e| e.to_string())?);
    let summary = format!(
        "proved {} cycles in {} segment(s) (exit code {}, output {}) in {secs:.3} s ({:.1} kHz), proof file {} bytes, {} bits of conjectured security, {} hash, program {}",
        file.cycles,
        file.segments.len(),
        file.exit_code,
        hex(file.output.iter().copied()),
        file.cycles as f64 / secs.max(1e-9) / 1e3,
        bytes.len(),
        config.security_bits(),
        config.fri.hash.name(),
        digest_hex(&program.digest())
    );
    Ok((bytes, summary))
}

/// Seconds spent in each stage of a zkVM proof, summed over its segments, in the order the
/// stages first ran: where a proof's time goes, from its [`zkvm::Progress`] events.
#[derive(Clone, Debug, Default)]
pub struct StageTimes {
    totals: Vec<(&'static str, f64)>,
    current: Option<(&'static str, Instant)>,
}

impl StageTimes {
    /// Ends the running stage now and starts the one `p` names (none after
    /// [`zkvm::Progress::Done`]).
    pub fn record(&mut self, p: zkvm::Progress) {
        self.record_at(p, Instant::now());
    }

    fn record_at(&mut self, p: zkvm::Progress, now: Instant) {
        if let Some((name, since)) = self.current.take() {
            let secs = now.saturating_duration_since(since).as_secs_f64();
            match self.totals.iter_mut().find(|(n, _)| *n == name) {
                Some((_, total)) => *total += secs,
                None => self.totals.push((name, secs)),
            }
        }
        self.current = p.name().map(|name| (name, now));
    }

    /// Each finished stage's seconds.
    pub fn totals(&self) -> &[(&'static str, f64)] {
        &self.totals
    }

    /// One line: each stage's seconds and its share of their sum.
    pub fn summary(&self) -> String {
        let sum: f64 = self.totals.iter().map(|(_, s)| s).sum();
        let parts: Vec<String> = self
            .totals
            .iter()
            .map(|(name, s)| format!("{name} {s:.3} s ({:.0} %)", 100.0 * s / sum.max(1e-12)))
            .collect();
        format!("time by stage: {} (sum {sum:.3} s)", parts.join(", "))
    }
}

/// Checks a zkVM proof file: the program is its ELF's, the input its own, the claim (output
/// included) what its proof proves. The caller compares the claim with what it expected.
pub fn check_zkvm_file(bytes: &[u8]) -> Result<CheckedZkvm, String> {
    let body = bytes
        .strip_prefix(&ZKVM_MAGIC[..])
        .ok_or("not a carbide zkVM proof file (or an older format)")?;
    let file: ZkvmFile = zkvm_options()
        .deserialize(body)
        .map_err(|e| format!("malformed proof file: {e}"))?;
    let program = Program::from_elf(&file.elf).map_err(|e| format!("the proof's program: {e}"))?;
    let config = config_of(&file.fri, file.min_security_bits)?;
    let proof = ZkvmProof {
        claim: Claim {
            program: program.digest(),
            tag: file.tag,
            exit_code: file.exit_code,
            cycles: file.cycles,
            output: file.output,
        },
        segments: file.segments,
    };
    let start = Instant::now();
    zkvm::verify(&program, &file.input, &proof, &config).map_err(|e| e.to_string())?;
    Ok(CheckedZkvm {
        elf: file.elf,
        input: file.input,
        segments: proof.segments.len(),
        claim: proof.claim,
        security_bits: config.security_bits(),
        verify_ms: start.elapsed().as_secs_f64() * 1e3,
    })
}

/// Verifies a zkVM proof file; with `elf`, the proof must also be of that program (its
/// digest). `Ok` with a one-line summary, or the one-line reason it fails.
pub fn verify_zkvm_file(bytes: &[u8], elf: Option<&[u8]>) -> Result<String, String> {
    let c = check_zkvm_file(bytes)?;
    let digest = c.claim.program;
    if let Some(elf) = elf {
        let expected = Program::from_elf(elf).map_err(|e| e.to_string())?;
        if expected.digest() != digest {
            return Err(format!(
                "the proof is of program {}, not {}",
                digest_hex(&digest),
                digest_hex(&expected.digest())
            ));
        }
    }
    Ok(format!(
        "valid: program {} ran {} cycles ({} segment(s)) on {} input bytes, exit code {}, output {}, {} bits of conjectured security, verified in {:.1} ms",
        digest_hex(&digest),
        c.claim.cycles,
        c.segments,
        c.input.len(),
        c.claim.exit_code,
        hex(c.claim.output.iter().copied()),
        c.security_bits,
        c.verify_ms
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stark::Stage;
    use std::time::Duration;
    use zkvm::Progress;

    #[test]
    fn stage_times_sum_each_stage_over_segments_and_stop_at_done() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut times = StageTimes::default();
        let events = [
            (Progress::Traces(0), 0),
            (Progress::Stage(0, Stage::Commit), 100),
            (Progress::Stage(0, Stage::Fri), 400),
            (Progress::Traces(1), 450),
            (Progress::Stage(1, Stage::Commit), 470),
            (Progress::Stage(1, Stage::Fri), 1000),
            (Progress::Done, 1010),
        ];
        for (p, ms) in events {
            times.record_at(p, at(ms));
        }
        // What comes after Done (the proof's own check) is not a stage.
        times.record_at(Progress::Done, at(5000));
        let ms: Vec<(&str, u64)> = times
            .totals()
            .iter()
            .map(|&(name, s)| (name, (s * 1e3).round() as u64))
            .collect();
        assert_eq!(
            ms,
            [
                ("run and build traces", 120),
                ("commit traces", 830),
                ("FRI and queries", 60)
            ]
        );
        let line = times.summary();
        assert!(
            line.starts_with("time by stage: run and build traces 0.120 s (12 %)"),
            "{line}"
        );
        assert!(line.ends_with("(sum 1.010 s)"), "{line}");
    }
}
