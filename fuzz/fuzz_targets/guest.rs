//! The guest loader and the executor on arbitrary bytes: an ELF file loads or is refused with
//! a reason, and a loaded program runs to its halt or stops with an error naming the pc (an
//! illegal instruction, a misaligned or unmapped access, a jump out of the code, the cycle
//! limit), never a panic. The corpus starts from the shipped guests' ELF files.
#![no_main]

use carbide_prover::zkvm::{self, Program};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(program) = Program::from_elf(data) else {
        return;
    };
    // Large (legal, up to 256 MiB) images only cost time: the executor's paths are the same.
    let size: usize = program.segments.iter().map(|s| s.data.len()).sum();
    if size > 1 << 20 {
        return;
    }
    // The file's last bytes are the input stream.
    let input = &data[data.len().saturating_sub(16)..];
    let _ = zkvm::run(&program, input, 10_000);
    let _ = zkvm::image::Image::new(&program);
});
