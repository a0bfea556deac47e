//! The provider agent: takes a task, refuses with a reason what it cannot meet (protocol or
//! prover version, security, cycle limit, a deadline its calibrated speed says it would miss),
//! otherwise runs and proves the guest bound to the task, checks its own proof, and returns
//! the submission.

use std::time::Instant;

use carbide_field::Goldilocks;
use carbide_field::merkle::MerkleHash;
use serde::{Deserialize, Serialize};

use super::protocol::{PROTOCOL_VERSION, Submission, Task, TaskId, Workload};
use crate::cli::{self, ZkvmJob};
use crate::stark::StarkConfig;
use crate::zkvm::{self, Program};

/// The prover release this build is (`major.minor`), which tasks name.
pub fn prover_version() -> String {
    let v = env!("CARGO_PKG_VERSION");
    v.rsplit_once('.').map_or(v, |(mm, _)| mm).to_owned()
}

/// A provider's agent.
pub struct Agent {
    /// The provider's name.
    pub provider: String,
    /// What it runs on (for submissions).
    pub hardware: String,
    /// The configuration its proofs use (its security is what it can offer).
    pub config: StarkConfig,
    /// The most cycles it takes on.
    pub max_cycles: u64,
    /// Cycles per segment, log₂.
    pub segment_log: u32,
    /// The largest built-in statement it takes, rows log₂.
    pub max_air_log_rows: u32,
    /// Its proving speed, cycles per second ([`Agent::calibrate`]); `None`: deadlines are not
    /// checked (nor for built-in statements, whose speed is not calibrated).
    pub speed: Option<f64>,
    ntt: carbide_ntt::Radix2Dit<Goldilocks>,
}

/// A task the agent will not prove, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The task (0 when the line was no task).
    pub task: TaskId,
    /// Who refuses.
    pub provider: String,
    /// Why.
    pub reason: String,
}

/// What the agent writes for a line: a submission or a refusal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The proof.
    Submission(Submission),
    /// No proof.
    Refusal(Refusal),
}

impl Agent {
    /// An agent proving on the CPU with the zkVM's configuration (100 conjectured bits).
    pub fn new(provider: &str) -> Self {
        Self {
            provider: provider.to_owned(),
            hardware: format!(
                "cpu: {} threads ({})",
                rayon::current_num_threads(),
                std::env::consts::ARCH
            ),
            config: cli::zkvm_config(),
            max_cycles: 1 << 26,
            segment_log: cli::ZKVM_SEGMENT_LOG,
            max_air_log_rows: 22,
            speed: None,
            ntt: carbide_ntt::Radix2Dit::<Goldilocks>::new(),
        }
    }

    /// Measures the agent's proving speed on the shipped SHA-256 guest (about 2^`log_cycles`
    /// cycles) and keeps it for deadline checks; returns cycles per second.
    pub fn calibrate(&mut self, sha256_elf: &[u8], log_cycles: u32) -> Result<f64, String> {
        // The guest takes about 96 cycles a byte.
        let input = vec![0x5a; (1usize << log_cycles) / 100];
        let job = self.job(
            sha256_elf,
            &input,
            1 << (log_cycles + 1),
            Default::default(),
        );
        let start = Instant::now();
        let (bytes, _) = self.prove_job(&job)?;
        let secs = start.elapsed().as_secs_f64().max(1e-6);
        let cycles = cli::check_zkvm_file(&bytes)?.claim.cycles;
        let speed = cycles as f64 / secs;
        self.speed = Some(speed);
        Ok(speed)
    }

    fn job<'a>(
        &self,
        elf: &'a [u8],
        input: &'a [u8],
        max_cycles: u64,
        tag: carbide_field::poseidon::Digest,
    ) -> ZkvmJob<'a> {
        ZkvmJob {
            elf,
            input,
            max_cycles,
            segment_log: self.segment_log,
            tag,
        }
    }

    fn prove_job(&self, job: &ZkvmJob<'_>) -> Result<(Vec<u8>, String), String> {
        let merkle = self.config.fri.hash.cpu();
        cli::prove_zkvm_file(job, &self.config, &self.ntt, merkle)
    }

    fn refuse(&self, task: TaskId, reason: String) -> Refusal {
        Refusal {
            task,
            provider: self.provider.clone(),
            reason,
        }
    }

    /// Proves `task`, or says why not. The proof is bound to the task's digest and checked
    /// before it is returned.
    pub fn handle(&self, task: &Task) -> Result<Submission, Refusal> {
        let no = |reason: String| Err(self.refuse(task.id, reason));
        if task.version != PROTOCOL_VERSION {
            return no(format!("protocol version {}", task.version));
        }
        if task.prover_version != prover_version() {
            return no(format!(
                "prover version {} required, this is {}",
                task.prover_version,
                prover_version()
            ));
        }
        if task.min_security_bits > self.config.security_bits() {
            return no(format!(
                "{} bits of security required, this prover gives {}",
                task.min_security_bits,
                self.config.security_bits()
            ));
        }
        let (program, elf, input, max_cycles) = match &task.workload {
            Workload::Zkvm {
                program,
                elf,
                input,
                max_cycles,
            } => (program, elf, input, max_cycles),
            Workload::Air { air, log_rows } => return self.handle_air(task, air, *log_rows),
        };
        if *max_cycles > self.max_cycles {
            return no(format!(
                "{max_cycles} cycles allowed, this agent takes at most {}",
                self.max_cycles
            ));
        }
        let p = match Program::from_elf(elf) {
            Ok(p) => p,
            Err(e) => return no(format!("the program: {e}")),
        };
        if cli::digest_hex(&p.digest()) != *program {
            return no("the ELF is not the program the task names".into());
        }
        // Executing is cheap next to proving: the run's cycles tell the proving time.
        let run = match zkvm::run(&p, input, *max_cycles) {
            Ok(r) => r,
            Err(e) => return no(format!("the run fails: {e}")),
        };
        if let Some(speed) = self.speed {
            let ms = run.cycles as f64 / speed * 1e3;
            if ms > task.deadline_ms as f64 {
                return no(format!(
                    "{} cycles take about {ms:.0} ms here, the deadline is {} ms",
                    run.cycles, task.deadline_ms
                ));
            }
        }
        let start = Instant::now();
        let job = self.job(elf, input, *max_cycles, task.digest());
        let (proof, _) = match self.prove_job(&job) {
            Ok(r) => r,
            Err(e) => return no(format!("proving failed: {e}")),
        };
        let proving_ms = start.elapsed().as_millis() as u64;
        Ok(Submission {
            version: PROTOCOL_VERSION,
            task: task.id,
            provider: self.provider.clone(),
            proof,
            output: run.output,
            cycles: run.cycles,
            proving_ms,
            hardware: self.hardware.clone(),
        })
    }

    /// A built-in statement's proof, bound to the task (the default configuration: the
    /// statements have constraints up to degree 3).
    fn handle_air(&self, task: &Task, air: &str, log_rows: u32) -> Result<Submission, Refusal> {
        if cli::builtin(air).is_none() {
            return Err(self.refuse(task.id, format!("unknown statement {air:?}")));
        }
        if !(1..=self.max_air_log_rows).contains(&log_rows) {
            return Err(self.refuse(
                task.id,
                format!(
                    "2^{log_rows} rows: this agent takes 2^1 to 2^{}",
                    self.max_air_log_rows
                ),
            ));
        }
        let config = cli::config_with(self.config.fri.hash);
        let merkle = config.fri.hash.cpu();
        let start = Instant::now();
        let proved = cli::prove_file(
            air,
            log_rows,
            Some(task.digest()),
            &config,
            &self.ntt,
            merkle,
            "cpu",
            &mut |_| {},
        )
        .and_then(|(proof, _)| cli::check_file(&proof).map(|c| (proof, c)));
        let (proof, checked) =
            proved.map_err(|e| self.refuse(task.id, format!("proving failed: {e}")))?;
        Ok(Submission {
            version: PROTOCOL_VERSION,
            task: task.id,
            provider: self.provider.clone(),
            proof,
            output: Workload::air_output(&checked.public),
            cycles: 1 << log_rows,
            proving_ms: start.elapsed().as_millis() as u64,
            hardware: self.hardware.clone(),
        })
    }

    /// One JSON line in, one JSON line out: the submission, or a refusal with its reason (a
    /// malformed line too, as task 0).
    pub fn handle_line(&self, line: &str) -> String {
        let reply = match Task::from_json(line) {
            Ok(task) => match self.handle(&task) {
                Ok(s) => Reply::Submission(s),
                Err(r) => Reply::Refusal(r),
            },
            Err(e) => Reply::Refusal(self.refuse(0, e)),
        };
        serde_json::to_string(&reply).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Proves with BLAKE3 Merkle trees instead of Poseidon (faster on CPUs).
    pub fn with_hash(mut self, hash: MerkleHash) -> Self {
        self.config.fri.hash = hash;
        self
    }
}
