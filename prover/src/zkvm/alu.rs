//! The zkVM's ALU table, first part: 32-bit ADD, SUB, SLTU, SLT, AND, OR and XOR on byte
//! limbs, proved for whoever sends `(op, a, b, c)` on the ALU bus (the CPU table, to come;
//! [`AluCallsAir`] in the tests). Values are one field element each on the bus (below 2^32)
//! and four range-checked bytes in the table:
//!
//! - ADD: a + b = r + 2^32·f; SUB: a − b = r − 2^32·f (f a bit, r's bytes checked);
//! - SLTU: a − b + 2^32·f = d with d's bytes checked, r = f; SLT the same on the signed values
//!   a − 2^32·sa, b − 2^32·sb, the sign bits checked by 2·a₃ − 256·sa being a byte;
//! - AND, XOR per byte from the bitwise table (x, y, x & y, x ^ y), OR = AND + XOR.
//!
//! Every row sends its (a_i, b_i) byte pairs to the bitwise table (which checks them as bytes)
//! and its (r_i, d_i) pairs to the byte-pair table. A row holds at most one operation; a row
//! without one receives nothing.

use carbide_field::{Field, Goldilocks};

use super::decode::Op;
use crate::stark::{Air, Column, Fold, Frame, GenericAir, Linear, Lookup, Value};

/// Bus ids: the byte table (`ByteRangeAir`'s), the bitwise table, the ALU, byte pairs.
pub const BYTES: u32 = 0;
/// (x, y, x & y, x ^ y) for bytes x, y.
pub const BITWISE: u32 = 1;
/// (op, a, b, c) requests.
pub const ALU: u32 = 2;
/// (x, y) for bytes x, y.
pub const PAIRS: u32 = 3;

/// The operations this table proves, in selector order.
pub const OPS: [Op; 7] = [
    Op::Add,
    Op::Sub,
    Op::Sltu,
    Op::Slt,
    Op::And,
    Op::Or,
    Op::Xor,
];

/// An operation's code on the ALU bus (immediate forms use their register form's code).
pub fn code(op: Op) -> Option<u64> {
    use Op::*;
    let base = match op {
        Add | Addi => Add,
        Slt | Slti => Slt,
        Sltu | Sltiu => Sltu,
        And | Andi => And,
        Or | Ori => Or,
        Xor | Xori => Xor,
        other => other,
    };
    OPS.iter().position(|&o| o == base).map(|i| i as u64 + 1)
}

const SEL: usize = 0;
const A: usize = 7;
const B: usize = 11;
const R: usize = 15;
const D: usize = 19;
const F: usize = 23;
const SA: usize = 24;
const SB: usize = 25;
const AND: usize = 26;
const XOR: usize = 30;
const MULT: usize = 34;
/// Columns of the ALU table.
pub const WIDTH: usize = 35;

fn g(x: u64) -> Goldilocks {
    Goldilocks::new(x)
}

/// Σ 2^(8i)·col(at + i), a word from its bytes.
fn word(at: usize) -> Linear {
    Linear {
        terms: (0..4)
            .map(|i| (Column::Main(at + i), g(1 << (8 * i))))
            .collect(),
        constant: Goldilocks::ZERO,
    }
}

fn col(c: usize) -> Linear {
    Linear::column(Column::Main(c))
}

/// The ALU table.
#[derive(Clone, Copy, Debug, Default)]
pub struct AluAir;

impl GenericAir for AluAir {
    #[inline(always)]
    fn constraints<V: Value, Fo: Fold<V>>(
        &self,
        f: &Frame<'_, V>,
        _public: &[Goldilocks],
        out: &mut Fo,
    ) {
        let l = f.local;
        let one = V::from(Goldilocks::ONE);
        let two32 = V::from(g(1 << 32));
        let w = |at: usize| {
            (0..4).fold(V::from(Goldilocks::ZERO), |acc, i| {
                acc + l[at + i] * V::from(g(1 << (8 * i)))
            })
        };
        let (a, b, r, d) = (w(A), w(B), w(R), w(D));
        let sel = |k: usize| l[SEL + k];
        let mut s = V::from(Goldilocks::ZERO);
        for k in 0..OPS.len() {
            out.every_row(sel(k) * (one - sel(k)));
            s = s + sel(k);
        }
        for c in [F, SA, SB] {
            out.every_row(l[c] * (one - l[c]));
        }
        out.every_row(s * (one - s));
        out.every_row(l[MULT] * (one - s));
        let flag = l[F];
        out.every_row(sel(0) * (a + b - r - two32 * flag));
        out.every_row(sel(1) * (a - b - r + two32 * flag));
        out.every_row(sel(2) * (a - b + two32 * flag - d));
        out.every_row(sel(2) * (r - flag));
        let (sa, sb) = (l[SA], l[SB]);
        out.every_row(sel(3) * (a - two32 * sa - b + two32 * sb + two32 * flag - d));
        out.every_row(sel(3) * (r - flag));
        for i in 0..4 {
            let (ri, and, xor) = (l[R + i], l[AND + i], l[XOR + i]);
            out.every_row(sel(4) * (ri - and));
            out.every_row(sel(5) * (ri - and - xor));
            out.every_row(sel(6) * (ri - xor));
        }
    }
}

impl Air for AluAir {
    fn name(&self) -> &str {
        "zkvm-alu"
    }

    fn width(&self) -> usize {
        WIDTH
    }

    fn num_public_values(&self) -> usize {
        0
    }

    fn constraint_degree(&self) -> usize {
        2
    }

    crate::generic_evals!();

    fn lookups(&self) -> Vec<Lookup> {
        let one = Linear::constant(Goldilocks::ONE);
        let opcode = Linear {
            terms: (0..OPS.len())
                .map(|k| (Column::Main(SEL + k), g(k as u64 + 1)))
                .collect(),
            constant: Goldilocks::ZERO,
        };
        let mut l = vec![Lookup::receive(
            ALU,
            vec![opcode, word(A), word(B), word(R)],
            col(MULT),
        )];
        for i in 0..4 {
            l.push(Lookup::send(
                BITWISE,
                vec![col(A + i), col(B + i), col(AND + i), col(XOR + i)],
                one.clone(),
            ));
            l.push(Lookup::send(
                PAIRS,
                vec![col(R + i), col(D + i)],
                one.clone(),
            ));
        }
        // The sign bits: 2·x₃ − 256·s is a byte exactly when s is x's top bit.
        for (top, sign) in [(A + 3, SA), (B + 3, SB)] {
            l.push(Lookup::send(
                BYTES,
                vec![Linear {
                    terms: vec![(Column::Main(top), g(2)), (Column::Main(sign), -g(256))],
                    constant: Goldilocks::ZERO,
                }],
                col(SEL + 3),
            ));
        }
        l
    }
}

/// A preprocessed table of 2^16 rows over byte pairs (x, y), receiving on `bus` each row as
/// many times as its multiplicity column says: with `bitwise`, rows (x, y, x & y, x ^ y).
#[derive(Clone, Copy, Debug)]
pub struct BytePairsAir {
    /// (x, y, x & y, x ^ y) on [`BITWISE`], or (x, y) on [`PAIRS`].
    pub bitwise: bool,
}

impl BytePairsAir {
    fn row(&self, i: u64) -> Vec<Goldilocks> {
        let (x, y) = (i & 255, i >> 8);
        if self.bitwise {
            vec![g(x), g(y), g(x & y), g(x ^ y)]
        } else {
            vec![g(x), g(y)]
        }
    }
}

impl Air for BytePairsAir {
    fn name(&self) -> &str {
        if self.bitwise {
            "zkvm-bitwise"
        } else {
            "zkvm-byte-pairs"
        }
    }

    fn width(&self) -> usize {
        1
    }

    fn num_public_values(&self) -> usize {
        0
    }

    fn constraint_degree(&self) -> usize {
        1
    }

    fn eval(
        &self,
        _frame: &Frame<'_>,
        _public: &[Goldilocks],
        _out: &mut crate::stark::Constraints,
    ) {
    }

    fn preprocessed_width(&self) -> usize {
        if self.bitwise { 4 } else { 2 }
    }

    fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
        (log_rows == 16).then(|| (0..1u64 << 16).flat_map(|i| self.row(i)).collect())
    }

    fn lookups(&self) -> Vec<Lookup> {
        let values = (0..self.preprocessed_width())
            .map(|c| Linear::column(Column::Preprocessed(c)))
            .collect();
        let bus = if self.bitwise { BITWISE } else { PAIRS };
        vec![Lookup::receive(bus, values, col(0))]
    }
}

/// The requests' side of the ALU bus, for tests and benchmarks until the CPU table sends
/// them: rows (op code, a, b, c), each sent once.
#[derive(Clone, Copy, Debug, Default)]
pub struct AluCallsAir;

impl Air for AluCallsAir {
    fn name(&self) -> &str {
        "zkvm-alu-calls"
    }

    fn width(&self) -> usize {
        4
    }

    fn num_public_values(&self) -> usize {
        0
    }

    fn constraint_degree(&self) -> usize {
        1
    }

    fn eval(
        &self,
        _frame: &Frame<'_>,
        _public: &[Goldilocks],
        _out: &mut crate::stark::Constraints,
    ) {
    }

    fn lookups(&self) -> Vec<Lookup> {
        vec![Lookup::send(
            ALU,
            (0..4).map(col).collect(),
            Linear::constant(Goldilocks::ONE),
        )]
    }
}

/// The traces of one ALU statement: the calls, the ALU table, the bitwise and byte-pair
/// tables' multiplicities, the byte table's.
#[derive(Clone, Debug)]
pub struct AluTraces {
    /// [`AluCallsAir`]'s rows (op code, a, b, c), padded with ADD 0 + 0 = 0.
    pub calls: Vec<Goldilocks>,
    /// [`AluAir`]'s rows, one per call, padding rows all zero.
    pub alu: Vec<Goldilocks>,
    /// The bitwise table's multiplicities.
    pub bitwise: Vec<Goldilocks>,
    /// The byte-pair table's multiplicities.
    pub pairs: Vec<Goldilocks>,
    /// The byte table's multiplicities (`ByteRangeAir`).
    pub bytes: Vec<Goldilocks>,
}

/// What the ALU computes (the executor's definition).
pub fn result(op: Op, a: u32, b: u32) -> u32 {
    super::machine::alu(op, a, b)
}

/// The traces proving `calls` (each an operation of [`OPS`] on two words); `None` if an
/// operation is not one of them.
pub fn traces(calls: &[(Op, u32, u32)]) -> Option<AluTraces> {
    let n = calls.len().next_power_of_two().max(2);
    let mut t = AluTraces {
        calls: Vec::with_capacity(4 * n),
        alu: vec![Goldilocks::ZERO; WIDTH * n],
        bitwise: vec![Goldilocks::ZERO; 1 << 16],
        pairs: vec![Goldilocks::ZERO; 1 << 16],
        bytes: vec![Goldilocks::ZERO; 256],
    };
    let bump = |v: &mut Vec<Goldilocks>, i: usize| v[i] += Goldilocks::ONE;
    for (row, k) in t.alu.chunks_exact_mut(WIDTH).zip(0..n) {
        let (op, a, b) = calls.get(k).copied().unwrap_or((Op::Add, 0, 0));
        let c = result(op, a, b);
        let code = code(op)?;
        t.calls
            .extend([g(code), g(u64::from(a)), g(u64::from(b)), g(u64::from(c))]);
        let sel = code as usize - 1;
        let bytes = |x: u32| x.to_le_bytes().map(u64::from);
        let (ab, bb, rb) = (bytes(a), bytes(b), bytes(c));
        let (flag, d, sa, sb) = match OPS[sel] {
            Op::Add => (u64::from(a).wrapping_add(u64::from(b)) >> 32, 0, 0, 0),
            Op::Sub => (u64::from(a < b), 0, 0, 0),
            Op::Sltu => (u64::from(a < b), a.wrapping_sub(b), 0, 0),
            Op::Slt => (
                u64::from((a as i32) < (b as i32)),
                (a as i32).wrapping_sub(b as i32) as u32,
                u64::from(a >> 31),
                u64::from(b >> 31),
            ),
            _ => (0, 0, 0, 0),
        };
        let db = bytes(d);
        // Real calls, and the first padding row (ADD 0 + 0, which receives every padding
        // call); the rows after it hold no operation.
        row[SEL + sel] = if k <= calls.len() {
            Goldilocks::ONE
        } else {
            Goldilocks::ZERO
        };
        for i in 0..4 {
            row[A + i] = g(ab[i]);
            row[B + i] = g(bb[i]);
            row[R + i] = g(rb[i]);
            row[D + i] = g(db[i]);
            row[AND + i] = g(ab[i] & bb[i]);
            row[XOR + i] = g(ab[i] ^ bb[i]);
            bump(&mut t.bitwise, (ab[i] | bb[i] << 8) as usize);
            bump(&mut t.pairs, (rb[i] | db[i] << 8) as usize);
        }
        row[F] = g(flag);
        row[SA] = g(sa);
        row[SB] = g(sb);
        if OPS[sel] == Op::Slt {
            bump(&mut t.bytes, (2 * ab[3] - 256 * sa) as usize);
            bump(&mut t.bytes, (2 * bb[3] - 256 * sb) as usize);
        }
    }
    // Multiplicities of the ALU rows: each real call once; the padding calls (all ADD 0 + 0)
    // are received by the first padding row, the other padding rows receive nothing.
    let pad = n - calls.len();
    for (k, row) in t.alu.chunks_exact_mut(WIDTH).enumerate() {
        row[MULT] = match k.cmp(&calls.len()) {
            core::cmp::Ordering::Less => Goldilocks::ONE,
            core::cmp::Ordering::Equal => g(pad as u64),
            core::cmp::Ordering::Greater => Goldilocks::ZERO,
        };
    }
    Some(t)
}
