//! The zkVM's load/store table: one row per load or store of a segment, the CPU's memory
//! access moved out of its rows. A CPU row of a load or store sends (clk, kind, byte address,
//! value loaded, register stored) on [`LOADSTORE`]; the row here that receives it accesses
//! the memory word at timestamp 4·clk + 3 on the memory bus (its old bytes read at the
//! previous timestamp, the new word written) and computes the value loaded (sign-extended
//! for LB and LH) or the word stored. In the SHA-256 guest one cycle in nine is a load or
//! store, so the 20 columns and 7 lookups this takes out of every CPU row cost an eighth of
//! the rows here. Padding rows are all zero: no flag, no request, no access, no range check.

use carbide_field::Goldilocks;

use super::alu::{PAIRS, U16};
use super::cpu::MEMORY;
use crate::stark::{Air, Column, Fold, Frame, GenericAir, Linear, Lookup, Value, bytes_le};

/// (clk, kind, byte address, value loaded, register stored) of each load and store.
pub const LOADSTORE: u32 = 10;

/// The cycle of the CPU row.
pub const CLK: usize = 0;
/// The byte address (the CPU's ALU result, rs1 + imm).
pub const ADDR: usize = 1;
/// The value a load gives rd (zero for a store).
pub const LDV: usize = 2;
/// The register a store stores.
pub const STV: usize = 3;
/// One flag per kind, in [`KINDS`] order.
pub const FLAGS: usize = 4;
/// The flag of LB (sign-extended byte).
pub const LB: usize = FLAGS;
/// The flag of LBU.
pub const LBU: usize = FLAGS + 1;
/// The flag of LH (sign-extended half).
pub const LH: usize = FLAGS + 2;
/// The flag of LHU.
pub const LHU: usize = FLAGS + 3;
/// The flag of LW.
pub const LW: usize = FLAGS + 4;
/// The flag of SB.
pub const SB: usize = FLAGS + 5;
/// The flag of SH.
pub const SH: usize = FLAGS + 6;
/// The flag of SW.
pub const SW: usize = FLAGS + 7;
/// The memory word accessed (byte address / 4).
pub const WORD: usize = 12;
/// The memory word after the access.
pub const NEW: usize = 13;
/// The four bytes of the word before the access.
pub const OB: usize = 14;
/// One-hot byte position of the access.
pub(super) const P: usize = 18;
/// The stored register's bytes (stores of a byte or half).
pub(super) const RB: usize = 22;
pub(super) const LD_BYTE: usize = 26;
pub(super) const LD_HALF: usize = 27;
pub(super) const SGN: usize = 28;
pub(super) const SGN_SRC: usize = 29;
/// Timestamp − previous − 1 as a 16-bit limb and a byte above it.
pub const DIFF: usize = 30;
/// Columns of the table.
pub const WIDTH: usize = 32;

/// The kinds, by their flags' order: a kind's code on the bus is its index + 1.
pub const KINDS: usize = 8;

fn g(x: u64) -> Goldilocks {
    Goldilocks::new(x)
}

fn col(c: usize) -> Linear {
    Linear::column(Column::Main(c))
}

/// Σ k·c over `terms` (column, k), plus a constant.
fn lc(terms: &[(usize, i64)], constant: u64) -> Linear {
    let k = |x: i64| {
        if x < 0 {
            -g(x.unsigned_abs())
        } else {
            g(x as u64)
        }
    };
    Linear {
        terms: terms
            .iter()
            .map(|&(c, x)| (Column::Main(c), k(x)))
            .collect(),
        constant: g(constant),
    }
}

/// The kind's code on the bus: the flags' index plus one (the CPU's decoded field
/// `KIND`).
fn kind() -> Linear {
    lc(
        &(0..KINDS)
            .map(|k| (FLAGS + k, k as i64 + 1))
            .collect::<Vec<_>>(),
        0,
    )
}

/// Whether the row is a load or store: the sum of its flags.
fn live() -> Linear {
    lc(&(0..KINDS).map(|k| (FLAGS + k, 1)).collect::<Vec<_>>(), 0)
}

/// The load/store table of a segment.
#[derive(Clone, Copy, Debug)]
pub struct LoadStoreAir;

impl GenericAir for LoadStoreAir {
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
        // At most one kind: the flags are bits summing to a bit, so the kind's code names one.
        let mut mem = zero;
        for k in 0..KINDS {
            out.every_row(l[FLAGS + k] * (one - l[FLAGS + k]));
            mem = mem + l[FLAGS + k];
        }
        out.every_row(mem * (one - mem));
        // The word and byte position.
        let mut psum = zero;
        for k in 0..4 {
            out.every_row(l[P + k] * (one - l[P + k]));
            psum = psum + l[P + k];
        }
        out.every_row(psum - mem);
        let offset = l[P + 1] + c(2) * l[P + 2] + c(3) * l[P + 3];
        out.every_row(l[ADDR] - c(4) * l[WORD] - offset);
        out.every_row((l[LW] + l[SW]) * (one - l[P]));
        out.every_row((l[LH] + l[LHU] + l[SH]) * (l[P + 1] + l[P + 3]));
        // The byte or half at the position.
        let old = bytes_le(&l[OB..OB + 4]);
        let half = |i: usize| l[OB + i] + c(256) * l[OB + i + 1];
        let mut byte = zero;
        for k in 0..4 {
            byte = byte + l[P + k] * l[OB + k];
        }
        out.every_row(l[LD_BYTE] - byte);
        out.every_row(l[LD_HALF] - l[P] * half(0) - l[P + 2] * half(2));
        let hb = l[P] * l[OB + 1] + l[P + 2] * l[OB + 3];
        // Loads: the sign bit of a signed byte or half is checked by the pair lookup.
        out.every_row(l[SGN] * (one - l[SGN]));
        out.every_row(l[SGN] * (one - l[LB] - l[LH]));
        out.every_row(l[SGN_SRC] - l[LB] * l[LD_BYTE] - l[LH] * hb);
        out.every_row(
            l[LDV]
                - l[LW] * old
                - (l[LB] + l[LBU]) * l[LD_BYTE]
                - (l[LH] + l[LHU]) * l[LD_HALF]
                - l[SGN] * (l[LB] * c((1 << 32) - (1 << 8)) + l[LH] * c((1 << 32) - (1 << 16))),
        );
        // Stores: the new word; a load leaves it unchanged.
        let sub = l[SB] + l[SH];
        out.every_row(sub * (l[STV] - bytes_le(&l[RB..RB + 4])));
        for k in 0..4 {
            out.every_row((one - sub) * l[RB + k]);
        }
        let delta =
            l[SB] * (l[RB] - l[LD_BYTE]) + l[SH] * (l[RB] + c(256) * l[RB + 1] - l[LD_HALF]);
        let pos = l[P] + c(1 << 8) * l[P + 1] + c(1 << 16) * l[P + 2] + c(1 << 24) * l[P + 3];
        out.every_row(l[NEW] - old - delta * pos - l[SW] * (l[STV] - old));
    }
}

impl Air for LoadStoreAir {
    fn name(&self) -> &str {
        "zkvm-load-store"
    }

    fn width(&self) -> usize {
        WIDTH
    }

    fn num_public_values(&self) -> usize {
        0
    }

    fn constraint_degree(&self) -> usize {
        3
    }

    fn boundary_degree(&self) -> usize {
        1
    }

    crate::generic_evals!();

    fn lookups(&self) -> Vec<Lookup> {
        let mem = live();
        let ts = lc(&[(CLK, 4)], 3);
        // The previous timestamp: ts − 1 − the difference's limb and byte.
        let prev = lc(&[(CLK, 4), (DIFF, -1), (DIFF + 1, -(1 << 16))], 2);
        let old = lc(
            &(0..4).map(|i| (OB + i, 1 << (8 * i))).collect::<Vec<_>>(),
            0,
        );
        let pair = |x: Linear, y: Linear| Lookup::send(PAIRS, vec![x, y], mem.clone());
        vec![
            Lookup::receive(
                LOADSTORE,
                vec![col(CLK), kind(), col(ADDR), col(LDV), col(STV)],
                mem.clone(),
            ),
            Lookup::receive(MEMORY, vec![col(WORD), old, prev], mem.clone()),
            Lookup::send(MEMORY, vec![col(WORD), col(NEW), ts], mem.clone()),
            Lookup::send(U16, vec![col(DIFF)], mem.clone()),
            // The difference's byte beside the sign's check: 2·src − 256·sign is a byte
            // exactly when sign is src's top bit (both zero but for LB and LH).
            pair(col(DIFF + 1), lc(&[(SGN_SRC, 2), (SGN, -256)], 0)),
            pair(col(OB), col(OB + 1)),
            pair(col(OB + 2), col(OB + 3)),
            pair(col(RB), col(RB + 1)),
            pair(col(RB + 2), col(RB + 3)),
        ]
    }
}
