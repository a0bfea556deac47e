//! The `carbide` command line.
//!
//! - `carbide info`: the CUDA devices found (name, architecture, memory), or exactly why there
//!   are none; exits 1 when there are none.
//! - `carbide prove --air fib|wide-fib|wide-cubic|bytes --log-rows K [-o FILE] [--backend …]
//!   [--hash poseidon|blake3] [--progress|--quiet]`: a STARK proof of a built-in statement
//!   (default configuration, 100 conjectured bits), verified before it is written; stage lines
//!   on stderr when it is a terminal (or with `--progress`), then one summary line.
//! - `carbide prove ELF [--input FILE] [--max-cycles N] [--segment-log K] [--hash
//!   poseidon|blake3] [--backend cpu|cuda|auto] [-o FILE] [--progress|--quiet]`: runs an
//!   RV32IM guest and proves the run
//!   in segments of 2^K cycles (default 2^20; 100 conjectured bits; Poseidon Merkle trees
//!   unless BLAKE3 is asked for), verified before the file (program, input, output, segment
//!   proofs) is written; each segment's stage lines on stderr when it is a terminal (or with
//!   `--progress`), then the seconds spent in each stage, summed over the segments.
//! - `carbide verify FILE [--elf ELF]`: exit 0 for a valid proof, 1 with a one-line reason;
//!   with `--elf`, a zkVM proof must also be of that program (its digest).
//! - `carbide agent [--name NAME] [--calibrate] [--dir DIR] [--hash poseidon|blake3]`: the
//!   market's provider agent: tasks as JSON lines on stdin (or `*.json` files in DIR), one
//!   JSON line out each, the submission or a refusal with its reason; `--calibrate` measures
//!   its proving speed first, so it refuses deadlines it would miss.
//! - `carbide market demo [--tasks N] [--seed S] [--log FILE]`: the reference market over real
//!   proofs (honest, tampering and dropping-out providers, a colluding verifier), its outcome
//!   table, the balances and the log's replay (exit 1 if the replay differs).
//! - `carbide run ELF [--input FILE] [--max-cycles N] [--output FILE]`: executes an RV32IM
//!   guest (no proof): its public output (hex, or raw bytes to `--output`), exit code and
//!   cycles; a fault is exit 1 with its one-line reason naming the pc.
//! - `carbide bench ntt|msm|field|stark [--backend cpu|cuda|auto] [--rounds N] [--burst-ms MS]
//!   [--filter S] [--json FILE] [--svg FILE]`: on the CPU, carbide raced against its peer
//!   (plonky2, ark-poly, ark-ec) in one run, interleaved; prints a table of ours, the peer and
//!   the ratio for each workload, writes JSON and an SVG chart. `--backend cuda` (or
//!   `CARBIDE_BACKEND=cuda`) times the GPU NTT or MSM instead, or exits 1 with the one-line
//!   reason there is no GPU; `auto` uses the GPU when there is one, else says why and runs the
//!   CPU suite. Needs the `bench` feature.

use carbide_field::merkle::MerkleHash;
use std::process::ExitCode;

const USAGE: &str = "usage:
  carbide info
  carbide prove --air fib|wide-fib|wide-cubic|bytes --log-rows K [-o FILE] [--backend cpu|cuda|auto] [--hash poseidon|blake3] [--progress|--quiet]
  carbide prove ELF [--input FILE] [--max-cycles N] [--segment-log K] [--hash poseidon|blake3] [--backend cpu|cuda|auto] [-o FILE] [--progress|--quiet]
  carbide verify FILE [--elf ELF]
  carbide run ELF [--input FILE] [--max-cycles N] [--output FILE]
  carbide agent [--name NAME] [--calibrate] [--dir DIR] [--hash poseidon|blake3]
  carbide market demo [--tasks N] [--seed S] [--log FILE]
  carbide bench ntt|msm|field|stark [--backend cpu|cuda|auto] [--rounds N] [--burst-ms MS] [--filter SUBSTRING] [--json FILE] [--svg FILE]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench::main(&args[1..]),
        Some("info") => info(),
        Some("prove") if args.get(1).is_some_and(|a| !a.starts_with('-')) => prove_elf(&args[1..]),
        Some("prove") => prove(&args[1..]),
        Some("run") => run(&args[1..]),
        Some("agent") => agent(&args[1..]),
        Some("market") if args.get(1).map(String::as_str) == Some("demo") => {
            market_demo(&args[2..])
        }
        Some("verify") => verify(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("carbide: unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `carbide prove`: a proof of a built-in AIR, written to a file, with a one-line summary.
fn prove(args: &[String]) -> ExitCode {
    let (mut air, mut log_rows, mut out, mut backend) = (None, None, None, None::<String>);
    let (mut hash, mut progress) = (MerkleHash::Poseidon, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--progress" || flag == "--quiet" {
            progress = Some(flag == "--progress");
            continue;
        }
        let value = it.next().cloned();
        match (flag.as_str(), value) {
            ("--air", Some(v)) => air = Some(v),
            ("--log-rows", Some(v)) => log_rows = v.parse::<u32>().ok(),
            ("-o" | "--output", Some(v)) => out = Some(v),
            ("--backend", Some(v)) => backend = Some(v),
            ("--hash", Some(v)) if v == "poseidon" => hash = MerkleHash::Poseidon,
            ("--hash", Some(v)) if v == "blake3" => hash = MerkleHash::Blake3,
            (other, _) => {
                eprintln!("carbide prove: bad argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(air), Some(log_rows)) = (air, log_rows) else {
        eprintln!("carbide prove: --air and --log-rows are required\n{USAGE}");
        return ExitCode::from(2);
    };
    let b = match Backends::new("prove", backend.as_deref(), hash) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let (merkle, name) = b.merkle();
    // Stage lines on a terminal (or with --progress), none with --quiet.
    let show = progress.unwrap_or_else(|| std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let start = std::time::Instant::now();
    let mut stage = |s: carbide_prover::stark::Stage| {
        if show {
            eprintln!("[{:8.3} s] {}", start.elapsed().as_secs_f64(), s.name());
        }
    };
    let config = carbide_prover::cli::config_with(hash);
    match carbide_prover::cli::prove_file(
        &air,
        log_rows,
        None,
        &config,
        b.ntt.as_ref(),
        merkle,
        name,
        &mut stage,
    ) {
        Ok((bytes, summary)) => {
            let path = out.unwrap_or_else(|| format!("{air}-2^{log_rows}.proof"));
            if let Err(e) = std::fs::write(&path, bytes) {
                eprintln!("carbide prove: cannot write {path}: {e}");
                return ExitCode::FAILURE;
            }
            println!("{summary}; wrote {path}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("carbide prove: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The NTT and Merkle hasher that `--backend` names (default `CARBIDE_BACKEND`, else the CPU).
struct Backends {
    backend: carbide_cuda::Backend,
    ntt: std::sync::Arc<dyn carbide_ntt::Ntt<carbide_field::Goldilocks>>,
    gpu_merkle: Option<carbide_cuda::CudaMerkle>,
    hash: MerkleHash,
}

impl Backends {
    /// The backends of `carbide <command>`, or the exit code after a one-line reason.
    fn new(command: &str, backend: Option<&str>, hash: MerkleHash) -> Result<Self, ExitCode> {
        use carbide_cuda::{Backend, CudaMerkle, Gpu};
        let backend = match backend.map_or(Backend::from_env(Backend::Cpu), str::parse) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("carbide {command}: {e}");
                return Err(ExitCode::from(2));
            }
        };
        let ntt = carbide_cuda::ntt(backend).map_err(|e| {
            eprintln!("carbide {command}: --backend cuda: {e}");
            ExitCode::FAILURE
        })?;
        // The GPU hashes with Poseidon only; BLAKE3 trees are built on the CPU.
        let gpu_merkle = match (backend, hash) {
            (Backend::Cpu, _) | (_, MerkleHash::Blake3) => None,
            _ => Gpu::new(0).ok().and_then(|g| CudaMerkle::new(&g).ok()),
        };
        Ok(Self {
            backend,
            ntt,
            gpu_merkle,
            hash,
        })
    }

    /// The Merkle hasher and the backends' name for the summary line.
    fn merkle(&self) -> (&dyn carbide_field::merkle::MerkleHasher, &'static str) {
        match &self.gpu_merkle {
            Some(m) => (m, "cuda"),
            None if self.backend == carbide_cuda::Backend::Cpu => (self.hash.cpu(), "cpu"),
            None => (self.hash.cpu(), "cuda NTT, cpu Merkle"),
        }
    }
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// A guest command's arguments: `ELF [--input FILE] [--max-cycles N] [-o|--output FILE]`,
/// and for `prove`, `[--segment-log K] [--hash poseidon|blake3] [--backend cpu|cuda|auto] [--progress|--quiet]`.
struct GuestArgs {
    elf: String,
    input: Option<String>,
    max_cycles: u64,
    out: Option<String>,
    segment_log: Option<u32>,
    hash: MerkleHash,
    backend: Option<String>,
    progress: Option<bool>,
}

impl GuestArgs {
    /// The arguments of `carbide <command>`, or the exit code after a one-line reason.
    fn parse(command: &str, args: &[String], max_cycles: u64) -> Result<Self, ExitCode> {
        let Some((elf, rest)) = args.split_first() else {
            eprintln!("carbide {command}: which ELF file?\n{USAGE}");
            return Err(ExitCode::from(2));
        };
        let mut a = Self {
            elf: elf.clone(),
            input: None,
            max_cycles,
            out: None,
            segment_log: None,
            hash: MerkleHash::Poseidon,
            backend: None,
            progress: None,
        };
        let mut it = rest.iter();
        while let Some(flag) = it.next() {
            if command == "prove" && (flag == "--progress" || flag == "--quiet") {
                a.progress = Some(flag == "--progress");
                continue;
            }
            match (flag.as_str(), it.next()) {
                ("--input", Some(v)) => a.input = Some(v.clone()),
                ("-o" | "--output", Some(v)) => a.out = Some(v.clone()),
                ("--max-cycles", Some(v)) => match v.parse() {
                    Ok(n) => a.max_cycles = n,
                    Err(e) => {
                        eprintln!("carbide {command}: --max-cycles: {e}");
                        return Err(ExitCode::from(2));
                    }
                },
                ("--hash", Some(v)) if command == "prove" && v == "poseidon" => {
                    a.hash = MerkleHash::Poseidon;
                }
                ("--hash", Some(v)) if command == "prove" && v == "blake3" => {
                    a.hash = MerkleHash::Blake3;
                }
                ("--backend", Some(v)) if command == "prove" => a.backend = Some(v.clone()),
                ("--segment-log", Some(v)) if command == "prove" => match v.parse() {
                    Ok(k) => a.segment_log = Some(k),
                    Err(e) => {
                        eprintln!("carbide {command}: --segment-log: {e}");
                        return Err(ExitCode::from(2));
                    }
                },
                (other, _) => {
                    eprintln!("carbide {command}: bad argument {other:?}\n{USAGE}");
                    return Err(ExitCode::from(2));
                }
            }
        }
        Ok(a)
    }
}

/// `carbide prove ELF`: runs and proves a guest, writes the proof file.
fn prove_elf(args: &[String]) -> ExitCode {
    let GuestArgs {
        elf,
        input,
        max_cycles,
        out,
        segment_log,
        hash,
        backend,
        progress,
    } = match GuestArgs::parse("prove", args, 1 << 32) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let b = match Backends::new("prove", backend.as_deref(), hash) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let mut config = carbide_prover::cli::zkvm_config();
    config.fri.hash = hash;
    // Stage lines on a terminal (or with --progress), none with --quiet.
    let show = progress.unwrap_or_else(|| std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let start = std::time::Instant::now();
    let mut times = carbide_prover::cli::StageTimes::default();
    let mut stage = |p: carbide_prover::zkvm::Progress| {
        times.record(p);
        if show {
            eprintln!("[{:8.3} s] {p}", start.elapsed().as_secs_f64());
        }
    };
    let result = read(&elf).and_then(|bytes| {
        let input = input.as_deref().map(read).transpose()?.unwrap_or_default();
        let job = carbide_prover::cli::ZkvmJob {
            elf: &bytes,
            input: &input,
            max_cycles,
            segment_log: segment_log.unwrap_or(carbide_prover::cli::ZKVM_SEGMENT_LOG),
            tag: Default::default(),
        };
        let (merkle, _) = b.merkle();
        carbide_prover::cli::prove_zkvm_file_with(&job, &config, b.ntt.as_ref(), merkle, &mut stage)
    });
    if show {
        eprintln!("{}", times.summary());
    }
    match result {
        Ok((bytes, summary)) => {
            let path = out.unwrap_or_else(|| format!("{elf}.proof"));
            if let Err(e) = std::fs::write(&path, bytes) {
                eprintln!("carbide prove: cannot write {path}: {e}");
                return ExitCode::FAILURE;
            }
            println!("{summary}, backend {}; wrote {path}", b.merkle().1);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("carbide prove: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `carbide run ELF`: executes a guest and reports its output and cycles.
fn run(args: &[String]) -> ExitCode {
    let GuestArgs {
        elf,
        input,
        max_cycles,
        out,
        ..
    } = match GuestArgs::parse("run", args, 1 << 32) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let result = read(&elf)
        .and_then(|bytes| {
            carbide_prover::zkvm::Program::from_elf(&bytes).map_err(|e| e.to_string())
        })
        .and_then(|program| {
            let input = input.as_deref().map(read).transpose()?.unwrap_or_default();
            let start = std::time::Instant::now();
            let e = carbide_prover::zkvm::run(&program, &input, max_cycles)
                .map_err(|e| e.to_string())?;
            Ok((e, start.elapsed().as_secs_f64()))
        });
    match result {
        Ok((e, secs)) => {
            if let Some(path) = out {
                if let Err(err) = std::fs::write(&path, &e.output) {
                    eprintln!("carbide run: cannot write {path}: {err}");
                    return ExitCode::FAILURE;
                }
            } else {
                let hex: String = e.output.iter().map(|b| format!("{b:02x}")).collect();
                println!("output ({} bytes): {hex}", e.output.len());
            }
            println!(
                "exit code {}, {} cycles in {secs:.3} s ({:.1} MHz executed)",
                e.exit_code,
                e.cycles,
                e.cycles as f64 / secs.max(1e-9) / 1e6
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("carbide run: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `carbide verify FILE [--elf ELF]`: exit 0 for a valid proof, 1 with a one-line reason
/// otherwise.
fn verify(args: &[String]) -> ExitCode {
    let result = match args {
        [path] => read(path).and_then(|b| carbide_prover::cli::verify_file(&b)),
        [path, flag, elf] if flag == "--elf" => {
            read(path).and_then(|b| carbide_prover::cli::verify_zkvm_file(&b, Some(&read(elf)?)))
        }
        _ => {
            eprintln!("carbide verify: one proof file expected\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("invalid: {}", e.replace('\n', " "));
            ExitCode::from(1)
        }
    }
}

/// The devices, or the one-line reason there are none.
fn info() -> ExitCode {
    match carbide_cuda::devices() {
        Ok(devices) => {
            for d in devices {
                println!(
                    "cuda:{} {} ({}, compute capability {}.{}), {} MiB",
                    d.ordinal,
                    d.name,
                    d.arch(),
                    d.compute_capability.0,
                    d.compute_capability.1,
                    d.total_memory >> 20
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("no CUDA device: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(not(feature = "bench"))]
mod bench {
    use std::process::ExitCode;

    pub fn main(_args: &[String]) -> ExitCode {
        eprintln!(
            "carbide: built without the bench feature; run \
             `cargo run --release -p carbide-prover --features bench -- bench ntt`"
        );
        ExitCode::from(2)
    }
}

#[cfg(feature = "bench")]
mod bench {
    use std::path::PathBuf;
    use std::process::ExitCode;

    use carbide_benches::driver::{self, Options, fmt_time};
    use carbide_benches::{Race, field_races, msm_races, ntt_races};
    use carbide_cuda::{Backend, Gpu};

    /// The sizes the STARK race runs at.
    const STARK_SIZES: [u32; 2] = [16, 18];

    fn stark_races() -> Vec<Race> {
        carbide_prover::race::stark_races(&STARK_SIZES)
    }

    /// The STARK race's extra figures: carbide with BLAKE3 against starky, and proof sizes.
    fn stark_extras(results: &[driver::RaceResult]) -> Result<serde_json::Value, String> {
        println!();
        println!(
            "| workload | carbide (BLAKE3) | starky / carbide-blake3 [p25, p75] | proof: carbide | carbide-blake3 | starky |"
        );
        println!("|---|---|---|---|---|---|");
        let mut sizes = serde_json::Map::new();
        for &k in &STARK_SIZES {
            let group = carbide_prover::race::group(k);
            let Some(r) = results.iter().find(|r| r.group == group) else {
                continue;
            };
            let s = carbide_prover::race::proof_sizes(k)?;
            let (Some(b3), Some(peer)) = (
                r.contenders.iter().find(|c| c.name == "carbide-blake3"),
                r.peer(),
            ) else {
                continue;
            };
            // The per-round ratio starky / carbide-blake3, from the same rounds.
            let mut ratios: Vec<f64> = peer
                .samples_s
                .iter()
                .zip(&b3.samples_s)
                .map(|(p, o)| p / o)
                .collect();
            ratios.sort_by(f64::total_cmp);
            let q = |f: f64| ratios[((ratios.len() - 1) as f64 * f).round() as usize];
            println!(
                "| {group} | {} | {:.2}× [{:.2}, {:.2}] | {} B | {} B | {} B |",
                fmt_time(b3.median_s),
                q(0.5),
                q(0.25),
                q(0.75),
                s[0].1,
                s[1].1,
                s[2].1
            );
            sizes.insert(
                group,
                serde_json::json!(
                    s.iter()
                        .map(|(n, b)| ((*n).to_owned(), *b))
                        .collect::<std::collections::BTreeMap<_, _>>()
                ),
            );
        }
        Ok(serde_json::Value::Object(sizes))
    }

    struct Args {
        suite: &'static str,
        races: fn() -> Vec<Race>,
        backend: Backend,
        opts: Options,
        json: Option<PathBuf>,
        svg: Option<PathBuf>,
    }

    fn parse(args: &[String]) -> Result<Args, String> {
        let (suite, races): (&'static str, fn() -> Vec<Race>) =
            match args.first().map(String::as_str) {
                Some("ntt") => ("ntt", ntt_races),
                Some("msm") => ("msm", msm_races),
                Some("field") => ("field", field_races),
                Some("stark") => ("stark", stark_races),
                Some(other) => {
                    return Err(format!(
                        "unknown suite {other:?} (ntt, msm, field or stark)"
                    ));
                }
                None => return Err("which suite? (ntt, msm, field or stark)".into()),
            };
        let mut out = Args {
            suite,
            races,
            backend: Backend::from_env(Backend::Cpu).map_err(|e| e.to_string())?,
            opts: Options {
                rounds: 7,
                ..Options::default()
            },
            json: None,
            svg: None,
        };
        let mut it = args[1..].iter();
        while let Some(flag) = it.next() {
            let mut value = || it.next().cloned().ok_or(format!("{flag} needs a value"));
            if out.opts.apply_flag(flag, &mut value)? {
                continue;
            }
            match flag.as_str() {
                "--backend" => out.backend = value()?.parse().map_err(|e| format!("{e}"))?,
                "--json" => out.json = Some(PathBuf::from(value()?)),
                "--svg" => out.svg = Some(PathBuf::from(value()?)),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(out)
    }

    pub fn main(args: &[String]) -> ExitCode {
        let args = match parse(args) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("carbide bench: {e}\n{}", super::USAGE);
                return ExitCode::from(2);
            }
        };
        match (args.backend, args.suite) {
            (Backend::Cpu, _) => {}
            (backend, suite @ ("ntt" | "msm" | "stark")) => match Gpu::new(0) {
                Ok(gpu) if suite == "ntt" => return gpu_ntt(&gpu, &args),
                Ok(gpu) if suite == "stark" => return gpu_stark(&gpu, &args),
                Ok(gpu) => return gpu_msm(&gpu, &args),
                Err(e) if backend == Backend::Cuda => {
                    eprintln!("carbide bench: --backend cuda: {e}");
                    return ExitCode::FAILURE;
                }
                Err(e) => carbide_cuda::fall_back(&e),
            },
            (Backend::Cuda, suite) => {
                eprintln!(
                    "carbide bench: {suite} has no CUDA implementation yet; use --backend cpu"
                );
                return ExitCode::from(2);
            }
            (Backend::Auto, _) => {}
        }
        let (threads, simd) = driver::machine();
        println!(
            "carbide bench {}: {threads} threads, SIMD {simd}, {} interleaved rounds",
            args.suite, args.opts.rounds
        );
        println!(
            "| workload | carbide | peer | peer time | peer / carbide [p25, p75] | carbide throughput |"
        );
        println!("|---|---|---|---|---|---|");
        let results = driver::run((args.races)(), &args.opts, |r| {
            let (Some(ours), Some(peer)) = (r.ours(), r.peer()) else {
                return;
            };
            let [r25, r50, r75] = peer.ratio;
            println!(
                "| {} | {} | {} | {} | {r50:.2}× [{r25:.2}, {r75:.2}] | {:.1} M elements/s |",
                r.group,
                fmt_time(ours.median_s),
                peer.name,
                fmt_time(peer.median_s),
                r.elements as f64 / ours.median_s / 1e6
            );
        });
        let mut json = driver::to_json("carbide bench", args.suite, &args.opts, &results);
        if args.suite == "stark" {
            match stark_extras(&results) {
                Ok(sizes) => {
                    if let Some(o) = json.as_object_mut() {
                        o.insert("proof_bytes".into(), sizes);
                    }
                }
                Err(e) => {
                    eprintln!("carbide bench: a proof failed: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let title = format!("carbide bench {}: speed-up over the peer", args.suite);
        write_outputs(&args, |_| {
            (
                serde_json::to_string_pretty(&json).unwrap_or_default(),
                Some(driver::svg_chart(&title, &results)),
            )
        })
    }

    /// The GPU NTT table: resident and with transfers, against the CPU and the memory floor.
    fn gpu_ntt(gpu: &Gpu, args: &Args) -> ExitCode {
        use carbide_benches::gpu::{bandwidth, ntt_rows, to_json};
        let info = gpu.info();
        let (_, source) = bandwidth(&info.name);
        println!(
            "carbide bench ntt --backend cuda: {} ({}), {} MiB; CPU {} threads; floor at {source}",
            info.name,
            info.arch(),
            info.total_memory >> 20,
            rayon_threads()
        );
        println!(
            "| workload | GPU resident | GPU with transfers | CPU (carbide) | CPU / GPU resident | memory floor | fraction of floor |"
        );
        println!("|---|---|---|---|---|---|---|");
        let rows = ntt_rows(gpu, &args.opts, |r| {
            println!(
                "| {} | {:.3} ms | {:.3} ms | {:.3} ms | {:.1}× | {:.3} ms | {:.0}% |",
                r.group,
                r.resident_ms,
                r.transfer_ms,
                r.cpu_ms,
                r.cpu_ms / r.resident_ms,
                r.floor_ms,
                100.0 * r.floor_ms / r.resident_ms
            );
        });
        match rows {
            Ok(rows) => write_outputs(args, |a| {
                (
                    serde_json::to_string_pretty(&to_json(gpu, &a.opts, &rows)).unwrap_or_default(),
                    None,
                )
            }),
            Err(e) => {
                eprintln!("carbide bench: the GPU run failed: {e}");
                ExitCode::FAILURE
            }
        }
    }

    /// The GPU MSM table: resident bases, device time and with the scalar upload, against the
    /// CPU MSM in the same rounds.
    fn gpu_msm(gpu: &Gpu, args: &Args) -> ExitCode {
        use carbide_benches::gpu::{msm_json, msm_rows};
        let info = gpu.info();
        println!(
            "carbide bench msm --backend cuda: {} ({}), {} MiB; CPU {} threads; bases resident",
            info.name,
            info.arch(),
            info.total_memory >> 20,
            rayon_threads()
        );
        println!(
            "| workload | GPU device | GPU with scalar upload | CPU (carbide) | CPU / GPU with upload |"
        );
        println!("|---|---|---|---|---|");
        let rows = msm_rows(gpu, &args.opts, |r| {
            println!(
                "| {} | {:.3} ms | {:.3} ms | {:.3} ms | {:.1}× |",
                r.group,
                r.device_ms,
                r.wall_ms,
                r.cpu_ms,
                r.cpu_ms / r.wall_ms
            );
        });
        match rows {
            Ok(rows) => write_outputs(args, |a| {
                (
                    serde_json::to_string_pretty(&msm_json(gpu, &a.opts, &rows))
                        .unwrap_or_default(),
                    None,
                )
            }),
            Err(e) => {
                eprintln!("carbide bench: the GPU run failed: {e}");
                ExitCode::FAILURE
            }
        }
    }

    /// The STARK prover on the GPU backends (CudaNtt, CudaMerkle: LDE, quotient transforms,
    /// commitments, grinding) against the CPU backends, the same wide-fib statements and the
    /// configuration of the starky race, interleaved rounds; proofs checked byte-identical.
    fn gpu_stark(gpu: &Gpu, args: &Args) -> ExitCode {
        use carbide_cuda::{CudaMerkle, CudaNtt};
        use carbide_field::Goldilocks;
        use carbide_field::merkle::{CpuMerkle, MerkleHash};
        use carbide_ntt::Radix2Dit;
        use carbide_prover::stark::{WideAir, prove};
        let info = gpu.info();
        let (ntt, merkle) = match (CudaNtt::<Goldilocks>::new(gpu), CudaMerkle::new(gpu)) {
            (Ok(n), Ok(m)) => (n, m),
            (Err(e), _) => {
                eprintln!("carbide bench: {e}");
                return ExitCode::FAILURE;
            }
            (_, Err(e)) => {
                eprintln!("carbide bench: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "carbide bench stark --backend cuda: {} ({}), {} MiB; CPU {} threads; wide-fib 32 columns, blowup 2, 84 queries, 16 bits of grinding",
            info.name,
            info.arch(),
            info.total_memory >> 20,
            rayon_threads()
        );
        println!("| workload | GPU backends | CPU backends | CPU / GPU |");
        println!("|---|---|---|---|");
        let config = carbide_prover::race::config(MerkleHash::Poseidon);
        let air = WideAir::fib(32);
        let cpu_ntt = Radix2Dit::<Goldilocks>::new();
        let mut rows = Vec::new();
        for k in [16u32, 18, 20] {
            let (trace, public) = air.trace(k, 1);
            let run = |on_gpu: bool| {
                let start = std::time::Instant::now();
                let p = if on_gpu {
                    prove(&air, &config, &trace, &public, &ntt, &merkle)
                } else {
                    prove(&air, &config, &trace, &public, &cpu_ntt, &CpuMerkle)
                };
                p.map(|p| (start.elapsed().as_secs_f64(), p.to_bytes()))
            };
            let (mut g, mut c) = (Vec::new(), Vec::new());
            for round in 0..args.opts.rounds {
                let order = if round % 2 == 0 {
                    [true, false]
                } else {
                    [false, true]
                };
                let mut bytes = Vec::new();
                for on_gpu in order {
                    match run(on_gpu) {
                        Ok((t, b)) => {
                            if on_gpu {
                                g.push(t)
                            } else {
                                c.push(t)
                            }
                            bytes.push(b);
                        }
                        Err(e) => {
                            eprintln!("carbide bench: 2^{k}: {e}");
                            return ExitCode::FAILURE;
                        }
                    }
                }
                if bytes[0] != bytes[1] {
                    eprintln!("carbide bench: 2^{k}: the GPU's proof differs from the CPU's");
                    return ExitCode::FAILURE;
                }
            }
            let median = |mut v: Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            let (gm, cm) = (median(g), median(c));
            println!(
                "| stark/wide-fib-32x2^{k} | {} | {} | {:.2}× |",
                fmt_time(gm),
                fmt_time(cm),
                cm / gm
            );
            rows.push(serde_json::json!({
                "group": format!("stark/wide-fib-32x2^{k}"),
                "gpu_median_s": gm,
                "cpu_median_s": cm,
                "cpu_over_gpu": cm / gm,
            }));
        }
        let json = serde_json::json!({
            "tool": "carbide bench stark --backend cuda",
            "device": info.name,
            "rounds": args.opts.rounds,
            "results": rows,
        });
        write_outputs(args, |_| {
            (
                serde_json::to_string_pretty(&json).unwrap_or_default(),
                None,
            )
        })
    }

    fn rayon_threads() -> usize {
        driver::machine().0
    }

    /// Writes `--json` (and `--svg`, when there is a chart).
    fn write_outputs(
        args: &Args,
        docs: impl FnOnce(&Args) -> (String, Option<String>),
    ) -> ExitCode {
        let (json, svg) = docs(args);
        let outputs = [(args.json.clone(), Some(json)), (args.svg.clone(), svg)];
        for (path, text) in outputs {
            let (Some(path), Some(text)) = (path, text) else {
                continue;
            };
            if let Err(e) = driver::write_file(&path, &text) {
                eprintln!("carbide bench: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("wrote {}", path.display());
        }
        ExitCode::SUCCESS
    }
}

/// The shipped guests the market commands use.
const SHA256_ELF: &[u8] = include_bytes!("../guests/bin/sha256.elf");
const FIB_ELF: &[u8] = include_bytes!("../guests/bin/fib.elf");

/// `carbide agent`: tasks as JSON lines on stdin (or the `*.json` files of `--dir`, in name
/// order), one JSON line out for each: the submission, or a refusal with its reason.
fn agent(args: &[String]) -> ExitCode {
    use carbide_prover::market::agent::Agent;
    use std::io::BufRead;
    let (mut name, mut calibrate, mut dir, mut hash) = (
        "carbide-agent".to_owned(),
        false,
        None,
        MerkleHash::Poseidon,
    );
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--calibrate" => calibrate = true,
            "--name" | "--dir" | "--hash" => {
                let Some(v) = it.next() else {
                    eprintln!("carbide agent: {flag} needs a value\n{USAGE}");
                    return ExitCode::from(2);
                };
                match (flag.as_str(), v.as_str()) {
                    ("--name", _) => name = v.clone(),
                    ("--dir", _) => dir = Some(v.clone()),
                    ("--hash", "poseidon") => hash = MerkleHash::Poseidon,
                    ("--hash", "blake3") => hash = MerkleHash::Blake3,
                    _ => {
                        eprintln!("carbide agent: bad --hash {v:?}\n{USAGE}");
                        return ExitCode::from(2);
                    }
                }
            }
            other => {
                eprintln!("carbide agent: bad argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let mut agent = Agent::new(&name).with_hash(hash);
    if calibrate {
        match agent.calibrate(SHA256_ELF, 16) {
            Ok(speed) => eprintln!("carbide agent: calibrated at {:.1} kHz", speed / 1e3),
            Err(e) => {
                eprintln!("carbide agent: calibration failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let lines: Box<dyn Iterator<Item = String>> = match dir {
        Some(d) => {
            let mut files: Vec<_> = match std::fs::read_dir(&d) {
                Ok(r) => r
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect(),
                Err(e) => {
                    eprintln!("carbide agent: cannot read {d}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            files.sort();
            Box::new(files.into_iter().map(|p| {
                std::fs::read_to_string(&p)
                    .map(|s| s.replace('\n', " "))
                    .unwrap_or_else(|e| format!("unreadable {}: {e}", p.display()))
            }))
        }
        None => Box::new(std::io::stdin().lock().lines().map_while(Result::ok)),
    };
    for line in lines.filter(|l| !l.trim().is_empty()) {
        println!("{}", agent.handle_line(&line));
    }
    ExitCode::SUCCESS
}

/// `carbide market demo`: the reference market over real proofs, its outcome table and the
/// log's replay.
fn market_demo(args: &[String]) -> ExitCode {
    let (mut tasks, mut seed, mut log) = (10u64, 7u64, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next();
        let parsed = match (flag.as_str(), value) {
            ("--tasks", Some(v)) => v.parse().map(|n| tasks = n).map_err(|e| e.to_string()),
            ("--seed", Some(v)) => v.parse().map(|n| seed = n).map_err(|e| e.to_string()),
            ("--log", Some(v)) => {
                log = Some(v.clone());
                Ok(())
            }
            _ => Err(format!("bad argument {flag:?}")),
        };
        if let Err(e) = parsed {
            eprintln!("carbide market demo: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let report =
        match carbide_prover::market::demo::run(FIB_ELF, tasks, seed, &mut |l| eprintln!("{l}")) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("carbide market demo: {e}");
                return ExitCode::FAILURE;
            }
        };
    print!("{}", carbide_prover::market::demo::table(&report));
    if let Some(path) = log {
        if let Err(e) = std::fs::write(&path, &report.log) {
            eprintln!("carbide market demo: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
        println!("log written to {path}");
    }
    if report.replayed == report.balances {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
