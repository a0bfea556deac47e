//! The zkVM's multiply table: MUL, MULH, MULHSU, MULHU, the shifts and division, all
//! as one 64-bit product checked on 16-bit limbs (a product of two words does not fit in
//! Goldilocks, a product of two limbs does):
//!
//! - a's and m's limbs a₀ a₁ (from four range-checked bytes each), and for a signed operand
//!   a₂ = a₃ = 0xffff·sign, so the limbs are its two's complement on 64 bits;
//! - `c₀ + 2^16·c₁ = lo + 2^32·k` and `k + c₂ + 2^16·c₃ = hi + 2^32·k₂` with `c_j` the limb
//!   convolution and `lo`, `hi` words, `k`, `k₂` three bytes each: then `lo + 2^32·hi` is the
//!   product modulo 2^64 (no term reaches 2^57, so the field does not wrap);
//! - MUL/MULH*: m = b; SLL: m = 2^s, the result lo; SRL (SRA): m = 2^(32−s) with a unsigned
//!   (signed), the result hi, and for s = 0 m = 0 and the result a (z = 1); (s, m, z) come
//!   from a 512-row preprocessed table ([`ShiftAir`]);
//! - DIVU/REMU: a is the quotient q, m = b: hi = 0, x = lo + r and, for b ≠ 0, b − r − 1 a
//!   word; for b = 0 (an is-zero column) q = 2^32 − 1 and r = x;
//! - DIV/REM: the same with q, b, x and r signed: x = q·b + r exactly on 64 bits (carries
//!   between the words), |b| − |r| − 1 a word for b ≠ 0, r zero or of x's sign; −2^31 / −1,
//!   whose quotient 2^31 is no signed word, has a flag that pins its operands and result.
//!
//! Requests arrive on the ALU bus as (op, x, b, result) with the codes after [`alu::OPS`]'s.

use carbide_field::{Field, Goldilocks};

use super::alu::{self, BYTES, Counts, PAIRS};
use super::decode::Op;
use crate::stark::{Air, Column, Fold, Frame, GenericAir, Linear, Lookup, Value, bytes_le};

/// (x, right, m, z): the multiplier of a shift by x & 31.
pub const SHIFT: u32 = 8;

/// The operations this table proves, in selector order (codes follow [`alu::OPS`]'s).
pub const OPS: [Op; 11] = [
    Op::Mul,
    Op::Mulh,
    Op::Mulhsu,
    Op::Mulhu,
    Op::Sll,
    Op::Srl,
    Op::Sra,
    Op::Divu,
    Op::Remu,
    Op::Div,
    Op::Rem,
];

const MUL: usize = 0;
const MULH: usize = 1;
const MULHSU: usize = 2;
const MULHU: usize = 3;
const SLL: usize = 4;
const SRL: usize = 5;
const SRA: usize = 6;
const DIVU: usize = 7;
const REMU: usize = 8;
const DIV: usize = 9;
const REM_OP: usize = 10;
const X: usize = 11;
const A: usize = 12;
const B: usize = 16;
const M: usize = 20;
const LO: usize = 24;
const HI: usize = 28;
const K: usize = 32;
const K2: usize = 35;
const SA: usize = 38;
const SM: usize = 39;
const Z: usize = 40;
const R: usize = 41;
const REM: usize = 42;
const D: usize = 46;
const BZ: usize = 50;
const BINV: usize = 51;
const DZ: usize = 52;
/// The row's multiplicity on the bus: how many requests it answers.
pub(super) const MULT: usize = 53;
/// x's bytes (signed division, whose dividend's sign matters).
const XB: usize = 54;
/// The signs of x and of the remainder.
const SX: usize = 58;
const SR: usize = 59;
/// Carries of x + 2^32·cy = lo + rem and of the high words.
const CY: usize = 60;
const CY2: usize = 61;
/// −2^31 / −1, whose quotient overflows.
const OV: usize = 62;
/// |b| and |rem|.
const ABSB: usize = 63;
const ABSR: usize = 64;
/// Columns of the multiply table.
pub const WIDTH: usize = 65;

fn g(x: u64) -> Goldilocks {
    Goldilocks::new(x)
}

fn col(c: usize) -> Linear {
    Linear::column(Column::Main(c))
}

/// Σ 2^(8i)·col(at + i) over `n` bytes.
fn bytes_lc(at: usize, n: usize) -> Linear {
    Linear {
        terms: (0..n)
            .map(|i| (Column::Main(at + i), g(1 << (8 * i))))
            .collect(),
        constant: Goldilocks::ZERO,
    }
}

/// The multiply table.
#[derive(Clone, Copy, Debug, Default)]
pub struct MulAir;

/// Words held as four range-checked bytes.
const BYTE_WORDS: [usize; 8] = [A, B, M, LO, HI, REM, D, XB];

/// Sign bits: (the top byte, the bit, the operations that use it).
const SIGNS: [(usize, usize, &[usize]); 4] = [
    (A + 3, SA, &[MULH, MULHSU, SRA, DIV, REM_OP]),
    (M + 3, SM, &[MULH, DIV, REM_OP]),
    (XB + 3, SX, &[DIV, REM_OP]),
    (REM + 3, SR, &[DIV, REM_OP]),
];

impl GenericAir for MulAir {
    #[inline(always)]
    fn constraints<V: Value, Fo: Fold<V>>(
        &self,
        f: &Frame<'_, V>,
        _public: &[Goldilocks],
        out: &mut Fo,
    ) {
        let l = f.local;
        let c = |x: u64| V::from(g(x));
        let (zero, one) = (c(0), c(1));
        let s = |k: usize| l[k];
        let mut sum = zero;
        for k in 0..OPS.len() {
            out.every_row(s(k) * (one - s(k)));
            sum = sum + s(k);
        }
        out.every_row(sum * (one - sum));
        out.every_row(l[MULT] * (one - sum));
        let sdiv = s(DIV) + s(REM_OP);
        let div = s(DIVU) + s(REMU) + sdiv;
        // The multiplier is b, except for the shifts (whose table lookup gives it).
        let takes_b = s(MUL) + s(MULH) + s(MULHSU) + s(MULHU) + div;
        for i in 0..4 {
            out.every_row(takes_b * (l[M + i] - l[B + i]));
        }
        for (bit, uses) in [
            (SA, s(MULH) + s(MULHSU) + s(SRA) + sdiv),
            (SM, s(MULH) + sdiv),
            (Z, s(SRL) + s(SRA)),
            (SX, sdiv),
            (SR, sdiv),
            (CY, sdiv),
            (CY2, sdiv),
            (OV, sdiv),
        ] {
            out.every_row(l[bit] * (one - l[bit]));
            out.every_row(l[bit] * (one - uses));
        }
        let limbs = |at: usize, sign: V| {
            let ext = sign * c(0xffff);
            [
                l[at] + l[at + 1] * c(256),
                l[at + 2] + l[at + 3] * c(256),
                ext,
                ext,
            ]
        };
        let (a, m) = (limbs(A, l[SA]), limbs(M, l[SM]));
        let c0 = a[0] * m[0];
        let c1 = a[0] * m[1] + a[1] * m[0];
        let c2 = a[0] * m[2] + a[1] * m[1] + a[2] * m[0];
        let c3 = a[0] * m[3] + a[1] * m[2] + a[2] * m[1] + a[3] * m[0];
        let (lo, hi, k, k2) = (
            bytes_le(&l[LO..LO + 4]),
            bytes_le(&l[HI..HI + 4]),
            bytes_le(&l[K..K + 3]),
            bytes_le(&l[K2..K2 + 3]),
        );
        let two32 = c(1 << 32);
        out.every_row(c0 + c1 * c(1 << 16) - lo - two32 * k);
        out.every_row(k + c2 + c3 * c(1 << 16) - hi - two32 * k2);
        let (aw, rem, bw) = (
            bytes_le(&l[A..A + 4]),
            bytes_le(&l[REM..REM + 4]),
            bytes_le(&l[B..B + 4]),
        );
        out.every_row(
            l[R] - (s(MUL) + s(SLL)) * lo
                - (s(MULH) + s(MULHSU) + s(MULHU) + s(SRL) + s(SRA)) * hi
                - l[Z] * aw
                - (s(DIVU) + s(DIV)) * aw
                - (s(REMU) + s(REM_OP)) * rem,
        );
        // The request's first operand: a, or for a division the dividend q·b + r, exact on
        // 64 bits with q, b (and for signed division x, r) sign-extended: the low words with a
        // carry, the high words with a carry out; then r's bound and sign make q the
        // truncated quotient. −2^31 / −1 alone has no such q (2^31 is no signed word): its
        // flag pins the operands and sets q = −2^31, r = 0, the high words' difference.
        let e = c(u64::from(u32::MAX));
        out.every_row((one - div) * (l[X] - aw));
        out.every_row(div * (l[X] + two32 * l[CY] - lo - rem));
        out.every_row(div * (hi + e * l[SR] + l[CY] - e * l[SX] - two32 * l[CY2]) + e * l[OV]);
        out.every_row((one - div) * rem);
        out.every_row(sdiv * (l[X] - bytes_le(&l[XB..XB + 4])));
        let half = c(1 << 31);
        out.every_row(l[OV] * (l[X] - half));
        out.every_row(l[OV] * (bw - e));
        out.every_row(l[OV] * (aw - half));
        out.every_row(l[OV] * rem);
        // The remainder is 0 or has the dividend's sign.
        out.every_row(l[SR] * (one - l[SX]));
        out.every_row((l[SX] - l[SR]) * rem);
        out.every_row(l[ABSB] - bw - l[SM] * (two32 - c(2) * bw));
        out.every_row(l[ABSR] - rem - l[SR] * (two32 - c(2) * rem));
        // b = 0 exactly when bz (bz·binv = 0 pins binv).
        out.every_row(l[BZ] * bw);
        out.every_row(one - l[BZ] - bw * l[BINV]);
        out.every_row(l[BZ] * l[BINV]);
        out.every_row(l[DZ] - div * l[BZ]);
        out.every_row(l[DZ] * (aw - c(u64::from(u32::MAX))));
        // |r| < |b| for a division by b ≠ 0; d pinned to zero elsewhere.
        let d = bytes_le(&l[D..D + 4]);
        out.every_row((div - l[DZ]) * (l[ABSB] - l[ABSR] - one - d));
        out.every_row((one - div + l[DZ]) * d);
    }
}

impl Air for MulAir {
    fn name(&self) -> &str {
        "zkvm-mul"
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
        let base = alu::OPS.len() as u64;
        let opcode = Linear {
            terms: (0..OPS.len())
                .map(|k| (Column::Main(k), g(base + k as u64 + 1)))
                .collect(),
            constant: Goldilocks::ZERO,
        };
        let mut l = vec![Lookup::receive(
            alu::ALU,
            vec![opcode, col(X), bytes_lc(B, 4), col(R)],
            col(MULT),
        )];
        let mut bytes: Vec<usize> = Vec::new();
        for at in BYTE_WORDS {
            bytes.extend(at..at + 4);
        }
        bytes.extend(K..K + 3);
        bytes.extend(K2..K2 + 3);
        for p in bytes.chunks_exact(2) {
            l.push(Lookup::send(PAIRS, vec![col(p[0]), col(p[1])], one.clone()));
        }
        let sum = |cs: &[usize]| Linear {
            terms: cs
                .iter()
                .map(|&c| (Column::Main(c), Goldilocks::ONE))
                .collect(),
            constant: Goldilocks::ZERO,
        };
        l.push(Lookup::send(
            SHIFT,
            vec![col(B), sum(&[SRL, SRA]), bytes_lc(M, 4), col(Z)],
            sum(&[SLL, SRL, SRA]),
        ));
        // Sign bits: 2·x₃ − 256·s is a byte exactly when s is x's top bit.
        for (top, sign, users) in SIGNS {
            l.push(Lookup::send(
                BYTES,
                vec![Linear {
                    terms: vec![(Column::Main(top), g(2)), (Column::Main(sign), -g(256))],
                    constant: Goldilocks::ZERO,
                }],
                sum(users),
            ));
        }
        l
    }
}

/// The multiplier of a shift by `x & 31`: (m, z) = (2^s, 0) to the left; to the right
/// (2^(32−s), 0), or (0, 1) for s = 0.
pub fn shift_multiplier(x: u32, right: bool) -> (u64, bool) {
    let s = x & 31;
    match (right, s) {
        (false, _) => (1 << s, false),
        (true, 0) => (0, true),
        (true, _) => (1 << (32 - s), false),
    }
}

/// The 512-row preprocessed table (x, right, m, z) for bytes x, receiving each row as many
/// times as its multiplicity column says.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShiftAir;

impl Air for ShiftAir {
    fn name(&self) -> &str {
        "zkvm-shift"
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
        4
    }

    fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
        (log_rows == 9).then(|| {
            (0..512u32)
                .flat_map(|i| {
                    let (x, right) = (i & 255, i >> 8);
                    let (m, z) = shift_multiplier(x, right == 1);
                    [g(u64::from(x)), g(u64::from(right)), g(m), g(u64::from(z))]
                })
                .collect()
        })
    }

    fn lookups(&self) -> Vec<Lookup> {
        let values = (0..4)
            .map(|c| Linear::column(Column::Preprocessed(c)))
            .collect();
        vec![Lookup::receive(SHIFT, values, col(0))]
    }
}

/// Appends the row proving `op` on (x, b) (an operation of [`OPS`], received `mult` times) to
/// `rows`, counting its lookups; `None` for another operation. The table is complete once
/// [`finish`] has padded it.
pub fn push_row(
    rows: &mut Vec<Goldilocks>,
    op: Op,
    x: u32,
    b: u32,
    mult: u64,
    counts: &mut Counts,
) -> Option<()> {
    push_with_quotient(rows, op, x, b, quotient(op, x, b), mult, counts)
}

/// [`push_row`] with the quotient of a division given (the remainder follows from it): the
/// honest one, or for tests a forged one.
fn push_with_quotient(
    rows: &mut Vec<Goldilocks>,
    op: Op,
    x: u32,
    b: u32,
    quotient: u32,
    mult: u64,
    counts: &mut Counts,
) -> Option<()> {
    if !proves(op) {
        return None;
    }
    let start = rows.len();
    rows.resize(start + WIDTH, Goldilocks::ZERO);
    fill_with_quotient(&mut rows[start..], op, x, b, quotient, mult, counts)
}

/// Whether this table proves `op` (as [`OPS`] names it).
pub fn proves(op: Op) -> bool {
    OPS.contains(&op)
}

/// [`push_row`] into `row`, a zeroed row of [`WIDTH`] columns.
pub fn fill_row(
    row: &mut [Goldilocks],
    op: Op,
    x: u32,
    b: u32,
    mult: u64,
    counts: &mut Counts,
) -> Option<()> {
    fill_with_quotient(row, op, x, b, quotient(op, x, b), mult, counts)
}

/// The honest quotient of a division (zero for another operation).
fn quotient(op: Op, x: u32, b: u32) -> u32 {
    match op {
        Op::Divu | Op::Remu => super::machine::alu(Op::Divu, x, b),
        Op::Div | Op::Rem => super::machine::alu(Op::Div, x, b),
        _ => 0,
    }
}

fn fill_with_quotient(
    row: &mut [Goldilocks],
    op: Op,
    x: u32,
    b: u32,
    quotient: u32,
    mult: u64,
    counts: &mut Counts,
) -> Option<()> {
    let sel = OPS.iter().position(|&o| o == op)?;
    row[sel] = Goldilocks::ONE;
    row[MULT] = g(mult);
    let sdiv = matches!(op, Op::Div | Op::Rem);
    let div = sdiv || matches!(op, Op::Divu | Op::Remu);
    let (a, (m, z)) = match op {
        Op::Sll => (x, shift_multiplier(b, false)),
        Op::Srl | Op::Sra => (x, shift_multiplier(b, true)),
        _ if div => (quotient, (u64::from(b), false)),
        _ => (x, (u64::from(b), false)),
    };
    let sa = matches!(op, Op::Mulh | Op::Mulhsu | Op::Sra | Op::Div | Op::Rem) && a >> 31 == 1;
    let sm = matches!(op, Op::Mulh | Op::Div | Op::Rem) && m >> 31 == 1;
    let limbs = |v: u64, sign: bool| {
        let ext = if sign { 0xffff } else { 0 };
        [v & 0xffff, v >> 16 & 0xffff, ext, ext].map(u128::from)
    };
    let (al, ml) = (limbs(u64::from(a), sa), limbs(m, sm));
    let c0 = al[0] * ml[0];
    let c1 = al[0] * ml[1] + al[1] * ml[0];
    let c2 = al[0] * ml[2] + al[1] * ml[1] + al[2] * ml[0];
    let c3 = al[0] * ml[3] + al[1] * ml[2] + al[2] * ml[1] + al[3] * ml[0];
    let t1 = c0 + (c1 << 16);
    let (lo, k) = (t1 & 0xffff_ffff, t1 >> 32);
    let t2 = k + c2 + (c3 << 16);
    let (hi, k2) = (t2 & 0xffff_ffff, t2 >> 32);
    let rem = if div { x.wrapping_sub(lo as u32) } else { 0 };
    let sign = |v: u32| sdiv && v >> 31 == 1;
    let (sx, sr, sb) = (sign(x), sign(rem), sign(b));
    let abs = |v: u32, neg: bool| {
        if neg {
            (1u64 << 32) - u64::from(v)
        } else {
            u64::from(v)
        }
    };
    // Wrapping: a forged quotient may leave |r| ≥ |b|, which the constraints refuse.
    let d = if div && b != 0 {
        abs(b, sb).wrapping_sub(abs(rem, sr)).wrapping_sub(1)
    } else {
        0
    };
    let result = match op {
        Op::Divu | Op::Div => a,
        Op::Remu | Op::Rem => rem,
        _ => super::machine::alu(op, x, b),
    };
    let ov = sdiv && x == 1 << 31 && b == u32::MAX;
    let cy = (lo + u128::from(rem)) >> 32;
    // The high words: hi + e·sr + cy = e·sx + 2^32·cy2 (e = 2^32 − 1), −2^31 / −1 off by e.
    let e = u128::from(u32::MAX);
    let cy2 = if sdiv && !ov {
        (hi + e * u128::from(sr) + cy).wrapping_sub(e * u128::from(sx)) >> 32
    } else {
        0
    };
    let put = |row: &mut [Goldilocks], at: usize, v: u64, n: usize| {
        for i in 0..n {
            row[at + i] = g(v >> (8 * i) & 255);
        }
    };
    put(row, A, u64::from(a), 4);
    put(row, B, u64::from(b), 4);
    put(row, M, m, 4);
    put(row, LO, lo as u64, 4);
    put(row, HI, hi as u64, 4);
    put(row, K, k as u64, 3);
    put(row, K2, k2 as u64, 3);
    put(row, REM, u64::from(rem), 4);
    put(row, D, d, 4);
    if sdiv {
        put(row, XB, u64::from(x), 4);
    }
    row[SX] = g(u64::from(sx));
    row[SR] = g(u64::from(sr));
    row[CY] = g(cy as u64);
    row[CY2] = g(cy2 as u64);
    row[OV] = g(u64::from(ov));
    // |b| and |rem| as the constraints read them (b's sign is sm's, for MULH too).
    let bw = g(u64::from(b));
    row[ABSB] = bw + g(u64::from(sm)) * (g(1 << 32) - bw - bw);
    row[ABSR] = g(abs(rem, sr));
    row[X] = g(u64::from(x));
    row[SA] = g(u64::from(sa));
    row[SM] = g(u64::from(sm));
    row[Z] = g(u64::from(z));
    row[R] = g(u64::from(result));
    row[BZ] = g(u64::from(b == 0));
    // Inverted with the other rows' in one batch ([`finish`]).
    row[BINV] = g(u64::from(b));
    row[DZ] = g(u64::from(div && b == 0));
    count_row(row, counts);
    Some(())
}

/// Completes the table once every row is pushed: pads it with empty rows to a power of two
/// (at least 2), counting their lookups, and turns the divisors that [`push_row`] left in
/// the BINV column into their inverses (zero for zero).
pub fn finish(rows: &mut Vec<Goldilocks>, counts: &mut Counts) {
    let n = (rows.len() / WIDTH).next_power_of_two().max(2);
    while rows.len() < n * WIDTH {
        push_padding(rows, counts);
    }
    super::invert_column(rows, WIDTH, BINV);
}

/// Appends an empty row (no operation), counting its lookups.
fn push_padding(rows: &mut Vec<Goldilocks>, counts: &mut Counts) {
    let start = rows.len();
    rows.resize(start + WIDTH, Goldilocks::ZERO);
    rows[start + BZ] = Goldilocks::ONE;
    count_row(&rows[start..], counts);
}

fn count_row(row: &[Goldilocks], counts: &mut Counts) {
    let v = |c: usize| row[c].as_canonical_u64();
    let mut bytes: Vec<usize> = Vec::with_capacity(38);
    for at in BYTE_WORDS {
        bytes.extend(at..at + 4);
    }
    bytes.extend(K..K + 3);
    bytes.extend(K2..K2 + 3);
    for p in bytes.chunks_exact(2) {
        counts.pair(v(p[0]), v(p[1]));
    }
    let on = |c: usize| v(c) == 1;
    if on(SLL) || on(SRL) || on(SRA) {
        counts.shift(v(B), on(SRL) || on(SRA));
    }
    for (top, sign, users) in SIGNS {
        if users.iter().any(|&u| on(u)) {
            counts.byte(2 * v(top) - 256 * v(sign));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stark::check_trace;
    use rand::{Rng, SeedableRng};

    const EDGE: [u32; 9] = [
        0,
        1,
        2,
        7,
        0x7fff_ffff,
        0x8000_0000,
        0x8000_0001,
        0xffff_fff9,
        0xffff_ffff,
    ];

    fn pairs() -> Vec<(u32, u32)> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut v: Vec<(u32, u32)> = EDGE
            .iter()
            .flat_map(|&x| EDGE.iter().map(move |&b| (x, b)))
            .collect();
        v.extend((0..64).map(|_| (rng.r#gen(), rng.r#gen())));
        // Small divisors of large dividends, both signs.
        v.extend((0..32).map(|_| (rng.r#gen(), rng.gen_range(0..16u32).wrapping_sub(8))));
        v
    }

    /// The rows of `calls`, padded to a power of two.
    fn table(calls: &[(Op, u32, u32, u32)]) -> Vec<Goldilocks> {
        let mut rows = Vec::new();
        let mut counts = Counts::default();
        for &(op, x, b, q) in calls {
            push_with_quotient(&mut rows, op, x, b, q, 1, &mut counts).unwrap();
        }
        finish(&mut rows, &mut counts);
        rows
    }

    fn holds(rows: &[Goldilocks]) -> bool {
        check_trace(&MulAir, rows, &[]).is_ok()
    }

    #[test]
    fn signed_division_rows_hold_and_give_the_executors_results() {
        let mut calls = Vec::new();
        for (x, b) in pairs() {
            for op in [Op::Div, Op::Rem, Op::Divu, Op::Remu] {
                let q = super::super::machine::alu(
                    if matches!(op, Op::Div | Op::Rem) {
                        Op::Div
                    } else {
                        Op::Divu
                    },
                    x,
                    b,
                );
                calls.push((op, x, b, q));
            }
        }
        let rows = table(&calls);
        assert!(holds(&rows));
        for (k, &(op, x, b, _)) in calls.iter().enumerate() {
            let got = rows[k * WIDTH + R].as_canonical_u64();
            assert_eq!(got, u64::from(super::super::machine::alu(op, x, b)));
        }
    }

    /// One row, changed by `change`, must break a constraint.
    fn refused(op: Op, x: u32, b: u32, q: u32, change: &dyn Fn(&mut [Goldilocks]), what: &str) {
        let mut rows = table(&[(op, x, b, q)]);
        change(&mut rows[..WIDTH]);
        assert!(!holds(&rows), "accepted {what}");
    }

    #[test]
    fn wrong_quotients_and_flags_are_refused() {
        let neg = |v: i32| v as u32;
        let none = |_: &mut [Goldilocks]| {};
        // Floor division's answer (the remainder with the divisor's sign): −7 / 2 = −4 r 1.
        refused(Op::Div, neg(-7), 2, neg(-4), &none, "−7 / 2 = −4 r 1");
        refused(Op::Rem, neg(-7), 2, neg(-4), &none, "−7 % 2 = 1");
        refused(Op::Div, 7, neg(-2), neg(-4), &none, "7 / −2 = −4 r −1");
        // A remainder as large as the divisor: 7 / 2 = 2 r 3, −7 / −2 = 2 r −3.
        refused(Op::Div, 7, 2, 2, &none, "7 / 2 = 2 r 3");
        refused(Op::Div, neg(-7), neg(-2), 2, &none, "−7 / −2 = 2 r −3");
        // A quotient off by 2^31 (equal modulo 2^32 after multiplying by an even divisor).
        refused(Op::Div, 5, 2, 2 + (1 << 31), &none, "5 / 2 = 2 + 2^31");
        refused(
            Op::Divu,
            5,
            2,
            2 + (1 << 31),
            &none,
            "unsigned 5 / 2 = 2 + 2^31",
        );
        // Division by zero gives −1 and the dividend, signed too.
        refused(Op::Div, neg(-5), 0, 1, &none, "−5 / 0 = 1");
        // The overflow flag: off for −2^31 / −1, on elsewhere.
        let (min, m1) = (1u32 << 31, u32::MAX);
        refused(
            Op::Div,
            min,
            m1,
            min,
            &|r| r[OV] = Goldilocks::ZERO,
            "−2^31 / −1 unflagged",
        );
        refused(
            Op::Div,
            6,
            3,
            2,
            &|r| r[OV] = Goldilocks::ONE,
            "a flag on 6 / 3",
        );
        refused(Op::Div, min, m1, 0, &none, "−2^31 / −1 = 0");
        // Forged signs: x's sign bit, the remainder's sign bit.
        refused(
            Op::Div,
            neg(-7),
            2,
            neg(-3),
            &|r| r[SX] = Goldilocks::ZERO,
            "x's sign cleared",
        );
        refused(
            Op::Rem,
            neg(-7),
            2,
            neg(-3),
            &|r| r[SR] = Goldilocks::ZERO,
            "r's sign cleared",
        );
        // The honest rows of the same calls hold.
        for (op, x, b) in [(Op::Div, neg(-7), 2), (Op::Div, 7, 2), (Op::Div, min, m1)] {
            let q = super::super::machine::alu(Op::Div, x, b);
            assert!(holds(&table(&[(op, x, b, q)])));
        }
    }
}
