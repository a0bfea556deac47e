//! The zkVM's multiply table: MUL, MULH, MULHSU, MULHU, the shifts and unsigned division, all
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
//!   word; for b = 0 (an is-zero column) q = 2^32 − 1 and r = x.
//!
//! Requests arrive on the ALU bus as (op, x, b, result) with the codes after [`alu::OPS`]'s.

use carbide_field::{Field, Goldilocks};

use super::alu::{self, BYTES, Counts, PAIRS};
use super::decode::Op;
use crate::stark::{Air, Column, Fold, Frame, GenericAir, Linear, Lookup, Value};

/// (x, right, m, z): the multiplier of a shift by x & 31.
pub const SHIFT: u32 = 8;

/// The operations this table proves, in selector order (codes follow [`alu::OPS`]'s).
pub const OPS: [Op; 9] = [
    Op::Mul,
    Op::Mulh,
    Op::Mulhsu,
    Op::Mulhu,
    Op::Sll,
    Op::Srl,
    Op::Sra,
    Op::Divu,
    Op::Remu,
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
const X: usize = 9;
const A: usize = 10;
const B: usize = 14;
const M: usize = 18;
const LO: usize = 22;
const HI: usize = 26;
const K: usize = 30;
const K2: usize = 33;
const SA: usize = 36;
const SM: usize = 37;
const Z: usize = 38;
const R: usize = 39;
const REM: usize = 40;
const D: usize = 44;
const BZ: usize = 48;
const BINV: usize = 49;
const DZ: usize = 50;
const MULT: usize = 51;
/// Columns of the multiply table.
pub const WIDTH: usize = 52;

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
        let bytes =
            |at: usize, n: usize| (0..n).fold(zero, |acc, i| acc + l[at + i] * c(1 << (8 * i)));
        let s = |k: usize| l[k];
        let mut sum = zero;
        for k in 0..OPS.len() {
            out.every_row(s(k) * (one - s(k)));
            sum = sum + s(k);
        }
        out.every_row(sum * (one - sum));
        out.every_row(l[MULT] * (one - sum));
        let div = s(DIVU) + s(REMU);
        // The multiplier is b, except for the shifts (whose table lookup gives it).
        let takes_b = s(MUL) + s(MULH) + s(MULHSU) + s(MULHU) + div;
        for i in 0..4 {
            out.every_row(takes_b * (l[M + i] - l[B + i]));
        }
        for (bit, uses) in [
            (SA, s(MULH) + s(MULHSU) + s(SRA)),
            (SM, s(MULH)),
            (Z, s(SRL) + s(SRA)),
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
        let (lo, hi, k, k2) = (bytes(LO, 4), bytes(HI, 4), bytes(K, 3), bytes(K2, 3));
        let two32 = c(1 << 32);
        out.every_row(c0 + c1 * c(1 << 16) - lo - two32 * k);
        out.every_row(k + c2 + c3 * c(1 << 16) - hi - two32 * k2);
        let (aw, rem, bw) = (bytes(A, 4), bytes(REM, 4), bytes(B, 4));
        out.every_row(
            l[R] - (s(MUL) + s(SLL)) * lo
                - (s(MULH) + s(MULHSU) + s(MULHU) + s(SRL) + s(SRA)) * hi
                - l[Z] * aw
                - s(DIVU) * aw
                - s(REMU) * rem,
        );
        // The request's first operand: a, or for a division the dividend q·b + r.
        out.every_row((one - div) * (l[X] - aw));
        out.every_row(div * (l[X] - lo - rem));
        out.every_row(div * hi);
        out.every_row((one - div) * rem);
        // b = 0 exactly when bz (bz·binv = 0 pins binv).
        out.every_row(l[BZ] * bw);
        out.every_row(one - l[BZ] - bw * l[BINV]);
        out.every_row(l[BZ] * l[BINV]);
        out.every_row(l[DZ] - div * l[BZ]);
        out.every_row(l[DZ] * (aw - c(u64::from(u32::MAX))));
        // r < b for a division by b ≠ 0; d pinned to zero elsewhere.
        let d = bytes(D, 4);
        out.every_row((div - l[DZ]) * (bw - rem - one - d));
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
        for at in [A, B, M, LO, HI, REM, D] {
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
        for (top, sign, users) in [(A + 3, SA, &[MULH, MULHSU, SRA][..]), (M + 3, SM, &[MULH])] {
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
/// `rows`, counting its lookups; `None` for another operation.
pub fn push_row(
    rows: &mut Vec<Goldilocks>,
    op: Op,
    x: u32,
    b: u32,
    mult: u64,
    counts: &mut Counts,
) -> Option<()> {
    let sel = OPS.iter().position(|&o| o == op)?;
    let start = rows.len();
    rows.resize(start + WIDTH, Goldilocks::ZERO);
    let row = &mut rows[start..];
    row[sel] = Goldilocks::ONE;
    row[MULT] = g(mult);
    let result = super::machine::alu(op, x, b);
    let div = matches!(op, Op::Divu | Op::Remu);
    let (a, (m, z)) = match op {
        Op::Sll => (x, shift_multiplier(b, false)),
        Op::Srl | Op::Sra => (x, shift_multiplier(b, true)),
        Op::Divu | Op::Remu => (super::machine::alu(Op::Divu, x, b), (u64::from(b), false)),
        _ => (x, (u64::from(b), false)),
    };
    let sa = matches!(op, Op::Mulh | Op::Mulhsu | Op::Sra) && a >> 31 == 1;
    let sm = op == Op::Mulh && m >> 31 == 1;
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
    let d = if div && b != 0 {
        b.wrapping_sub(rem).wrapping_sub(1)
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
    put(row, D, u64::from(d), 4);
    row[X] = g(u64::from(x));
    row[SA] = g(u64::from(sa));
    row[SM] = g(u64::from(sm));
    row[Z] = g(u64::from(z));
    row[R] = g(u64::from(result));
    row[BZ] = g(u64::from(b == 0));
    row[BINV] = g(u64::from(b)).try_inverse().unwrap_or(Goldilocks::ZERO);
    row[DZ] = g(u64::from(div && b == 0));
    count_row(row, counts);
    Some(())
}

/// Appends an empty row (no operation), counting its lookups.
pub fn push_padding(rows: &mut Vec<Goldilocks>, counts: &mut Counts) {
    let start = rows.len();
    rows.resize(start + WIDTH, Goldilocks::ZERO);
    rows[start + BZ] = Goldilocks::ONE;
    count_row(&rows[start..], counts);
}

fn count_row(row: &[Goldilocks], counts: &mut Counts) {
    let v = |c: usize| row[c].as_canonical_u64();
    let mut bytes: Vec<usize> = Vec::with_capacity(34);
    for at in [A, B, M, LO, HI, REM, D] {
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
    if on(MULH) || on(MULHSU) || on(SRA) {
        counts.byte(2 * v(A + 3) - 256 * v(SA));
    }
    if on(MULH) {
        counts.byte(2 * v(M + 3) - 256 * v(SM));
    }
}
