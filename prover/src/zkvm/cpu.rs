//! The zkVM's CPU table: one row a cycle. A row looks its instruction up in the program table
//! (pc and the decoded fields, [`FIELDS`] of them), reads rs1 and rs2 and writes rd, each
//! access a read of (address, value, timestamp) and a write of the new value at the access's
//! own timestamp on the memory bus, the timestamps increasing (the difference less one is a
//! range-checked 16-bit limb and byte). Registers are memory words at [`REGISTERS`] + i; x0
//! only ever receives 0. A load or store requests its memory access of the load/store table
//! ([`mod@super::loadstore`]), which gives the value loaded; a store reads the register it
//! stores through the rd access, writing it back unchanged. The ALU operation (or the address
//! computation of a load or store, or a branch's compare) is requested on the ALU bus, on
//! (rs1, rs2 + IMM): an instruction with an immediate names x0 as rs2.
//!
//! System calls read the next input word (input bus, a counter), append a byte to the output
//! (output bus, a counter), give the input length or halt; after the halt the pc stays put,
//! so the rows up to the table's end repeat the halting `ecall`. A table is one segment of a
//! run: it starts at the public pc and counters (clock and timestamps restart at zero) and
//! ends at the public pc and counters, halted (the last segment) or not; see [`PUBLIC`].

use carbide_field::{Field, Goldilocks};

use super::alu::{self, ALU, BYTES, PAIRS, U16};
use super::decode::{Instruction, Op};
use super::loadstore::{self, LOADSTORE};
use crate::stark::{Air, Column, Fold, Frame, GenericAir, Linear, Lookup, Value};

/// (pc, fields…) of each instruction.
pub const PROGRAM: u32 = 4;
/// (address, value, timestamp) of memory words and registers.
pub const MEMORY: u32 = 5;
/// (index, word) of the input.
pub const INPUT: u32 = 6;
/// (index, byte) of the output.
pub const OUTPUT: u32 = 7;

/// Register i is the memory word at this address + i (memory words are byte addresses / 4,
/// below 2^30).
pub const REGISTERS: u64 = 1 << 30;

// The decoded fields: the program table's preprocessed columns, and the CPU's first columns.
/// The instruction's pc (a decoded field).
pub const PC: usize = 0;
pub(super) const ALU_OP: usize = 1;
pub(super) const RS1: usize = 2;
pub(super) const RS2: usize = 3;
pub(super) const RD: usize = 4;
pub(super) const IMM: usize = 5;
pub(super) const OFF: usize = 6;
pub(super) const WR_ALU: usize = 7;
pub(super) const LINK: usize = 8;
pub(super) const JAL: usize = 9;
pub(super) const JALR: usize = 10;
/// A branch taken when `EQ` is 1 (BEQ, BLT, BLTU), and one taken when it is 0 (BNE, BGE,
/// BGEU).
pub(super) const BR_IF: usize = 11;
pub(super) const BR_UNLESS: usize = 12;
/// A load or store.
pub(super) const MEM: usize = 13;
/// A store (SB, SH, SW).
pub(super) const STORE: usize = 14;
/// A load or store's kind on the load/store bus (its index in [`loadstore::KINDS`] order
/// plus one; zero for other instructions). One field instead of eight flags: the CPU's
/// constraints only need MEM and STORE, the load/store table has the flags.
pub(super) const KIND: usize = 15;
pub(super) const ECALL: usize = 16;
pub(super) const WR_LOAD: usize = 17;
pub(super) const USE_ALU: usize = 18;
/// Decoded fields of an instruction (pc included).
pub const FIELDS: usize = 19;

/// The cycle.
pub const CLK: usize = 19;
/// The pc of the next cycle.
pub const NEXT_PC: usize = 20;
pub(super) const RS1V: usize = 21;
pub(super) const RS2V: usize = 22;
pub(super) const RD_OLD: usize = 23;
/// The value written to rd.
pub const RDV: usize = 24;
/// Two columns per register access (rs1, rs2, rd): timestamp − previous − 1 as a 16-bit
/// limb and a byte above it. The previous timestamp is not a column of its own: the memory
/// bus reads it as this linear expression.
pub const DIFF: usize = 25;
/// The value a load gives rd (the load/store table's).
pub const LDV: usize = 31;
/// The ALU's result.
pub const ALU_OUT: usize = 32;
pub(super) const EQ: usize = 33;
pub(super) const INV: usize = 34;
pub(super) const LOWBIT: usize = 35;
pub(super) const LIVE: usize = 36;
pub(super) const COUNT: usize = 37;
pub(super) const IN_IDX: usize = 38;
pub(super) const OUT_IDX: usize = 39;
pub(super) const IN_WORD: usize = 40;
pub(super) const SYS_HALT: usize = 41;
pub(super) const SYS_READ: usize = 42;
pub(super) const SYS_WRITE: usize = 43;
pub(super) const SYS_LEN: usize = 44;
/// Columns of the CPU table.
pub const WIDTH: usize = 45;

/// The timestamps of a row's register accesses: 4·clk + this (the load/store table's memory
/// access is at 4·clk + 3).
pub(super) const ACCESS_TS: [u64; 3] = [1, 2, 4];

/// Public values: exit code, cycles (live rows), input length in bytes, output bytes written
/// by the segment's end, then the pc, input words read and output bytes written at its start,
/// whether it halts, the pc and input words read at its end.
pub const PUBLIC: usize = 10;
pub(super) const P_EXIT: usize = 0;
pub(super) const P_CYCLES: usize = 1;
pub(super) const P_INPUT_LEN: usize = 2;
pub(super) const P_OUT_END: usize = 3;
pub(super) const P_PC: usize = 4;
pub(super) const P_IN_START: usize = 5;
pub(super) const P_OUT_START: usize = 6;
pub(super) const P_HALTED: usize = 7;
pub(super) const P_END_PC: usize = 8;
pub(super) const P_IN_END: usize = 9;

fn g(x: u64) -> Goldilocks {
    Goldilocks::new(x)
}

/// A signed value as a field element.
fn gi(x: i64) -> Goldilocks {
    if x < 0 {
        -g(x.unsigned_abs())
    } else {
        g(x as u64)
    }
}

/// An instruction's decoded fields (pc first), and the operation it requests of the ALU;
/// `None` for an instruction the proof does not cover (`ebreak`, which the executor refuses
/// too).
pub fn fields(pc: u32, ins: &Instruction) -> Option<([Goldilocks; FIELDS], Option<Op>)> {
    use Op::*;
    let mut f = [Goldilocks::ZERO; FIELDS];
    f[PC] = g(u64::from(pc));
    let (rd, imm) = (ins.rd, ins.imm);
    let writes = rd != 0;
    let set = |f: &mut [Goldilocks; FIELDS], k: usize| f[k] = Goldilocks::ONE;
    let mut alu_op = None;
    let reg = |f: &mut [Goldilocks; FIELDS], rs1: bool, rs2: bool, rd: bool| {
        if rs1 {
            f[RS1] = g(u64::from(ins.rs1));
        }
        if rs2 {
            f[RS2] = g(u64::from(ins.rs2));
        }
        if rd && writes {
            f[RD] = g(u64::from(ins.rd));
        }
    };
    // The ALU's second operand is rs2 + IMM: an instruction with an immediate reads x0 (zero)
    // as rs2, so that no column has to choose between the two.
    let immediate = |f: &mut [Goldilocks; FIELDS], imm: u32| f[IMM] = g(u64::from(imm));
    match ins.op {
        Lui | Auipc | Addi | Slti | Sltiu | Xori | Ori | Andi | Slli | Srli | Srai => {
            reg(&mut f, ins.op != Lui && ins.op != Auipc, false, true);
            // AUIPC's pc + imm is a constant of the program: it is LUI of that constant, so
            // the ALU's first operand is always rs1 (x0 for both).
            let imm = match ins.op {
                Auipc => pc.wrapping_add(imm as u32),
                _ => imm as u32,
            };
            immediate(&mut f, imm);
            alu_op = Some(match ins.op {
                Lui | Auipc => Add,
                op => alu::base(op),
            });
            if writes {
                set(&mut f, WR_ALU);
            }
        }
        Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Mul | Mulh | Mulhsu | Mulhu
        | Div | Divu | Rem | Remu => {
            reg(&mut f, true, true, true);
            alu_op = Some(ins.op);
            if writes {
                set(&mut f, WR_ALU);
            }
        }
        Jal | Jalr => {
            reg(&mut f, ins.op == Jalr, false, true);
            if ins.op == Jal {
                f[OFF] = gi(i64::from(imm));
                set(&mut f, JAL);
            } else {
                immediate(&mut f, imm as u32);
                alu_op = Some(Add);
                set(&mut f, JALR);
            }
            if writes {
                set(&mut f, LINK);
            }
        }
        Beq | Bne | Blt | Bge | Bltu | Bgeu => {
            reg(&mut f, true, true, false);
            f[OFF] = gi(i64::from(imm));
            let (flag, op) = match ins.op {
                Beq => (BR_IF, None),
                Bne => (BR_UNLESS, None),
                Blt => (BR_IF, Some(Slt)),
                Bltu => (BR_IF, Some(Sltu)),
                Bge => (BR_UNLESS, Some(Slt)),
                _ => (BR_UNLESS, Some(Sltu)),
            };
            set(&mut f, flag);
            alu_op = op;
        }
        Lb | Lbu | Lh | Lhu | Lw | Sb | Sh | Sw => {
            let store = matches!(ins.op, Sb | Sh | Sw);
            reg(&mut f, true, false, !store);
            // A store reads the register it stores through the rd access (and writes it back
            // unchanged), which leaves rs2 to x0 and the ALU's second operand to IMM.
            if store {
                f[RD] = g(u64::from(ins.rs2));
            }
            immediate(&mut f, imm as u32);
            alu_op = Some(Add);
            let kind = match ins.op {
                Lb => loadstore::LB,
                Lbu => loadstore::LBU,
                Lh => loadstore::LH,
                Lhu => loadstore::LHU,
                Lw => loadstore::LW,
                Sb => loadstore::SB,
                Sh => loadstore::SH,
                _ => loadstore::SW,
            } - loadstore::FLAGS;
            f[KIND] = g(kind as u64 + 1);
            set(&mut f, MEM);
            if store {
                set(&mut f, STORE);
            }
            if !store && writes {
                set(&mut f, WR_LOAD);
            }
        }
        Fence => {}
        Ecall => {
            f[RS1] = g(10);
            f[RS2] = g(17);
            f[RD] = g(10);
            set(&mut f, ECALL);
        }
        Ebreak => return None,
    }
    if let Some(op) = alu_op {
        f[ALU_OP] = g(alu::code(op)?);
        set(&mut f, USE_ALU);
    }
    Some((f, alu_op))
}

fn col(c: usize) -> Linear {
    Linear::column(Column::Main(c))
}

fn lc(terms: &[(usize, u64)], constant: u64) -> Linear {
    Linear {
        terms: terms
            .iter()
            .map(|&(c, k)| (Column::Main(c), g(k)))
            .collect(),
        constant: g(constant),
    }
}

/// The CPU table of a segment: it starts at the public pc with the public counters and ends
/// at the public pc, halted or not.
#[derive(Clone, Copy, Debug)]
pub struct CpuAir;

impl GenericAir for CpuAir {
    #[inline(always)]
    fn constraints<V: Value, Fo: Fold<V>>(
        &self,
        f: &Frame<'_, V>,
        public: &[Goldilocks],
        out: &mut Fo,
    ) {
        let (l, n) = (f.local, f.next);
        let c = |x: u64| V::from(g(x));
        let (zero, one) = (c(0), c(1));
        let p = |i: usize| V::from(public[i]);
        // Control: the first row, the step to the next row, the last row.
        out.first_row(l[CLK]);
        out.first_row(l[PC] - p(P_PC));
        out.first_row(l[IN_IDX] - p(P_IN_START));
        out.first_row(l[OUT_IDX] - p(P_OUT_START));
        out.first_row(l[LIVE] - one);
        out.first_row(l[COUNT] - one);
        out.transition(n[PC] - l[NEXT_PC]);
        out.transition(n[CLK] - l[CLK] - one);
        out.transition(n[IN_IDX] - l[IN_IDX] - l[SYS_READ]);
        out.transition(n[OUT_IDX] - l[OUT_IDX] - l[SYS_WRITE]);
        out.transition(n[LIVE] - l[LIVE] * (one - l[SYS_HALT]));
        out.transition(n[COUNT] - l[COUNT] - n[LIVE]);
        // A segment that does not halt has no halt at all: one before its last row would
        // repeat to the last.
        out.last_row(l[SYS_HALT] - p(P_HALTED));
        out.last_row(l[COUNT] - p(P_CYCLES));
        out.last_row(l[NEXT_PC] - p(P_END_PC));
        out.last_row(l[IN_IDX] + l[SYS_READ] - p(P_IN_END));
        out.last_row(l[OUT_IDX] + l[SYS_WRITE] - p(P_OUT_END));
        // The next pc. (The products that feed degree-2 terms are expressions, not columns: the
        // lookups already make the quotient two chunks long, which degree 3 needs too.)
        let four = c(4);
        let cond = l[BR_IF] * l[EQ] + l[BR_UNLESS] * (one - l[EQ]);
        out.every_row(
            l[NEXT_PC]
                - l[PC]
                - four
                - l[JAL] * (l[OFF] - four)
                - cond * (l[OFF] - four)
                - l[JALR] * (l[ALU_OUT] - l[LOWBIT] - l[PC] - four)
                + four * l[SYS_HALT],
        );
        let diff = l[RS1V] - l[RS2V];
        // EQ: without an ALU request, whether rs1 = rs2 (BEQ, BNE); with one, its result
        // (the compare of BLT and BGE, a bit by the ALU's constraints).
        let no_alu = one - l[USE_ALU];
        out.every_row(no_alu * l[EQ] * diff);
        out.every_row(no_alu * (one - l[EQ] - diff * l[INV]));
        out.every_row(l[EQ] * l[INV]);
        out.every_row(l[USE_ALU] * (l[EQ] - l[ALU_OUT]));
        out.every_row(l[LOWBIT] * (one - l[LOWBIT]));
        out.every_row((one - l[JALR]) * l[LOWBIT]);
        // The ALU request (rs1, rs2 + IMM) is a lookup; no request, no result.
        out.every_row(no_alu * l[ALU_OUT]);
        // Loads and stores: their memory access is the load/store table's, which gives the
        // value loaded; a store writes its register back unchanged through the rd access.
        out.every_row((one - l[MEM]) * l[LDV]);
        let store = l[STORE];
        // System calls (a7 = rs2 names it).
        let mut ssum = zero;
        for k in [SYS_HALT, SYS_READ, SYS_WRITE, SYS_LEN] {
            out.every_row(l[k] * (one - l[k]));
            ssum = ssum + l[k];
        }
        out.every_row(ssum - l[ECALL]);
        out.every_row(l[ECALL] * (l[RS2V] - l[SYS_READ] - c(2) * l[SYS_WRITE] - c(3) * l[SYS_LEN]));
        let sysv = l[SYS_READ] * l[IN_WORD]
            + l[SYS_LEN] * p(P_INPUT_LEN)
            + (l[SYS_WRITE] + l[SYS_HALT]) * l[RS1V];
        // What rd receives.
        out.every_row(
            l[RDV]
                - l[WR_ALU] * l[ALU_OUT]
                - l[LINK] * (l[PC] + four)
                - l[WR_LOAD] * l[LDV]
                - l[ECALL] * sysv
                - store * l[RD_OLD],
        );
        out.every_row((one - l[SYS_READ]) * l[IN_WORD]);
        out.every_row(l[SYS_HALT] * (l[RS1V] - p(P_EXIT)));
    }
}

impl Air for CpuAir {
    fn name(&self) -> &str {
        "zkvm-cpu"
    }

    fn width(&self) -> usize {
        WIDTH
    }

    fn num_public_values(&self) -> usize {
        PUBLIC
    }

    fn constraint_degree(&self) -> usize {
        3
    }

    fn boundary_degree(&self) -> usize {
        1
    }

    crate::generic_evals!();

    fn lookups(&self) -> Vec<Lookup> {
        let one = Linear::constant(Goldilocks::ONE);
        let mut l = vec![
            Lookup::send(PROGRAM, (0..FIELDS).map(col).collect(), one.clone()),
            Lookup::send(
                ALU,
                vec![
                    col(ALU_OP),
                    col(RS1V),
                    lc(&[(RS2V, 1), (IMM, 1)], 0),
                    col(ALU_OUT),
                ],
                col(USE_ALU),
            ),
        ];
        // The three register accesses: (address, value read, previous timestamp) received,
        // (address, value written, timestamp) sent. Each difference is range-checked by its
        // limbs, so the previous timestamp is read from them.
        let reg = |field: usize| lc(&[(field, 1)], REGISTERS);
        let accesses = [
            (reg(RS1), col(RS1V), col(RS1V)),
            (reg(RS2), col(RS2V), col(RS2V)),
            (reg(RD), col(RD_OLD), col(RDV)),
        ];
        for (s, (addr, read, written)) in accesses.into_iter().enumerate() {
            let ts = lc(&[(CLK, 4)], ACCESS_TS[s]);
            let d = DIFF + 2 * s;
            let prev = Linear {
                terms: vec![
                    (Column::Main(CLK), g(4)),
                    (Column::Main(d), -g(1)),
                    (Column::Main(d + 1), -g(1 << 16)),
                ],
                constant: g(ACCESS_TS[s] - 1),
            };
            l.push(Lookup::receive(
                MEMORY,
                vec![addr.clone(), read, prev],
                one.clone(),
            ));
            l.push(Lookup::send(MEMORY, vec![addr, written, ts], one.clone()));
            l.push(Lookup::send(U16, vec![col(d)], one.clone()));
        }
        l.push(Lookup::send(
            PAIRS,
            vec![col(DIFF + 1), col(DIFF + 3)],
            one.clone(),
        ));
        l.push(Lookup::send(BYTES, vec![col(DIFF + 5)], one.clone()));
        // The load or store, by its kind, byte address and the value loaded or stored.
        l.push(Lookup::send(
            LOADSTORE,
            vec![col(CLK), col(KIND), col(ALU_OUT), col(LDV), col(RD_OLD)],
            col(MEM),
        ));
        l.push(Lookup::send(
            INPUT,
            vec![col(IN_IDX), col(IN_WORD)],
            col(SYS_READ),
        ));
        l.push(Lookup::send(
            OUTPUT,
            vec![col(OUT_IDX), col(RS1V)],
            col(SYS_WRITE),
        ));
        l
    }
}
