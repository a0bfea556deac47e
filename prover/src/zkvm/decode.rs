//! RV32IM instruction decoding: a word into an [`Instruction`] (operation, registers,
//! sign-extended immediate), or `None` for anything outside RV32IM (and the few system
//! instructions the machine gives a meaning: `ecall`, `ebreak`, `fence`).

/// An RV32IM operation.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Lui,
    Auipc,
    Jal,
    Jalr,
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    Lb,
    Lh,
    Lw,
    Lbu,
    Lhu,
    Sb,
    Sh,
    Sw,
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
    Fence,
    Ecall,
    Ebreak,
}

/// A decoded instruction. Fields an operation does not use are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instruction {
    /// The operation.
    pub op: Op,
    /// Destination register.
    pub rd: u8,
    /// First source register.
    pub rs1: u8,
    /// Second source register.
    pub rs2: u8,
    /// The immediate, sign-extended (shift amounts for the immediate shifts).
    pub imm: i32,
}

fn bits(w: u32, hi: u32, lo: u32) -> u32 {
    (w >> lo) & ((1 << (hi - lo + 1)) - 1)
}

/// Sign-extends the low `n` bits of `x`.
fn sext(x: u32, n: u32) -> i32 {
    ((x << (32 - n)) as i32) >> (32 - n)
}

/// The instruction in `word`, or `None` if it is not RV32IM.
pub fn decode(word: u32) -> Option<Instruction> {
    let opcode = bits(word, 6, 0);
    let rd = bits(word, 11, 7) as u8;
    let funct3 = bits(word, 14, 12);
    let rs1 = bits(word, 19, 15) as u8;
    let rs2 = bits(word, 24, 20) as u8;
    let funct7 = bits(word, 31, 25);
    let i_imm = sext(bits(word, 31, 20), 12);
    let s_imm = sext((bits(word, 31, 25) << 5) | bits(word, 11, 7), 12);
    let b_imm = sext(
        (bits(word, 31, 31) << 12)
            | (bits(word, 7, 7) << 11)
            | (bits(word, 30, 25) << 5)
            | (bits(word, 11, 8) << 1),
        13,
    );
    let u_imm = (word & 0xffff_f000) as i32;
    let j_imm = sext(
        (bits(word, 31, 31) << 20)
            | (bits(word, 19, 12) << 12)
            | (bits(word, 20, 20) << 11)
            | (bits(word, 30, 21) << 1),
        21,
    );
    let ins = |op, rd, rs1, rs2, imm| {
        Some(Instruction {
            op,
            rd,
            rs1,
            rs2,
            imm,
        })
    };
    use Op::*;
    match opcode {
        0b011_0111 => ins(Lui, rd, 0, 0, u_imm),
        0b001_0111 => ins(Auipc, rd, 0, 0, u_imm),
        0b110_1111 => ins(Jal, rd, 0, 0, j_imm),
        0b110_0111 if funct3 == 0 => ins(Jalr, rd, rs1, 0, i_imm),
        0b110_0011 => {
            let op = match funct3 {
                0 => Beq,
                1 => Bne,
                4 => Blt,
                5 => Bge,
                6 => Bltu,
                7 => Bgeu,
                _ => return None,
            };
            ins(op, 0, rs1, rs2, b_imm)
        }
        0b000_0011 => {
            let op = match funct3 {
                0 => Lb,
                1 => Lh,
                2 => Lw,
                4 => Lbu,
                5 => Lhu,
                _ => return None,
            };
            ins(op, rd, rs1, 0, i_imm)
        }
        0b010_0011 => {
            let op = match funct3 {
                0 => Sb,
                1 => Sh,
                2 => Sw,
                _ => return None,
            };
            ins(op, 0, rs1, rs2, s_imm)
        }
        0b001_0011 => {
            let shamt = rs2 as i32;
            match (funct3, funct7) {
                (0, _) => ins(Addi, rd, rs1, 0, i_imm),
                (2, _) => ins(Slti, rd, rs1, 0, i_imm),
                (3, _) => ins(Sltiu, rd, rs1, 0, i_imm),
                (4, _) => ins(Xori, rd, rs1, 0, i_imm),
                (6, _) => ins(Ori, rd, rs1, 0, i_imm),
                (7, _) => ins(Andi, rd, rs1, 0, i_imm),
                (1, 0) => ins(Slli, rd, rs1, 0, shamt),
                (5, 0) => ins(Srli, rd, rs1, 0, shamt),
                (5, 0b010_0000) => ins(Srai, rd, rs1, 0, shamt),
                _ => None,
            }
        }
        0b011_0011 => {
            let op = match (funct7, funct3) {
                (0, 0) => Add,
                (0b010_0000, 0) => Sub,
                (0, 1) => Sll,
                (0, 2) => Slt,
                (0, 3) => Sltu,
                (0, 4) => Xor,
                (0, 5) => Srl,
                (0b010_0000, 5) => Sra,
                (0, 6) => Or,
                (0, 7) => And,
                (1, 0) => Mul,
                (1, 1) => Mulh,
                (1, 2) => Mulhsu,
                (1, 3) => Mulhu,
                (1, 4) => Div,
                (1, 5) => Divu,
                (1, 6) => Rem,
                (1, 7) => Remu,
                _ => return None,
            };
            ins(op, rd, rs1, rs2, 0)
        }
        0b000_1111 if funct3 == 0 => ins(Fence, 0, 0, 0, 0),
        0b111_0011 if word == 0x0000_0073 => ins(Ecall, 0, 0, 0, 0),
        0b111_0011 if word == 0x0010_0073 => ins(Ebreak, 0, 0, 0, 0),
        _ => None,
    }
}
