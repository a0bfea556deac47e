//! The verifier adapter: judges a submission against its task with the zkVM verifier, reading
//! the program, input, output and binding from the proof itself and comparing each with the
//! task, never taking the provider's word for any of them.

use super::protocol::{PROTOCOL_VERSION, Submission, Task, Verdict, Workload};
use crate::cli::{self, CheckedZkvm};

/// The checked proof of `sub` for `task`, or why it is no valid proof for it.
pub fn check(task: &Task, sub: &Submission) -> Result<CheckedZkvm, String> {
    if sub.version != PROTOCOL_VERSION {
        return Err(format!("protocol version {}", sub.version));
    }
    if sub.task != task.id {
        return Err(format!(
            "a submission for task {}, not {}",
            sub.task, task.id
        ));
    }
    let c = cli::check_zkvm_file(&sub.proof)?;
    let Workload::Zkvm {
        program,
        input,
        max_cycles,
        ..
    } = &task.workload;
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
    Ok(c)
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
