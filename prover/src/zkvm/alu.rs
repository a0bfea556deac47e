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
use crate::stark::{Air, Column, Fold, Frame, GenericAir, Linear, Lookup, Value, bytes_le};

/// Bus ids: the byte table (`ByteRangeAir`'s), the bitwise table, the ALU, byte pairs.
pub const BYTES: u32 = 0;
/// (x, y, x & y, x ^ y) for bytes x, y.
pub const BITWISE: u32 = 1;
/// (op, a, b, c) requests.
pub const ALU: u32 = 2;
/// (x, y) for bytes x, y.
pub const PAIRS: u32 = 3;
/// (x) for x < 2^16: the byte-pair table's rows read as x + 256·y.
pub const U16: u32 = 9;

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

/// An operation's code on the ALU bus (immediate forms use their register form's code): this
/// table's, then the multiply table's ([`super::mul::OPS`]).
pub fn code(op: Op) -> Option<u64> {
    let base = base(op);
    match OPS.iter().position(|&o| o == base) {
        Some(i) => Some(i as u64 + 1),
        None => super::mul::OPS
            .iter()
            .position(|&o| o == base)
            .map(|i| (OPS.len() + i) as u64 + 1),
    }
}

/// The register form of an immediate operation (other operations unchanged).
pub fn base(op: Op) -> Op {
    use Op::*;
    match op {
        Add | Addi => Add,
        Slt | Slti => Slt,
        Sltu | Sltiu => Sltu,
        And | Andi => And,
        Or | Ori => Or,
        Xor | Xori => Xor,
        Sll | Slli => Sll,
        Srl | Srli => Srl,
        Sra | Srai => Sra,
        other => other,
    }
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
/// The row's multiplicity on the bus: how many requests it answers.
pub(super) const MULT: usize = 34;
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
        let a = bytes_le(&l[A..A + 4]);
        let b = bytes_le(&l[B..B + 4]);
        let r = bytes_le(&l[R..R + 4]);
        let d = bytes_le(&l[D..D + 4]);
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

/// A preprocessed table of 2^16 rows over byte pairs (x, y), receiving each row as many times
/// as a multiplicity column says: with `bitwise`, rows (x, y, x & y, x ^ y) on [`BITWISE`];
/// without, rows (x, y) on [`PAIRS`] and, with a second multiplicity column, x + 256·y on
/// [`U16`] (a 16-bit range check in one column).
#[derive(Clone, Copy, Debug)]
pub struct BytePairsAir {
    /// (x, y, x & y, x ^ y) on [`BITWISE`], or (x, y) on [`PAIRS`] and x + 256·y on [`U16`].
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
        if self.bitwise { 1 } else { 2 }
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
        if self.bitwise {
            return vec![Lookup::receive(BITWISE, values, col(0))];
        }
        let u16 = Linear {
            terms: vec![
                (Column::Preprocessed(0), Goldilocks::ONE),
                (Column::Preprocessed(1), g(256)),
            ],
            constant: Goldilocks::ZERO,
        };
        vec![
            Lookup::receive(PAIRS, values, col(0)),
            Lookup::receive(U16, vec![u16], col(1)),
        ]
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

/// How often each row of the lookup tables is used: the byte table, the byte-pair and bitwise
/// tables, the shift table.
#[derive(Clone, Debug)]
pub struct Counts {
    /// [`BYTES`]: by value.
    pub bytes: Vec<u64>,
    /// [`PAIRS`]: by x + 256·y.
    pub pairs: Vec<u64>,
    /// [`U16`]: by value.
    pub u16: Vec<u64>,
    /// [`BITWISE`]: by x + 256·y.
    pub bitwise: Vec<u64>,
    /// The shift table: by x + 256·right.
    pub shift: Vec<u64>,
}

impl Default for Counts {
    fn default() -> Self {
        Self {
            bytes: vec![0; 256],
            pairs: vec![0; 1 << 16],
            u16: vec![0; 1 << 16],
            bitwise: vec![0; 1 << 16],
            shift: vec![0; 512],
        }
    }
}

impl Counts {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Counts) {
        for (mine, theirs) in [
            (&mut self.bytes, &other.bytes),
            (&mut self.pairs, &other.pairs),
            (&mut self.u16, &other.u16),
            (&mut self.bitwise, &other.bitwise),
            (&mut self.shift, &other.shift),
        ] {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
    }

    /// A byte.
    pub fn byte(&mut self, x: u64) {
        self.bytes[x as usize] += 1;
    }

    /// A pair of bytes.
    pub fn pair(&mut self, x: u64, y: u64) {
        self.pairs[(x | y << 8) as usize] += 1;
    }

    /// A value below 2^16.
    pub fn u16(&mut self, x: u64) {
        self.u16[x as usize] += 1;
    }

    /// A bitwise row.
    pub fn bitwise(&mut self, x: u64, y: u64) {
        self.bitwise[(x | y << 8) as usize] += 1;
    }

    /// A shift by the byte x.
    pub fn shift(&mut self, x: u64, right: bool) {
        self.shift[(x | u64::from(right) << 8) as usize] += 1;
    }

    /// The multiplicity columns of a table.
    pub fn column(counts: &[u64]) -> Vec<Goldilocks> {
        counts.iter().map(|&c| g(c)).collect()
    }

    /// The byte-pair table's trace: each row's [`PAIRS`] and [`U16`] multiplicities.
    pub fn pairs_trace(&self) -> Vec<Goldilocks> {
        self.pairs
            .iter()
            .zip(&self.u16)
            .flat_map(|(&p, &u)| [g(p), g(u)])
            .collect()
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
    /// The byte-pair table's trace ([`Counts::pairs_trace`]).
    pub pairs: Vec<Goldilocks>,
    /// The byte table's multiplicities (`ByteRangeAir`).
    pub bytes: Vec<Goldilocks>,
}

/// What the ALU computes (the executor's definition).
pub fn result(op: Op, a: u32, b: u32) -> u32 {
    super::machine::alu(op, a, b)
}

/// Appends the row proving `op` on (a, b), received `mult` times, to `rows` (`op` `None`: a
/// row with no operation, receiving nothing), counting its lookups; `None` if `op` is not one
/// of [`OPS`].
pub fn push_row(
    rows: &mut Vec<Goldilocks>,
    op: Option<Op>,
    a: u32,
    b: u32,
    mult: u64,
    counts: &mut Counts,
) -> Option<()> {
    if !op.is_none_or(proves) {
        return None;
    }
    let start = rows.len();
    rows.resize(start + WIDTH, Goldilocks::ZERO);
    fill_row(&mut rows[start..], op, a, b, mult, counts)
}

/// Whether this table proves `op` (in its register or immediate form).
pub fn proves(op: Op) -> bool {
    code(op).is_some_and(|c| c as usize <= OPS.len())
}

/// [`push_row`] into `row`, a zeroed row of [`WIDTH`] columns.
pub fn fill_row(
    row: &mut [Goldilocks],
    op: Option<Op>,
    a: u32,
    b: u32,
    mult: u64,
    counts: &mut Counts,
) -> Option<()> {
    let sel = match op {
        Some(op) => Some(code(op).filter(|&c| c as usize <= OPS.len())? as usize - 1),
        None => None,
    };
    let c = op.map_or(0, |op| result(op, a, b));
    let bytes = |x: u32| x.to_le_bytes().map(u64::from);
    let (ab, bb, rb) = (bytes(a), bytes(b), bytes(c));
    let (flag, d, sa, sb) = match sel.map(|s| OPS[s]) {
        Some(Op::Add) => (u64::from(a).wrapping_add(u64::from(b)) >> 32, 0, 0, 0),
        Some(Op::Sub) => (u64::from(a < b), 0, 0, 0),
        Some(Op::Sltu) => (u64::from(a < b), a.wrapping_sub(b), 0, 0),
        Some(Op::Slt) => (
            u64::from((a as i32) < (b as i32)),
            (a as i32).wrapping_sub(b as i32) as u32,
            u64::from(a >> 31),
            u64::from(b >> 31),
        ),
        _ => (0, 0, 0, 0),
    };
    let db = bytes(d);
    if let Some(sel) = sel {
        row[SEL + sel] = Goldilocks::ONE;
    }
    for i in 0..4 {
        row[A + i] = g(ab[i]);
        row[B + i] = g(bb[i]);
        row[R + i] = g(rb[i]);
        row[D + i] = g(db[i]);
        row[AND + i] = g(ab[i] & bb[i]);
        row[XOR + i] = g(ab[i] ^ bb[i]);
        counts.bitwise(ab[i], bb[i]);
        counts.pair(rb[i], db[i]);
    }
    row[F] = g(flag);
    row[SA] = g(sa);
    row[SB] = g(sb);
    row[MULT] = g(mult);
    if sel.map(|s| OPS[s]) == Some(Op::Slt) {
        counts.byte(2 * ab[3] - 256 * sa);
        counts.byte(2 * bb[3] - 256 * sb);
    }
    Some(())
}

/// The traces proving `calls` (each an operation of [`OPS`] on two words); `None` if an
/// operation is not one of them.
pub fn traces(calls: &[(Op, u32, u32)]) -> Option<AluTraces> {
    let n = calls.len().next_power_of_two().max(2);
    let mut counts = Counts::default();
    let mut t = AluTraces {
        calls: Vec::with_capacity(4 * n),
        alu: Vec::with_capacity(WIDTH * n),
        bitwise: Vec::new(),
        pairs: Vec::new(),
        bytes: Vec::new(),
    };
    // Real calls once each; the padding calls (all ADD 0 + 0) are received by the first
    // padding row, the other padding rows hold no operation.
    let pad = (n - calls.len()) as u64;
    for k in 0..n {
        let (op, a, b) = calls.get(k).copied().unwrap_or((Op::Add, 0, 0));
        let c = result(op, a, b);
        t.calls.extend([
            g(code(op)?),
            g(u64::from(a)),
            g(u64::from(b)),
            g(u64::from(c)),
        ]);
        let (op, mult) = match k.cmp(&calls.len()) {
            core::cmp::Ordering::Less => (Some(op), 1),
            core::cmp::Ordering::Equal => (Some(op), pad),
            core::cmp::Ordering::Greater => (None, 0),
        };
        push_row(&mut t.alu, op, a, b, mult, &mut counts)?;
    }
    t.bitwise = Counts::column(&counts.bitwise);
    t.pairs = counts.pairs_trace();
    t.bytes = Counts::column(&counts.bytes);
    Some(t)
}
