//! The verifier adapter: judges a submission against its task with the zkVM verifier, reading
//! the program, input, output and binding from the proof itself and comparing each with the
//! task, never taking the provider's word for any of them.

use super::protocol::{PROTOCOL_VERSION, Submission, Task, Verdict, Workload};
use crate::cli::{self, CheckedAir, CheckedZkvm};

/// The checked proof of `sub` for `task`, or why it is no valid proof for it.
pub fn check(task: &Task, sub: &Submission) -> Result<Checked, String> {
    if sub.version != PROTOCOL_VERSION {
        return Err(format!("protocol version {}", sub.version));
    }
    if sub.task != task.id {
        return Err(format!(
            "a submission for task {}, not {}",
            sub.task, task.id
        ));
    }
    let (program, input, max_cycles) = match &task.workload {
        Workload::Zkvm {
            program,
            input,
            max_cycles,
            ..
        } => (program, input, max_cycles),
        Workload::Air { air, log_rows } => return check_air(task, sub, air, *log_rows),
    };
    let c = cli::check_zkvm_file(&sub.proof)?;
    if cli::digest_hex(&c.claim.program) != *program {
        return Err("the proof is of another program".into());
    }
    if c.input != *input {
        return Err("the proof is of a run on another input".into());
    }
    if c.claim.tag != task.digest() {
        return Err("the proof is bound to another task".into());
    }
    if c.security_bits < task.min_security_bits {
        return Err(format!(
            "{} bits of security, the task requires {}",
            c.security_bits, task.min_security_bits
        ));
    }
    if c.claim.cycles > *max_cycles {
        return Err(format!(
            "{} cycles, the task allows {max_cycles}",
            c.claim.cycles
        ));
    }
    if sub.output != c.claim.output || sub.cycles != c.claim.cycles {
        return Err("the submission claims another output or cycle count than its proof".into());
    }
    Ok(Checked::Zkvm(c))
}

/// A submission's checked proof.
#[derive(Clone, Debug)]
pub enum Checked {
    /// Of a guest's run.
    Zkvm(CheckedZkvm),
    /// Of a built-in statement.
    Air(CheckedAir),
}

impl Checked {
    /// The tag the proof is bound to.
    pub fn tag(&self) -> Option<carbide_field::poseidon::Digest> {
        match self {
            Self::Zkvm(c) => Some(c.claim.tag),
            Self::Air(c) => c.tag,
        }
    }
}

fn check_air(task: &Task, sub: &Submission, air: &str, log_rows: u32) -> Result<Checked, String> {
    let c = cli::check_file(&sub.proof)?;
    if c.air != air || c.log_rows != log_rows {
        return Err(format!(
            "a proof of {} at 2^{} rows, the task asks for {air} at 2^{log_rows}",
            c.air, c.log_rows
        ));
    }
    if c.tag != Some(task.digest()) {
        return Err("the proof is bound to another task".into());
    }
    if c.security_bits < task.min_security_bits {
        return Err(format!(
            "{} bits of security, the task requires {}",
            c.security_bits, task.min_security_bits
        ));
    }
    if sub.output != Workload::air_output(&c.public) || sub.cycles != 1 << log_rows {
        return Err("the submission claims other public values or rows than its proof".into());
    }
    Ok(Checked::Air(c))
}

/// `verifier`'s verdict on `sub` for `task`.
pub fn verdict(verifier: &str, task: &Task, sub: &Submission) -> Verdict {
    let result = check(task, sub);
    Verdict {
        version: PROTOCOL_VERSION,
        task: task.id,
        verifier: verifier.to_owned(),
        accept: result.is_ok(),
        reason: result.err().unwrap_or_default(),
    }
}
