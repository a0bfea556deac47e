//! The RV32IM executor: the loaded program's segments as memory, 32 registers, one
//! instruction a cycle. System calls (`ecall`, number in a7) each write a0 at most, so that a
//! cycle touches at most one memory word besides its registers: 0 halts with exit code a0;
//! 1 sets a0 to the next word of the input (its next four bytes, little-endian, zero-padded at
//! the end); 2 appends the byte a0 to the public output; 3 sets a0 to the input's length in
//! bytes. Every fault is an error naming the pc.

use super::VmError;
use super::decode::{Instruction, Op, decode};
use super::elf::Program;

/// System call numbers (in a7).
pub mod syscall {
    /// Halt, exit code in a0.
    pub const HALT: u32 = 0;
    /// a0 ← the next input word (reading past the input's last word is an error).
    pub const READ: u32 = 1;
    /// Appends the byte a0 (below 256) to the public output.
    pub const WRITE: u32 = 2;
    /// a0 ← the input's length in bytes.
    pub const INPUT_LEN: u32 = 3;
}

/// A memory access of one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    /// The address.
    pub addr: u32,
    /// The value read or written (zero-extended to a word).
    pub value: u32,
    /// Bytes: 1, 2 or 4.
    pub size: u8,
    /// A store.
    pub write: bool,
}

/// What one cycle did (what the proving tables will be built from).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Its pc.
    pub pc: u32,
    /// The instruction.
    pub instruction: Instruction,
    /// rs1's and rs2's values.
    pub rs: [u32; 2],
    /// The value written to rd (zero when rd is x0 or nothing is written; for `ecall`, a0
    /// after the call).
    pub rd_value: u32,
    /// The memory access, if any.
    pub access: Option<Access>,
}

/// The result of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Execution {
    /// The public output.
    pub output: Vec<u8>,
    /// a0 at the halt.
    pub exit_code: u32,
    /// Instructions executed, the halting `ecall` included.
    pub cycles: u64,
}

struct Region {
    base: u32,
    bytes: Vec<u8>,
    writable: bool,
    executable: bool,
}

/// The machine state.
pub struct Machine<'a> {
    regions: Vec<Region>,
    regs: [u32; 32],
    pc: u32,
    input: &'a [u8],
    /// Input words read.
    read: usize,
    output: Vec<u8>,
    cycles: u64,
    halted: Option<u32>,
}

/// `a / b` and `a % b` as RV32M defines them (no traps).
fn div_rem(a: u32, b: u32, signed: bool) -> (u32, u32) {
    if b == 0 {
        return (u32::MAX, a);
    }
    if signed {
        let (a, b) = (a as i32, b as i32);
        if a == i32::MIN && b == -1 {
            return (a as u32, 0);
        }
        ((a / b) as u32, (a % b) as u32)
    } else {
        (a / b, a % b)
    }
}

/// The value an ALU or upper-immediate operation writes.
pub fn alu(op: Op, a: u32, b: u32) -> u32 {
    use Op::*;
    let (sa, sb) = (a as i32, b as i32);
    match op {
        Add | Addi => a.wrapping_add(b),
        Sub => a.wrapping_sub(b),
        Sll | Slli => a << (b & 31),
        Srl | Srli => a >> (b & 31),
        Sra | Srai => (sa >> (b & 31)) as u32,
        Slt | Slti => u32::from(sa < sb),
        Sltu | Sltiu => u32::from(a < b),
        Xor | Xori => a ^ b,
        Or | Ori => a | b,
        And | Andi => a & b,
        Mul => a.wrapping_mul(b),
        Mulh => ((i64::from(sa) * i64::from(sb)) >> 32) as u32,
        Mulhsu => ((i64::from(sa) * i64::from(b)) >> 32) as u32,
        Mulhu => ((u64::from(a) * u64::from(b)) >> 32) as u32,
        Div => div_rem(a, b, true).0,
        Divu => div_rem(a, b, false).0,
        Rem => div_rem(a, b, true).1,
        Remu => div_rem(a, b, false).1,
        _ => 0,
    }
}

impl<'a> Machine<'a> {
    /// The program loaded, pc at its entry, registers zero, `input` to read from.
    pub fn new(program: &Program, input: &'a [u8]) -> Self {
        Self {
            regions: program
                .segments
                .iter()
                .map(|s| Region {
                    base: s.vaddr,
                    bytes: s.data.clone(),
                    writable: s.writable && !s.executable,
                    executable: s.executable,
                })
                .collect(),
            regs: [0; 32],
            pc: program.entry,
            input,
            read: 0,
            output: Vec::new(),
            cycles: 0,
            halted: None,
        }
    }

    /// The registers.
    pub fn registers(&self) -> &[u32; 32] {
        &self.regs
    }

    /// The pc.
    pub fn pc(&self) -> u32 {
        self.pc
    }

    /// The exit code, once the program has halted.
    pub fn halted(&self) -> Option<u32> {
        self.halted
    }

    /// Instructions executed so far.
    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// The region and offset of `len` bytes at `addr`.
    fn locate(&self, addr: u32, len: u32) -> Option<(usize, usize)> {
        let i = self
            .regions
            .partition_point(|r| r.base <= addr)
            .checked_sub(1)?;
        let r = &self.regions[i];
        let off = (addr - r.base) as usize;
        (off + len as usize <= r.bytes.len()).then_some((i, off))
    }

    fn load(&self, addr: u32, size: u32) -> Result<u32, VmError> {
        let pc = self.pc;
        if !addr.is_multiple_of(size) {
            return Err(VmError::Misaligned { pc, addr, size });
        }
        let (i, off) = self
            .locate(addr, size)
            .ok_or(VmError::OutOfBounds { pc, addr })?;
        let b = &self.regions[i].bytes[off..off + size as usize];
        Ok(b.iter().rev().fold(0u32, |acc, &x| acc << 8 | u32::from(x)))
    }

    fn store(&mut self, addr: u32, size: u32, value: u32) -> Result<(), VmError> {
        let pc = self.pc;
        if !addr.is_multiple_of(size) {
            return Err(VmError::Misaligned { pc, addr, size });
        }
        let (i, off) = self
            .locate(addr, size)
            .filter(|&(i, _)| self.regions[i].writable)
            .ok_or(VmError::OutOfBounds { pc, addr })?;
        let b = &mut self.regions[i].bytes[off..off + size as usize];
        b.copy_from_slice(&value.to_le_bytes()[..size as usize]);
        Ok(())
    }

    fn fetch(&self) -> Result<u32, VmError> {
        let pc = self.pc;
        match self.locate(pc, 4) {
            Some((i, _)) if pc.is_multiple_of(4) && self.regions[i].executable => self.load(pc, 4),
            _ => Err(VmError::OutOfProgram { pc }),
        }
    }

    fn set(&mut self, rd: u8, v: u32) -> u32 {
        if rd != 0 {
            self.regs[rd as usize] = v;
            v
        } else {
            0
        }
    }

    /// Executes one instruction; `None` once the program has halted.
    pub fn step(&mut self) -> Result<Option<Step>, VmError> {
        if self.halted.is_some() {
            return Ok(None);
        }
        let pc = self.pc;
        let word = self.fetch()?;
        let ins = decode(word).ok_or(VmError::Illegal { pc, word })?;
        let (a, b) = (self.regs[ins.rs1 as usize], self.regs[ins.rs2 as usize]);
        let imm = ins.imm as u32;
        let mut next = pc.wrapping_add(4);
        let mut access = None;
        use Op::*;
        let rd_value = match ins.op {
            Lui => self.set(ins.rd, imm),
            Auipc => self.set(ins.rd, pc.wrapping_add(imm)),
            Jal => {
                next = pc.wrapping_add(imm);
                self.set(ins.rd, pc.wrapping_add(4))
            }
            Jalr => {
                next = a.wrapping_add(imm) & !1;
                self.set(ins.rd, pc.wrapping_add(4))
            }
            Beq | Bne | Blt | Bge | Bltu | Bgeu => {
                let taken = match ins.op {
                    Beq => a == b,
                    Bne => a != b,
                    Blt => (a as i32) < (b as i32),
                    Bge => (a as i32) >= (b as i32),
                    Bltu => a < b,
                    _ => a >= b,
                };
                if taken {
                    next = pc.wrapping_add(imm);
                }
                0
            }
            Lb | Lh | Lw | Lbu | Lhu => {
                let addr = a.wrapping_add(imm);
                let size = match ins.op {
                    Lb | Lbu => 1,
                    Lh | Lhu => 2,
                    _ => 4,
                };
                let raw = self.load(addr, size)?;
                access = Some(Access {
                    addr,
                    value: raw,
                    size: size as u8,
                    write: false,
                });
                let v = match ins.op {
                    Lb => raw as u8 as i8 as i32 as u32,
                    Lh => raw as u16 as i16 as i32 as u32,
                    _ => raw,
                };
                self.set(ins.rd, v)
            }
            Sb | Sh | Sw => {
                let addr = a.wrapping_add(imm);
                let size = match ins.op {
                    Sb => 1,
                    Sh => 2,
                    _ => 4,
                };
                let value = if size == 4 {
                    b
                } else {
                    b & ((1 << (8 * size)) - 1)
                };
                self.store(addr, size, value)?;
                access = Some(Access {
                    addr,
                    value,
                    size: size as u8,
                    write: true,
                });
                0
            }
            Addi | Slti | Sltiu | Xori | Ori | Andi | Slli | Srli | Srai => {
                self.set(ins.rd, alu(ins.op, a, imm))
            }
            Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Mul | Mulh | Mulhsu
            | Mulhu | Div | Divu | Rem | Remu => self.set(ins.rd, alu(ins.op, a, b)),
            Fence => 0,
            Ecall => self.syscall()?,
            Ebreak => {
                return Err(VmError::Unsupported { pc, what: "ebreak" });
            }
        };
        self.cycles += 1;
        self.pc = next;
        Ok(Some(Step {
            pc,
            instruction: ins,
            rs: [a, b],
            rd_value,
            access,
        }))
    }

    fn syscall(&mut self) -> Result<u32, VmError> {
        let pc = self.pc;
        let (a0, number) = (self.regs[10], self.regs[17]);
        match number {
            syscall::HALT => {
                self.halted = Some(a0);
                Ok(a0)
            }
            syscall::READ => {
                let at = self.read * 4;
                if at >= self.input.len() {
                    return Err(VmError::InputExhausted { pc });
                }
                let mut w = [0u8; 4];
                let end = (at + 4).min(self.input.len());
                w[..end - at].copy_from_slice(&self.input[at..end]);
                self.read += 1;
                Ok(self.set(10, u32::from_le_bytes(w)))
            }
            syscall::WRITE => {
                let byte = u8::try_from(a0).map_err(|_| VmError::OutputByte { pc, value: a0 })?;
                self.output.push(byte);
                Ok(a0)
            }
            syscall::INPUT_LEN => Ok(self.set(10, self.input.len() as u32)),
            _ => Err(VmError::Syscall { pc, number }),
        }
    }

    /// Runs to the halt, calling `on_step` for every cycle; an error once `max_cycles`
    /// instructions have run without one.
    pub fn run_with(
        mut self,
        max_cycles: u64,
        on_step: &mut dyn FnMut(&Step),
    ) -> Result<Execution, VmError> {
        loop {
            if self.halted.is_none() && self.cycles >= max_cycles {
                return Err(VmError::CycleLimit {
                    limit: max_cycles,
                    pc: self.pc,
                });
            }
            match self.step()? {
                Some(s) => on_step(&s),
                None => break,
            }
        }
        Ok(Execution {
            output: self.output,
            exit_code: self.halted.unwrap_or_default(),
            cycles: self.cycles,
        })
    }
}

/// Runs `program` on `input` for at most `max_cycles` instructions.
pub fn run(program: &Program, input: &[u8], max_cycles: u64) -> Result<Execution, VmError> {
    Machine::new(program, input).run_with(max_cycles, &mut |_| {})
}
