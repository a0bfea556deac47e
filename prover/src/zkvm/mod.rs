//! The zkVM: RISC-V (RV32IM) programs, executed and proved. This module holds the ELF loader
//! ([`Program`]), the decoder and the executor ([`run`]), and the proving tables: the CPU
//! ([`mod@cpu`]), its loads and stores ([`mod@loadstore`]), the ALU on byte limbs ([`mod@alu`]), multiplication, shifts and unsigned
//! division on 16-bit limbs ([`mod@mul`]), and the program, memory and stream tables
//! ([`mod@tables`]), proved together by [`prove`] and checked by [`verify`], a run cut into
//! segments whose memory crosses between them as the root of the image's tree
//! ([`mod@image`]). Every RV32IM instruction is proved. The guests the project
//! ships are in `prover/guests/`.

pub mod alu;
pub mod cpu;
mod decode;
mod elf;
pub mod image;
pub mod loadstore;
mod machine;
pub mod mul;
mod prove;
pub mod tables;

pub use decode::{Instruction, Op, decode};
pub use elf::{Program, Segment};
pub use machine::{Access, Execution, Machine, Step, alu, run, syscall};
pub use prove::{
    Boundary, Claim, MAX_LOG_CYCLES, Progress, SegmentClaim, SegmentProof, Segments, Traces,
    ZkvmError, ZkvmProof, prove, prove_bound, prove_bound_with, prove_traces, segments, traces,
    verify, verify_segment,
};

use carbide_field::Goldilocks;
use rayon::prelude::*;
use thiserror::Error;

/// Replaces column `col` of a row-major trace `width` wide by its inverses (zero stays zero),
/// in one batch across threads, instead of one field inversion per row as the rows are built.
fn invert_column(rows: &mut [Goldilocks], width: usize, col: usize) {
    let mut column: Vec<Goldilocks> = rows.par_chunks_exact(width).map(|r| r[col]).collect();
    carbide_field::par_batch_inverse_in_place(&mut column);
    rows.par_chunks_exact_mut(width)
        .zip(column)
        .for_each(|(r, x)| r[col] = x);
}

/// Why a program could not be loaded or run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VmError {
    /// The ELF file is not a loadable RV32 executable.
    #[error("ELF: {0}")]
    Elf(String),
    /// The word at pc is no RV32IM instruction.
    #[error("illegal instruction {word:#010x} at pc {pc:#010x}")]
    Illegal {
        /// Where.
        pc: u32,
        /// The word.
        word: u32,
    },
    /// An instruction the machine does not give a meaning.
    #[error("unsupported instruction {what} at pc {pc:#010x}")]
    Unsupported {
        /// Where.
        pc: u32,
        /// Which.
        what: &'static str,
    },
    /// pc left the program's code (or is not word-aligned).
    #[error("jump out of the program: pc {pc:#010x} is not in its code")]
    OutOfProgram {
        /// The pc.
        pc: u32,
    },
    /// A load or store not aligned to its size.
    #[error("misaligned {size}-byte access at {addr:#010x} (pc {pc:#010x})")]
    Misaligned {
        /// Where.
        pc: u32,
        /// The address.
        addr: u32,
        /// Its size.
        size: u32,
    },
    /// A load or store outside the program's memory, or a store to code or read-only data.
    #[error("access outside writable memory at {addr:#010x} (pc {pc:#010x})")]
    OutOfBounds {
        /// Where.
        pc: u32,
        /// The address.
        addr: u32,
    },
    /// An unknown system call.
    #[error("unknown system call {number} at pc {pc:#010x}")]
    Syscall {
        /// Where.
        pc: u32,
        /// a7.
        number: u32,
    },
    /// A read past the input's last word.
    #[error("input exhausted: read past the input's last word at pc {pc:#010x}")]
    InputExhausted {
        /// Where.
        pc: u32,
    },
    /// A write of a value that is not a byte.
    #[error("output takes bytes: a0 = {value:#x} at pc {pc:#010x}")]
    OutputByte {
        /// Where.
        pc: u32,
        /// a0.
        value: u32,
    },
    /// The cycle limit ran out before the program halted.
    #[error("cycle limit {limit} exhausted at pc {pc:#010x}")]
    CycleLimit {
        /// The limit.
        limit: u64,
        /// Where the program was.
        pc: u32,
    },
}
