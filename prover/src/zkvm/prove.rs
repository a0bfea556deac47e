//! Proving and verifying a program's execution in segments (continuations). A run is cut
//! into segments of 2^k cycles; each is one STARK proof of thirteen tables whose public values
//! are its boundaries: the pc, the input words read and output bytes written, and the memory
//! as the root of the image's Merkle tree ([`mod@super::image`]). The segment's proof names
//! the words it touched with their values before and after and the sibling hashes to the
//! root, so memory crosses from one segment to the next as a digest: the prover holds one
//! segment's trace at a time, and segments can be proved on different machines from the
//! executor's boundary states. The verifier checks each segment's proof, that its start is
//! the previous one's end, and that only the last one halts.

use std::collections::HashMap;

use carbide_field::merkle::MerkleHasher;
use carbide_field::poseidon::Digest;
use carbide_field::{Field, Goldilocks};
use carbide_ntt::Ntt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::VmError;
use super::alu::{self, AluAir, BytePairsAir, Counts};
use super::cpu::*;
use super::decode::Op;
use super::elf::Program;
use super::image::{self, Image, MemoryTree, Touched};
use super::loadstore::{self, LoadStoreAir};
use super::machine::{Machine, Step};
use super::mul::{self, MulAir, ShiftAir};
use super::tables::{Code, MemoryAir, StreamAir};
use crate::stark::{
    Air, ByteRangeAir, KeyCache, ProveError, Stage, StarkConfig, StarkProof, Table, TagAir,
    VerifyError, VerifyingKey, prove_tables_unchecked, prove_tables_with, verify_tables_with_key,
};

/// The most cycles one segment covers (timestamp differences stay below 2^24: a 16-bit limb
/// and a byte).
pub const MAX_LOG_CYCLES: u32 = 22;

/// Why a program could not be proved or its proof was rejected.
#[derive(Debug, Error)]
pub enum ZkvmError {
    /// Loading or running the program failed.
    #[error(transparent)]
    Vm(#[from] VmError),
    /// The program executed an instruction the proof does not cover.
    #[error("{op:?} at pc {pc:#010x} is not covered by the proof")]
    Uncovered {
        /// Where.
        pc: u32,
        /// Which.
        op: Op,
    },
    /// A run longer than one segment where one was asked for, or a segment size out of range.
    #[error("{0}")]
    SegmentClaim(String),
    /// The STARK prover refused.
    #[error(transparent)]
    Prove(#[from] ProveError),
    /// The proof was rejected.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The proof is for another program, or its claims do not fit.
    #[error("{0}")]
    Claim(String),
}

/// What a proof says about a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The program's digest ([`Program::digest`]).
    pub program: Digest,
    /// What the proof is bound to (zero for none): every segment's proof carries it as the
    /// public values of a [`TagAir`] table, so it verifies under this tag only.
    pub tag: Digest,
    /// The exit code.
    pub exit_code: u32,
    /// Instructions executed, the halting `ecall` included.
    pub cycles: u64,
    /// The public output.
    pub output: Vec<u8>,
}

/// The machine between two segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Boundary {
    /// The next instruction's pc.
    pub pc: u32,
    /// Input words read.
    pub input: u64,
    /// Output bytes written.
    pub output: u64,
    /// The root of the memory image's tree (registers included).
    pub memory: Digest,
}

impl Boundary {
    /// The machine before `program`'s first instruction.
    pub fn start(program: &Program, image: &Image) -> Self {
        Self {
            pc: program.entry,
            input: 0,
            output: 0,
            memory: MemoryTree::new(image, image.initial()).root(),
        }
    }
}

/// What one segment's proof says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentClaim {
    /// The run's tag ([`Claim::tag`]).
    pub tag: Digest,
    /// Where it starts.
    pub start: Boundary,
    /// Where it ends.
    pub end: Boundary,
    /// Instructions it executed (a power of two unless it halts).
    pub cycles: u64,
    /// Whether it ends with the halt (the last segment).
    pub halted: bool,
    /// The exit code (0 unless it halts).
    pub exit_code: u32,
    /// The output bytes it wrote.
    pub output: Vec<u8>,
    /// The words it accessed, with their values before and after, by leaf.
    pub memory: Vec<Touched>,
    /// The sibling hashes connecting those leaves to the roots.
    pub siblings: Vec<Digest>,
}

/// One segment's proof.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SegmentProof {
    /// Its statement.
    pub segment: SegmentClaim,
    /// The STARK proof of its thirteen tables (the last its tag).
    pub stark: StarkProof,
}

/// A proof of a run: its segments' proofs, in order.
#[derive(Clone, Debug)]
pub struct ZkvmProof {
    /// What it proves.
    pub claim: Claim,
    /// The segments.
    pub segments: Vec<SegmentProof>,
}

impl ZkvmProof {
    /// The proof of a run of `program` made of `segments` (in order, the last halting); the
    /// claim is what they say together.
    pub fn join(program: &Program, segments: Vec<SegmentProof>) -> Result<Self, ZkvmError> {
        let last = segments
            .last()
            .ok_or_else(|| ZkvmError::Claim("no segments".into()))?;
        let claim = Claim {
            program: program.digest(),
            tag: last.segment.tag,
            exit_code: last.segment.exit_code,
            cycles: segments.iter().map(|s| s.segment.cycles).sum(),
            output: segments
                .iter()
                .flat_map(|s| s.segment.output.iter().copied())
                .collect(),
        };
        Ok(Self { claim, segments })
    }
}

/// The thirteen traces of one segment, in the statement's order.
#[derive(Clone, Debug)]
pub struct Traces {
    /// CPU, program, memory, input, output, ALU, multiply, bitwise, byte pairs, bytes, shift,
    /// tag.
    pub tables: Vec<Vec<Goldilocks>>,
    /// The segment they prove.
    pub segment: SegmentClaim,
}

/// What a program and its input fix for every segment.
struct Context {
    code: Code,
    image: Image,
    input: StreamAir,
    input_len: u64,
}

impl Context {
    fn new(program: &Program, input: &[u8]) -> Result<Self, VmError> {
        Ok(Self {
            code: Code::new(program),
            image: Image::new(program)?,
            input: StreamAir::input(input),
            input_len: input.len() as u64,
        })
    }

    /// The CPU table's public values for `s`.
    fn public(&self, s: &SegmentClaim) -> [Goldilocks; PUBLIC] {
        let mut p = [Goldilocks::ZERO; PUBLIC];
        p[P_EXIT] = g(u64::from(s.exit_code));
        p[P_CYCLES] = g(s.cycles);
        p[P_INPUT_LEN] = g(self.input_len);
        p[P_OUT_END] = g(s.end.output);
        p[P_PC] = g(u64::from(s.start.pc));
        p[P_IN_START] = g(s.start.input);
        p[P_OUT_START] = g(s.start.output);
        p[P_HALTED] = g(u64::from(s.halted));
        p[P_END_PC] = g(u64::from(s.end.pc));
        p[P_IN_END] = g(s.end.input);
        p
    }
}

/// Tables of a segment's statement.
const TABLES: usize = 13;

/// The statement's tables, in order, for one segment.
struct Statement<'a> {
    ctx: &'a Context,
    memory: MemoryAir,
    output: StreamAir,
}

impl<'a> Statement<'a> {
    fn new(ctx: &'a Context, s: &SegmentClaim) -> Result<Self, ZkvmError> {
        Ok(Self {
            ctx,
            memory: MemoryAir::new(&ctx.image, &s.memory).map_err(ZkvmError::Claim)?,
            output: StreamAir::output(&s.output, s.start.output),
        })
    }

    fn airs(&self) -> [&dyn Air; TABLES] {
        [
            &CpuAir,
            &self.ctx.code.air,
            &self.memory,
            &self.ctx.input,
            &self.output,
            &AluAir,
            &MulAir,
            &BytePairsAir { bitwise: true },
            &BytePairsAir { bitwise: false },
            &ByteRangeAir,
            &ShiftAir,
            &LoadStoreAir,
            &TagAir,
        ]
    }

    /// Sizes of the tables fixed by the statement (the others `None`).
    fn fixed_sizes(&self) -> [Option<u32>; TABLES] {
        [
            None,
            Some(self.ctx.code.air.log_rows()),
            Some(self.memory.log_rows()),
            Some(self.ctx.input.log_rows()),
            Some(self.output.log_rows()),
            None,
            None,
            Some(16),
            Some(16),
            Some(8),
            Some(9),
            None,
            Some(TagAir::LOG_ROWS),
        ]
    }
}

fn g(x: u64) -> Goldilocks {
    Goldilocks::new(x)
}

/// A row of the ALU or multiply table: (operation, x, y, multiplicity), no operation for a
/// padding row.
type Request = (Option<Op>, u32, u32, u64);

/// The rows for `requests` (`width` columns, filled by `fill` from zeros), in chunks across
/// threads, their lookups added to `counts`.
fn rows_of(
    requests: &[Request],
    width: usize,
    fill: impl Fn(&mut [Goldilocks], Request, &mut Counts) -> Option<()> + Sync,
    counts: &mut Counts,
) -> Option<Vec<Goldilocks>> {
    let chunk = requests
        .len()
        .div_ceil(2 * rayon::current_num_threads())
        .max(1 << 10);
    let mut rows = carbide_field::par_filled(requests.len() * width, Goldilocks::ZERO);
    let parts: Vec<Counts> = rows
        .par_chunks_mut(chunk * width)
        .zip(requests.par_chunks(chunk))
        .map(|(rows, requests)| {
            let mut c = Counts::default();
            for (row, &r) in rows.chunks_exact_mut(width).zip(requests) {
                fill(row, r, &mut c)?;
            }
            Some(c)
        })
        .collect::<Option<_>>()?;
    for c in &parts {
        counts.add(c);
    }
    Some(rows)
}

/// Builds one segment's CPU rows and everything they request, tracking each memory word's
/// value and the timestamp of its last access in the segment (zero: not yet accessed).
struct Builder<'a> {
    code: &'a Code,
    image: &'a Image,
    /// Per leaf: value, timestamp of the last access.
    state: Vec<(u32, u64)>,
    registers: [usize; 32],
    cpu: Vec<Goldilocks>,
    loadstore: Vec<Goldilocks>,
    /// The ALU and multiply tables' rows, as requests (operation, x, y, multiplicity): built
    /// across threads once the segment's requests are all known.
    alu: Vec<Request>,
    mul: Vec<Request>,
    program: Vec<u64>,
    input: Vec<u64>,
    output: Vec<u8>,
    counts: Counts,
    /// Each distinct request (operation code, x, y) of the ALU or multiply table: the table
    /// (`true`: multiply) and its row. A repeat adds one to that row's multiplicity instead
    /// of taking a row of its own. In the SHA-256 guest two ALU requests in five are
    /// repeats (106,130 distinct of 177,557 in a 2^18-cycle segment), enough to halve its
    /// ALU table to 2^17 rows.
    /// Keyed with aHash: SipHash was a tenth of the builder's time, and a guest choosing
    /// its operands must not be able to pick colliding keys (the keys are random per run).
    calls: HashMap<(u64, u32, u32), (bool, usize), ahash::RandomState>,
    in_idx: u64,
    out_idx: u64,
    live: bool,
    count: u64,
}

impl<'a> Builder<'a> {
    fn new(ctx: &'a Context, values: &[u32], rows: usize, in_idx: u64, out_idx: u64) -> Self {
        let image = &ctx.image;
        let registers = core::array::from_fn(|i| {
            image
                .row_of(REGISTERS + i as u64)
                .expect("the image holds the registers")
        });
        Self {
            code: &ctx.code,
            image,
            state: values.iter().map(|&v| (v, 0)).collect(),
            registers,
            // Zeroed across threads, so the fresh pages' faults are too.
            cpu: {
                let mut cpu = Vec::with_capacity(rows * WIDTH);
                cpu.par_extend(rayon::iter::repeat_n(Goldilocks::ZERO, rows * WIDTH));
                cpu
            },
            loadstore: Vec::new(),
            alu: Vec::new(),
            mul: Vec::new(),
            program: vec![0; 1 << ctx.code.air.log_rows()],
            input: vec![0; 1 << ctx.input.log_rows()],
            output: Vec::new(),
            counts: Counts::default(),
            calls: HashMap::with_capacity_and_hasher(rows, ahash::RandomState::new()),
            in_idx,
            out_idx,
            live: true,
            count: 0,
        }
    }

    /// Requests `op` on (x, y) of the ALU table, or of the multiply table for the operations
    /// it proves; `None` if neither does.
    fn request(&mut self, op: Op, x: u32, y: u32) -> Option<()> {
        let key = (alu::code(op)?, x, y);
        if let Some(&(in_mul, row)) = self.calls.get(&key) {
            let table = if in_mul { &mut self.mul } else { &mut self.alu };
            table[row].3 += 1;
            return Some(());
        }
        let in_mul = !alu::proves(op);
        if in_mul && !mul::proves(op) {
            return None;
        }
        let table = if in_mul { &mut self.mul } else { &mut self.alu };
        table.push((Some(op), x, y, 1));
        self.calls.insert(key, (in_mul, table.len() - 1));
        Some(())
    }

    /// Reads and writes memory row `r` at timestamp `ts`: (old value, previous timestamp).
    fn access(&mut self, r: usize, value: u32, ts: u64) -> (u32, u64) {
        let old = self.state[r];
        self.state[r] = (value, ts);
        old
    }

    fn put_diff(row: &mut [Goldilocks], slot: usize, ts: u64, prev: u64) {
        let d = ts - prev - 1;
        row[DIFF + 2 * slot] = g(d & 0xffff);
        row[DIFF + 2 * slot + 1] = g(d >> 16);
    }

    /// One row for `step`, the `clk`-th; `next_pc` the following row's pc.
    fn row(&mut self, clk: u64, step: &Step, next_pc: u32) -> Result<(), ZkvmError> {
        let Some(&(index, fields, alu_op)) = self.code.by_pc.get(&step.pc) else {
            return Err(match self.code.uncovered.get(&step.pc) {
                Some(&op) => ZkvmError::Uncovered { pc: step.pc, op },
                None => ZkvmError::Claim(format!("no instruction at pc {:#010x}", step.pc)),
            });
        };
        self.program[index] += 1;
        let start = clk as usize * WIDTH;
        let row = &mut self.cpu[start..start + WIDTH];
        row[..FIELDS].copy_from_slice(&fields);
        let f = |k: usize| fields[k].as_canonical_u64();
        let on = |k: usize| f(k) == 1;
        row[CLK] = g(clk);
        row[NEXT_PC] = g(u64::from(next_pc));
        let ts = |s: usize| 4 * clk + ACCESS_TS[s];
        let (rs1, rs2, rd) = (f(RS1) as usize, f(RS2) as usize, f(RD) as usize);
        let (r1, r2, r3) = (self.registers[rs1], self.registers[rs2], self.registers[rd]);
        let rs1v = self.state[r1].0;
        let (_, prev) = self.access(r1, rs1v, ts(0));
        let row = &mut self.cpu[start..start + WIDTH];
        row[RS1V] = g(u64::from(rs1v));
        Self::put_diff(row, 0, ts(0), prev);
        let rs2v = self.state[r2].0;
        let (_, prev) = self.access(r2, rs2v, ts(1));
        let row = &mut self.cpu[start..start + WIDTH];
        row[RS2V] = g(u64::from(rs2v));
        Self::put_diff(row, 1, ts(1), prev);
        // The ALU request: (rs1, rs2 + IMM), rs2 being x0 where IMM is not zero.
        let pc = step.pc;
        let (x, imm) = (rs1v, f(IMM) as u32);
        debug_assert!(imm == 0 || rs2v == 0);
        let y = rs2v | imm;
        let out = match alu_op {
            Some(op) => {
                let out = super::machine::alu(op, x, y);
                self.request(op, x, y)
                    .ok_or(ZkvmError::Uncovered { pc, op })?;
                out
            }
            None => 0,
        };
        let row = &mut self.cpu[start..start + WIDTH];
        row[ALU_OUT] = g(u64::from(out));
        if alu_op.is_some() {
            row[EQ] = g(u64::from(out));
        } else {
            row[EQ] = g(u64::from(rs1v == rs2v));
            // Inverted with the other rows' in one batch once they are built.
            row[INV] = g(u64::from(rs1v)) - g(u64::from(rs2v));
        }
        if on(JALR) {
            row[LOWBIT] = g(u64::from(out & 1));
        }
        // Memory.
        // A store's register, read through the rd access.
        let stored = self.state[r3].0;
        if on(MEM) {
            let ldv = self.load_store(clk, pc, out, stored, &fields)?;
            self.cpu[start + LDV] = g(u64::from(ldv));
            if on(WR_LOAD) {
                debug_assert_eq!(ldv, step.rd_value);
            }
        }
        // System calls.
        let row = &mut self.cpu[start..start + WIDTH];
        row[IN_IDX] = g(self.in_idx);
        row[OUT_IDX] = g(self.out_idx);
        let mut rdv = if on(STORE) { stored } else { step.rd_value };
        if on(ECALL) {
            let (which, value) = match rs2v {
                0 => (SYS_HALT, rs1v),
                1 => (SYS_READ, step.rd_value),
                2 => (SYS_WRITE, rs1v),
                _ => (SYS_LEN, step.rd_value),
            };
            row[which] = Goldilocks::ONE;
            rdv = value;
            if which == SYS_READ {
                row[IN_WORD] = g(u64::from(value));
                if let Some(m) = self.input.get_mut(self.in_idx as usize) {
                    *m += 1;
                }
                self.in_idx += 1;
            } else if which == SYS_WRITE {
                self.out_idx += 1;
                self.output.push(rs1v as u8);
            }
        }
        // rd.
        let (rd_old, prev) = self.access(r3, rdv, ts(2));
        let row = &mut self.cpu[start..start + WIDTH];
        row[RD_OLD] = g(u64::from(rd_old));
        row[RDV] = g(u64::from(rdv));
        Self::put_diff(row, 2, ts(2), prev);
        // Counters.
        if self.live {
            self.count += 1;
        }
        row[LIVE] = g(u64::from(self.live));
        row[COUNT] = g(self.count);
        if row[SYS_HALT] == Goldilocks::ONE {
            self.live = false;
        }
        let d = |i: usize| row[DIFF + i].as_canonical_u64();
        let (lo, hi) = ([d(0), d(2), d(4)], [d(1), d(3), d(5)]);
        for x in lo {
            self.counts.u16(x);
        }
        self.counts.pair(hi[0], hi[1]);
        self.counts.byte(hi[2]);
        Ok(())
    }

    /// The load/store table's row for the load or store of cycle `clk` at byte address
    /// `addr` (`stored`: the register a store stores); the value loaded (zero for a store).
    fn load_store(
        &mut self,
        clk: u64,
        pc: u32,
        addr: u32,
        stored: u32,
        fields: &[Goldilocks; FIELDS],
    ) -> Result<u32, ZkvmError> {
        use loadstore as ls;
        let kind = fields[KIND].as_canonical_u64() as usize - 1;
        let on = |k: usize| k == kind + ls::FLAGS;
        let (word, pos) = (u64::from(addr / 4), (addr % 4) as usize);
        let r = self
            .image
            .row_of(word)
            .ok_or(VmError::OutOfBounds { pc, addr })?;
        let old = self.state[r].0;
        let ob = old.to_le_bytes();
        let byte = u32::from(ob[pos]);
        let (half, hb) = match pos {
            0 | 2 => (
                u32::from(ob[pos]) | u32::from(ob[pos + 1]) << 8,
                ob[pos + 1],
            ),
            _ => (0, 0),
        };
        let shift = 8 * pos as u32;
        let new = if on(ls::SW) {
            stored
        } else if on(ls::SB) {
            old & !(0xff << shift) | (stored & 0xff) << shift
        } else if on(ls::SH) {
            old & !(0xffff << shift) | (stored & 0xffff) << shift
        } else {
            old
        };
        let ts = 4 * clk + 3;
        let (_, prev) = self.access(r, new, ts);
        let mut row = [Goldilocks::ZERO; ls::WIDTH];
        row[ls::CLK] = g(clk);
        row[ls::ADDR] = g(u64::from(addr));
        row[ls::STV] = g(u64::from(stored));
        row[ls::FLAGS + kind] = Goldilocks::ONE;
        row[ls::WORD] = g(word);
        row[ls::NEW] = g(u64::from(new));
        for i in 0..4 {
            row[ls::OB + i] = g(u64::from(ob[i]));
        }
        row[ls::P + pos] = Goldilocks::ONE;
        row[ls::LD_BYTE] = g(u64::from(byte));
        row[ls::LD_HALF] = g(u64::from(half));
        let src = if on(ls::LB) {
            byte
        } else if on(ls::LH) {
            u32::from(hb)
        } else {
            0
        };
        let sgn = src >> 7 == 1;
        row[ls::SGN_SRC] = g(u64::from(src));
        row[ls::SGN] = g(u64::from(sgn));
        let ldv = if on(ls::LW) {
            old
        } else if on(ls::LB) {
            byte as u8 as i8 as i32 as u32
        } else if on(ls::LBU) {
            byte
        } else if on(ls::LH) {
            half as u16 as i16 as i32 as u32
        } else if on(ls::LHU) {
            half
        } else {
            0
        };
        row[ls::LDV] = g(u64::from(ldv));
        let rb = if on(ls::SB) || on(ls::SH) {
            stored.to_le_bytes()
        } else {
            [0; 4]
        };
        for i in 0..4 {
            row[ls::RB + i] = g(u64::from(rb[i]));
        }
        let d = ts - prev - 1;
        row[ls::DIFF] = g(d & 0xffff);
        row[ls::DIFF + 1] = g(d >> 16);
        self.counts.u16(d & 0xffff);
        self.counts
            .pair(d >> 16, u64::from(2 * src) - 256 * u64::from(sgn));
        self.counts.pair(u64::from(ob[0]), u64::from(ob[1]));
        self.counts.pair(u64::from(ob[2]), u64::from(ob[3]));
        self.counts.pair(u64::from(rb[0]), u64::from(rb[1]));
        self.counts.pair(u64::from(rb[2]), u64::from(rb[3]));
        self.loadstore.extend_from_slice(&row);
        Ok(ldv)
    }
}

/// A run's segments, executed and traced one at a time ([`segments`]).
pub struct Segments<'a> {
    ctx: Context,
    machine: Machine<'a>,
    /// The memory at the next segment's start, by leaf, and its tree.
    values: Vec<u32>,
    tree: MemoryTree,
    next: Boundary,
    max_cycles: u64,
    log_segment: u32,
    tag: Digest,
    done: bool,
}

impl Segments<'_> {
    /// Binds the segments' proofs to `tag` ([`Claim::tag`]).
    pub fn bound(mut self, tag: Digest) -> Self {
        self.tag = tag;
        self
    }
}

/// Runs `program` on `input` (at most `max_cycles` instructions) segment by segment, each of
/// 2^`log_segment` cycles (the last one shorter), yielding each segment's traces as its run
/// ends; only one segment's steps and traces are held at a time.
pub fn segments<'a>(
    program: &Program,
    input: &'a [u8],
    max_cycles: u64,
    log_segment: u32,
) -> Result<Segments<'a>, ZkvmError> {
    if !(1..=MAX_LOG_CYCLES).contains(&log_segment) {
        return Err(ZkvmError::SegmentClaim(format!(
            "segments of 2^{log_segment} cycles: between 2^1 and 2^{MAX_LOG_CYCLES}"
        )));
    }
    let ctx = Context::new(program, input)?;
    let values = ctx.image.initial().to_vec();
    let tree = MemoryTree::new(&ctx.image, &values);
    let next = Boundary {
        pc: program.entry,
        input: 0,
        output: 0,
        memory: tree.root(),
    };
    Ok(Segments {
        ctx,
        machine: Machine::new(program, input),
        values,
        tree,
        next,
        max_cycles,
        log_segment,
        tag: Digest::default(),
        done: false,
    })
}

impl Segments<'_> {
    fn segment(&mut self) -> Result<Traces, ZkvmError> {
        let cap = 1usize << self.log_segment;
        let mut steps: Vec<Step> = Vec::with_capacity(cap.min(1 << 16));
        while steps.len() < cap && self.machine.halted().is_none() {
            if self.machine.cycles() >= self.max_cycles {
                return Err(VmError::CycleLimit {
                    limit: self.max_cycles,
                    pc: self.machine.pc(),
                }
                .into());
            }
            match self.machine.step()? {
                Some(s) => steps.push(s),
                None => break,
            }
        }
        let exit = self.machine.halted();
        let last = *steps.last().expect("a segment starts before the halt");
        let n = steps.len().next_power_of_two().max(2);
        let start = self.next;
        let mut b = Builder::new(&self.ctx, &self.values, n, start.input, start.output);
        for k in 0..n {
            let step = steps.get(k).unwrap_or(&last);
            let next_pc = match steps.get(k + 1) {
                Some(s) => s.pc,
                None if exit.is_some() => last.pc,
                None => self.machine.pc(),
            };
            b.row(k as u64, step, next_pc)?;
        }
        super::invert_column(&mut b.cpu, WIDTH, INV);
        let alu_rows = b.alu.len().next_power_of_two().max(2);
        b.alu.resize(alu_rows, (None, 0, 0, 0));
        // Unreachable: requests are checked against their table as they arrive.
        let refused = |table: &str| ZkvmError::Claim(format!("the {table} table refused a row"));
        let alu_fill = |row: &mut [Goldilocks], (op, x, y, m): Request, c: &mut Counts| {
            alu::fill_row(row, op, x, y, m, c)
        };
        let alu_trace =
            rows_of(&b.alu, alu::WIDTH, alu_fill, &mut b.counts).ok_or_else(|| refused("ALU"))?;
        let mul_fill = |row: &mut [Goldilocks], (op, x, y, m): Request, c: &mut Counts| {
            mul::fill_row(row, op?, x, y, m, c)
        };
        let mut mul_trace = rows_of(&b.mul, mul::WIDTH, mul_fill, &mut b.counts)
            .ok_or_else(|| refused("multiply"))?;
        mul::finish(&mut mul_trace, &mut b.counts);
        let ls_rows = (b.loadstore.len() / loadstore::WIDTH)
            .next_power_of_two()
            .max(2);
        b.loadstore
            .resize(ls_rows * loadstore::WIDTH, Goldilocks::ZERO);
        // The words accessed (a nonzero last timestamp), their final timestamps, and the
        // memory carried to the next segment.
        let mut touched = Vec::new();
        let mut stamps = Vec::new();
        for (i, &(after, ts)) in b.state.iter().enumerate() {
            if ts > 0 {
                let before = self.values[i];
                touched.push(Touched {
                    index: i as u32,
                    before,
                    after,
                });
                stamps.push(g(ts));
            }
        }
        let indices: Vec<usize> = touched.iter().map(|t| t.index as usize).collect();
        let siblings = self.tree.siblings(&indices);
        for t in &touched {
            if t.after != t.before {
                self.values[t.index as usize] = t.after;
                self.tree.set(&self.ctx.image, t.index as usize, t.after);
            }
        }
        let end = Boundary {
            pc: if exit.is_some() {
                last.pc
            } else {
                self.machine.pc()
            },
            input: b.in_idx,
            output: b.out_idx,
            memory: self.tree.root(),
        };
        self.next = end;
        let segment = SegmentClaim {
            tag: self.tag,
            start,
            end,
            cycles: steps.len() as u64,
            halted: exit.is_some(),
            exit_code: exit.unwrap_or(0),
            output: std::mem::take(&mut b.output),
            memory: touched,
            siblings,
        };
        let st = Statement::new(&self.ctx, &segment)?;
        stamps.resize(1 << st.memory.log_rows(), Goldilocks::ZERO);
        let column = Counts::column;
        Ok(Traces {
            tables: vec![
                b.cpu,
                column(&b.program),
                stamps,
                column(&b.input),
                vec![Goldilocks::ZERO; 1 << st.output.log_rows()],
                alu_trace,
                mul_trace,
                column(&b.counts.bitwise),
                b.counts.pairs_trace(),
                column(&b.counts.bytes),
                column(&b.counts.shift),
                std::mem::take(&mut b.loadstore),
                TagAir::trace(),
            ],
            segment,
        })
    }
}

impl Iterator for Segments<'_> {
    type Item = Result<Traces, ZkvmError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let t = self.segment();
        self.done = t.as_ref().map_or(true, |t| t.segment.halted);
        Some(t)
    }
}

/// Runs `program` on `input` and builds the traces proving the whole run as one segment (an
/// error past 2^[`MAX_LOG_CYCLES`] cycles).
pub fn traces(program: &Program, input: &[u8], max_cycles: u64) -> Result<Traces, ZkvmError> {
    let t = segments(program, input, max_cycles, MAX_LOG_CYCLES)?
        .next()
        .expect("a run has a first segment")?;
    if !t.segment.halted {
        return Err(ZkvmError::SegmentClaim(format!(
            "the run is longer than one segment (2^{MAX_LOG_CYCLES} cycles): prove it in segments"
        )));
    }
    Ok(t)
}

/// Each table's public values: the CPU's, the tag's, none for the others.
fn publics<'a>(cpu: &'a [Goldilocks], tag: &'a Digest) -> Vec<&'a [Goldilocks]> {
    (0..TABLES)
        .map(|i| match i {
            0 => cpu,
            _ if i == TABLES - 1 => &tag[..],
            _ => &[][..],
        })
        .collect()
}

/// Proves one segment's traces of a run of `program` on `input` (`honest` false: without
/// the prover's checks, for tests of the verifier).
pub fn prove_traces(
    program: &Program,
    input: &[u8],
    traces: &Traces,
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    honest: bool,
) -> Result<SegmentProof, ZkvmError> {
    let ctx = Context::new(program, input)?;
    prove_segment(&ctx, traces, config, ntt, merkle, honest, &mut |_| {})
}

/// What the prover is doing, for progress displays and per-stage timings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Running the guest to the end of segment `i` and building its traces.
    Traces(usize),
    /// Proving segment `i`: this stage begins.
    Stage(usize, Stage),
    /// Every segment is proved.
    Done,
}

impl Progress {
    /// What is being done, without the segment (none for [`Progress::Done`]).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Self::Traces(_) => Some("run and build traces"),
            Self::Stage(_, s) => Some(s.name()),
            Self::Done => None,
        }
    }
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Traces(i) | Self::Stage(i, _) => {
                write!(f, "segment {i}: {}", self.name().unwrap_or_default())
            }
            Self::Done => write!(f, "proved"),
        }
    }
}

fn prove_segment(
    ctx: &Context,
    traces: &Traces,
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    honest: bool,
    progress: &mut dyn FnMut(Stage),
) -> Result<SegmentProof, ZkvmError> {
    let st = Statement::new(ctx, &traces.segment)?;
    let airs = st.airs();
    let public = ctx.public(&traces.segment);
    let public = publics(&public, &traces.segment.tag);
    let tables: Vec<Table<'_>> = airs
        .iter()
        .zip(&traces.tables)
        .zip(&public)
        .map(|((&air, trace), &public)| Table { air, trace, public })
        .collect();
    let stark = if honest {
        prove_tables_with(&tables, config, ntt, merkle, progress)?
    } else {
        prove_tables_unchecked(&tables, config, ntt, merkle)?
    };
    Ok(SegmentProof {
        segment: traces.segment.clone(),
        stark,
    })
}

/// Runs `program` on `input` (at most `max_cycles` instructions) and proves the run in
/// segments of 2^`log_segment` cycles.
pub fn prove(
    program: &Program,
    input: &[u8],
    max_cycles: u64,
    log_segment: u32,
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
) -> Result<ZkvmProof, ZkvmError> {
    prove_bound(
        program,
        input,
        max_cycles,
        log_segment,
        Digest::default(),
        config,
        ntt,
        merkle,
    )
}

/// [`prove`], the proof bound to `tag` ([`Claim::tag`]).
#[allow(clippy::too_many_arguments)]
pub fn prove_bound(
    program: &Program,
    input: &[u8],
    max_cycles: u64,
    log_segment: u32,
    tag: Digest,
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
) -> Result<ZkvmProof, ZkvmError> {
    let job = (program, input, max_cycles, log_segment, tag);
    prove_bound_with(job, config, ntt, merkle, &mut |_| {})
}

/// [`prove_bound`] of (`program`, `input`, `max_cycles`, `log_segment`, `tag`), calling
/// `progress` as each segment's traces are built and as each of its proof's stages begins.
pub fn prove_bound_with(
    (program, input, max_cycles, log_segment, tag): (&Program, &[u8], u64, u32, Digest),
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    progress: &mut dyn FnMut(Progress),
) -> Result<ZkvmProof, ZkvmError> {
    let mut run = segments(program, input, max_cycles, log_segment)?.bound(tag);
    let mut proofs = Vec::new();
    while !run.done {
        let i = proofs.len();
        progress(Progress::Traces(i));
        let Some(t) = run.next() else { break };
        let stage = &mut |s| progress(Progress::Stage(i, s));
        proofs.push(prove_segment(
            &run.ctx, &t?, config, ntt, merkle, true, stage,
        )?);
    }
    let proof = ZkvmProof::join(program, proofs);
    progress(Progress::Done);
    proof
}

/// Checks one segment's proof of a run of `program` on `input` and returns where it ends
/// (its start is the caller's to chain).
pub fn verify_segment(
    program: &Program,
    input: &[u8],
    proof: &SegmentProof,
    config: &StarkConfig,
) -> Result<Boundary, ZkvmError> {
    let ctx = Context::new(program, input)?;
    check_segment(&ctx, proof, config, &mut KeyCache::default())?;
    Ok(proof.segment.end)
}

/// Checks one segment's proof; `keys` holds the preprocessed commitments of the run's
/// segments checked before.
fn check_segment(
    ctx: &Context,
    proof: &SegmentProof,
    config: &StarkConfig,
    keys: &mut KeyCache,
) -> Result<(), ZkvmError> {
    let s = &proof.segment;
    let claim = |m: String| Err(ZkvmError::Claim(m));
    if s.cycles == 0 || s.cycles > 1 << MAX_LOG_CYCLES {
        return claim(format!("a segment of {} cycles", s.cycles));
    }
    if !s.halted && (!s.cycles.is_power_of_two() || s.cycles < 2 || s.exit_code != 0) {
        return claim(format!(
            "a segment that does not halt runs a power of two of cycles (at least 2) with exit code 0, not {} with {}",
            s.cycles, s.exit_code
        ));
    }
    if s.end.output.checked_sub(s.start.output) != Some(s.output.len() as u64) {
        return claim("the segment's output does not span its output counters".into());
    }
    if s.end.input < s.start.input {
        return claim("the segment's input counter goes back".into());
    }
    let (before, after) =
        image::roots(&ctx.image, &s.memory, &s.siblings).map_err(ZkvmError::Claim)?;
    if before != s.start.memory || after != s.end.memory {
        return claim("the touched words do not connect the segment's memory roots".into());
    }
    let st = Statement::new(ctx, s)?;
    let airs = st.airs();
    if proof.stark.tables.len() != airs.len() {
        return claim(format!(
            "{} tables, the statement has {}",
            proof.stark.tables.len(),
            airs.len()
        ));
    }
    // The CPU table covers the cycles; the statement fixes the other preprocessed tables'
    // sizes; the ALU, multiply and load/store tables are at most as long as the CPU table.
    let cpu_rows = s.cycles.next_power_of_two().max(2).trailing_zeros();
    let mut sizes = Vec::with_capacity(airs.len());
    for (i, (&air, fixed)) in airs.iter().zip(st.fixed_sizes()).enumerate() {
        let stated = proof.stark.tables[i].log_rows;
        let size = match (i, fixed) {
            (0, _) => cpu_rows,
            (_, Some(s)) => s,
            (_, None) if (1..=cpu_rows).contains(&stated) => stated,
            _ => return claim(format!("table {} of 2^{stated} rows", air.name())),
        };
        sizes.push((air, size));
    }
    let key = VerifyingKey::new_cached(&sizes, config, keys)?;
    let public = ctx.public(s);
    let publics = publics(&public, &s.tag);
    let statement: Vec<(&dyn Air, &[Goldilocks])> = airs.iter().copied().zip(publics).collect();
    verify_tables_with_key(&statement, config, &proof.stark, &key)?;
    Ok(())
}

/// Checks that `proof` proves a run of `program` on `input` that halted with the claim's exit
/// code and output after its cycles, bound to the claim's tag: each segment's proof holds,
/// each starts where the one before ended (the first at the program's entry with its memory
/// image), and only the last halts.
pub fn verify(
    program: &Program,
    input: &[u8],
    proof: &ZkvmProof,
    config: &StarkConfig,
) -> Result<(), ZkvmError> {
    let claim = &proof.claim;
    if claim.program != program.digest() {
        return Err(ZkvmError::Claim("the proof is for another program".into()));
    }
    let ctx = Context::new(program, input)?;
    let mut at = Boundary::start(program, &ctx.image);
    let (mut cycles, mut output) = (0u64, Vec::new());
    let mut keys = KeyCache::default();
    let n = proof.segments.len();
    if n == 0 {
        return Err(ZkvmError::Claim("no segments".into()));
    }
    for (i, p) in proof.segments.iter().enumerate() {
        let s = &p.segment;
        if s.tag != claim.tag {
            return Err(ZkvmError::Claim(format!(
                "segment {i} is bound to another tag"
            )));
        }
        if s.start != at {
            return Err(ZkvmError::Claim(format!(
                "segment {i} does not start where the run was"
            )));
        }
        if s.halted != (i + 1 == n) {
            return Err(ZkvmError::Claim(format!(
                "segment {i} of {n} {} halt",
                if s.halted { "does" } else { "does not" }
            )));
        }
        check_segment(&ctx, p, config, &mut keys)?;
        at = s.end;
        cycles += s.cycles;
        output.extend_from_slice(&s.output);
    }
    let last = &proof.segments[n - 1].segment;
    if claim.cycles != cycles || claim.output != output || claim.exit_code != last.exit_code {
        return Err(ZkvmError::Claim(
            "the claim is not what the segments prove".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guest(name: &str) -> Program {
        let path = format!("{}/guests/bin/{name}.elf", env!("CARGO_MANIFEST_DIR"));
        Program::from_elf(&std::fs::read(path).unwrap()).unwrap()
    }

    /// The ALU and multiply tables hold each distinct request once, and the bus balances
    /// exactly (not only at a random point): each request tuple's multiplicities, the CPU's
    /// sends less the tables' receives, sum to zero.
    #[test]
    fn repeated_requests_share_a_row() {
        let bigmul: Vec<u8> = [3u32, 7, 0xffff_ffff, 5, 9, 0x8000_0000, 1]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        for (name, input) in [("sha256", vec![0x5a; 70]), ("bigmul", bigmul)] {
            let t = traces(&guest(name), &input, 1 << 20).unwrap();
            let airs: [(&dyn Air, usize); 3] = [(&CpuAir, 0), (&AluAir, 5), (&MulAir, 6)];
            let mut balance: HashMap<Vec<u64>, Goldilocks> = HashMap::new();
            let (mut requests, mut rows) = (0u64, 0usize);
            for (air, table) in airs {
                let lookups: Vec<_> = air
                    .lookups()
                    .into_iter()
                    .filter(|l| l.bus == alu::ALU)
                    .collect();
                assert_eq!(lookups.len(), 1);
                let (l, w) = (&lookups[0], air.width());
                for row in t.tables[table].chunks_exact(w) {
                    let m: Goldilocks = l.multiplicity.eval(row, &[]);
                    if m == Goldilocks::ZERO {
                        continue;
                    }
                    let tuple = l.values.iter().map(|v| v.eval(row, &[]).as_canonical_u64());
                    *balance.entry(tuple.collect()).or_insert(Goldilocks::ZERO) += m;
                    if table == 0 {
                        requests += m.as_canonical_u64();
                    } else {
                        rows += 1;
                    }
                }
            }
            assert!(
                balance.values().all(|&m| m == Goldilocks::ZERO),
                "{name}: unbalanced"
            );
            assert_eq!(rows, balance.len(), "{name}: a request in two rows");
            assert!(
                (rows as u64) < requests,
                "{name}: {rows} rows for {requests} requests"
            );
        }
    }

    /// Whether the CPU's every-row constraints vanish on `local` (followed by `next`).
    fn every_row_holds(local: &[Goldilocks], next: &[Goldilocks], public: &[Goldilocks]) -> bool {
        use crate::stark::{Constraints, Ext, eval_row};
        let mut c = Constraints::new(Ext::new(g(0x1234_5678_9abc_def1), g(77)));
        eval_row(&CpuAir, &mut c, [local, next], [&[], &[]], public);
        c.every == Ext::ZERO
    }

    /// What the ALU request's (rs1, rs2 + IMM) and the columns it replaced rely on: an
    /// instruction with an immediate names x0 as rs2; a compare branch's EQ is its ALU result
    /// (flipped, with the next pc made to agree, the row fails); a store writes the register
    /// it read through the rd access back unchanged (another value fails).
    #[test]
    fn operands_branches_and_stores_are_bound_in_the_row() {
        let sort: Vec<u8> = (0..64u32)
            .flat_map(|i| (i.wrapping_mul(0x9e37_79b9) ^ 0x5bd1_e995).to_le_bytes())
            .collect();
        let on = |r: &[Goldilocks], k: usize| r[k] == Goldilocks::ONE;
        let (mut branches, mut stores) = (0, 0);
        for (name, input) in [("sha256", vec![0x5a; 70]), ("sort", sort)] {
            let program = guest(name);
            let t = traces(&program, &input, 1 << 20).unwrap();
            let public = Context::new(&program, &input).unwrap().public(&t.segment);
            let rows: Vec<&[Goldilocks]> = t.tables[0].chunks_exact(WIDTH).collect();
            for (i, row) in rows.iter().enumerate() {
                if row[IMM] != Goldilocks::ZERO {
                    assert_eq!(
                        row[RS2],
                        Goldilocks::ZERO,
                        "row {i}: an immediate beside rs2"
                    );
                }
                let next = rows[(i + 1) % rows.len()];
                assert!(every_row_holds(row, next, &public), "row {i}: honest row");
                let mut bad = row.to_vec();
                if (on(row, BR_IF) || on(row, BR_UNLESS)) && on(row, USE_ALU) {
                    branches += 1;
                    bad[EQ] = Goldilocks::ONE - row[EQ];
                    let taken = on(&bad, BR_IF) == on(&bad, EQ);
                    bad[NEXT_PC] = row[PC] + if taken { row[OFF] } else { g(4) };
                    assert!(
                        !every_row_holds(&bad, next, &public),
                        "row {i}: flipped branch"
                    );
                } else if on(row, STORE) {
                    stores += 1;
                    assert_eq!(
                        row[RDV], row[RD_OLD],
                        "row {i}: a store changed its register"
                    );
                    bad[RDV] += Goldilocks::ONE;
                    assert!(!every_row_holds(&bad, next, &public), "row {i}: store");
                }
            }
        }
        assert!(
            branches > 100 && stores > 100,
            "{branches} branches, {stores} stores"
        );
    }
}
