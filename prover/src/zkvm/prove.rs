//! Proving and verifying a program's execution: the executor's steps become the CPU table's
//! rows (memory timestamps tracked as they go), the ALU and multiply tables' rows and the
//! lookup tables' multiplicities; eleven tables in one STARK proof.

use carbide_field::merkle::MerkleHasher;
use carbide_field::poseidon::Digest;
use carbide_field::{Field, Goldilocks};
use carbide_ntt::Ntt;
use thiserror::Error;

use super::VmError;
use super::alu::{self, AluAir, BytePairsAir, Counts};
use super::cpu::{self, *};
use super::decode::Op;
use super::elf::Program;
use super::machine::{Execution, Machine, Step};
use super::mul::{self, MulAir, ShiftAir};
use super::tables::{Code, MemoryAir, StreamAir};
use crate::stark::{
    Air, ByteRangeAir, ProveError, StarkConfig, StarkProof, Table, VerifyError, VerifyingKey,
    prove_tables, prove_tables_unchecked, verify_tables_with_key,
};

/// The most cycles one proof covers (timestamps stay below 2^24, three bytes).
pub const MAX_LOG_CYCLES: u32 = 22;

/// Why a program could not be proved or its proof was rejected.
#[derive(Debug, Error)]
pub enum ZkvmError {
    /// Loading or running the program failed.
    #[error(transparent)]
    Vm(#[from] VmError),
    /// The program executed an instruction the proof does not cover.
    #[error("{op:?} at pc {pc:#010x} is not covered by the proof (signed division is not yet)")]
    Uncovered {
        /// Where.
        pc: u32,
        /// Which.
        op: Op,
    },
    /// More cycles than one proof covers.
    #[error("{cycles} cycles: one proof covers at most 2^{MAX_LOG_CYCLES}")]
    TooLong {
        /// The run's cycles.
        cycles: u64,
    },
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
    /// The exit code.
    pub exit_code: u32,
    /// Instructions executed, the halting `ecall` included.
    pub cycles: u64,
    /// The public output.
    pub output: Vec<u8>,
}

/// A proof of a run.
#[derive(Clone, Debug)]
pub struct ZkvmProof {
    /// What it proves.
    pub claim: Claim,
    /// The STARK proof of the eleven tables.
    pub stark: StarkProof,
}

/// The eleven traces of one run, in the statement's order.
#[derive(Clone, Debug)]
pub struct Traces {
    /// CPU, program, memory, input, output, ALU, multiply, bitwise, byte pairs, bytes, shift.
    pub tables: Vec<Vec<Goldilocks>>,
    /// The CPU table's public values.
    pub public: [Goldilocks; cpu::PUBLIC],
    /// The run.
    pub execution: Execution,
}

/// The statement's tables, in order, for a program, input and output.
struct Statement {
    cpu: CpuAir,
    code: Code,
    memory: MemoryAir,
    input: StreamAir,
    output: StreamAir,
}

impl Statement {
    fn new(program: &Program, input: &[u8], output: &[u8]) -> Result<Self, VmError> {
        Ok(Self {
            cpu: CpuAir {
                entry: program.entry,
            },
            code: Code::new(program),
            memory: MemoryAir::new(program)?,
            input: StreamAir::input(input),
            output: StreamAir::output(output),
        })
    }

    fn airs(&self) -> [&dyn Air; 11] {
        [
            &self.cpu,
            &self.code.air,
            &self.memory,
            &self.input,
            &self.output,
            &AluAir,
            &MulAir,
            &BytePairsAir { bitwise: true },
            &BytePairsAir { bitwise: false },
            &ByteRangeAir,
            &ShiftAir,
        ]
    }

    /// Sizes of the tables fixed by the statement (the others `None`).
    fn fixed_sizes(&self) -> [Option<u32>; 11] {
        [
            None,
            Some(self.code.air.log_rows()),
            Some(self.memory.log_rows()),
            Some(self.input.log_rows()),
            Some(self.output.log_rows()),
            None,
            None,
            Some(16),
            Some(16),
            Some(8),
            Some(9),
        ]
    }
}

fn g(x: u64) -> Goldilocks {
    Goldilocks::new(x)
}

/// Builds the CPU rows and everything they request, tracking each memory word's last value
/// and timestamp.
struct Builder<'a> {
    code: &'a Code,
    memory: &'a MemoryAir,
    /// Per memory row: value, timestamp of the last access.
    state: Vec<(u32, u64)>,
    registers: [usize; 32],
    cpu: Vec<Goldilocks>,
    alu: Vec<Goldilocks>,
    mul: Vec<Goldilocks>,
    program: Vec<u64>,
    input: Vec<u64>,
    counts: Counts,
    in_idx: u64,
    out_idx: u64,
    live: bool,
    count: u64,
}

impl<'a> Builder<'a> {
    fn new(code: &'a Code, memory: &'a MemoryAir, rows: usize, input_rows: usize) -> Self {
        let state = (0..memory.len()).map(|r| (memory.initial(r), 0)).collect();
        let registers = core::array::from_fn(|i| {
            memory
                .row_of(REGISTERS + i as u64)
                .expect("the image holds the registers")
        });
        Self {
            code,
            memory,
            state,
            registers,
            cpu: Vec::with_capacity(rows * WIDTH),
            alu: Vec::new(),
            mul: Vec::new(),
            program: vec![0; 1 << code.air.log_rows()],
            input: vec![0; input_rows],
            counts: Counts::default(),
            in_idx: 0,
            out_idx: 0,
            live: true,
            count: 0,
        }
    }

    /// Reads and writes memory row `r` at timestamp `ts`: (old value, previous timestamp).
    fn access(&mut self, r: usize, value: u32, ts: u64) -> (u32, u64) {
        let old = self.state[r];
        self.state[r] = (value, ts);
        old
    }

    fn put_diff(row: &mut [Goldilocks], slot: usize, ts: u64, prev: u64) {
        let d = ts - prev - 1;
        for i in 0..3 {
            row[DIFF + 3 * slot + i] = g(d >> (8 * i) & 255);
        }
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
        let start = self.cpu.len();
        self.cpu.resize(start + WIDTH, Goldilocks::ZERO);
        let row = &mut self.cpu[start..];
        row[..FIELDS].copy_from_slice(&fields);
        let f = |k: usize| fields[k].as_canonical_u64();
        let on = |k: usize| f(k) == 1;
        row[CLK] = g(clk);
        row[NEXT_PC] = g(u64::from(next_pc));
        let ts = |s: u64| 4 * clk + s + 1;
        let (rs1, rs2, rd) = (f(RS1) as usize, f(RS2) as usize, f(RD) as usize);
        let (r1, r2, r3) = (self.registers[rs1], self.registers[rs2], self.registers[rd]);
        let rs1v = self.state[r1].0;
        let (_, prev) = self.access(r1, rs1v, ts(0));
        let row = &mut self.cpu[start..];
        row[RS1V] = g(u64::from(rs1v));
        row[PREV] = g(prev);
        Self::put_diff(row, 0, ts(0), prev);
        let rs2v = self.state[r2].0;
        let (_, prev) = self.access(r2, rs2v, ts(1));
        let row = &mut self.cpu[start..];
        row[RS2V] = g(u64::from(rs2v));
        row[PREV + 1] = g(prev);
        Self::put_diff(row, 1, ts(1), prev);
        // The ALU request.
        let pc = step.pc;
        let x = if on(X_PC) { pc } else { rs1v };
        let y = if on(Y_IMM) { f(IMM) as u32 } else { rs2v };
        let out = match alu_op {
            Some(op) => {
                let out = super::machine::alu(op, x, y);
                if alu::push_row(&mut self.alu, Some(op), x, y, 1, &mut self.counts).is_none() {
                    mul::push_row(&mut self.mul, op, x, y, 1, &mut self.counts)
                        .ok_or(ZkvmError::Uncovered { pc, op })?;
                }
                out
            }
            None => 0,
        };
        let row = &mut self.cpu[start..];
        row[ALU_X] = g(u64::from(x));
        row[ALU_Y] = g(u64::from(y));
        row[ALU_OUT] = g(u64::from(out));
        let diff = g(u64::from(rs1v)) - g(u64::from(rs2v));
        row[EQ] = g(u64::from(rs1v == rs2v));
        row[INV] = diff.try_inverse().unwrap_or(Goldilocks::ZERO);
        let cond = (on(BEQ) && rs1v == rs2v)
            || (on(BNE) && rs1v != rs2v)
            || (on(BLT) && out == 1)
            || (on(BGE) && out == 0);
        row[COND] = g(u64::from(cond));
        if on(JALR) {
            row[LOWBIT] = g(u64::from(out & 1));
        }
        // Memory.
        let (lb, lbu, lh, lhu, lw, sb, sh, sw) = (
            on(LB),
            on(LBU),
            on(LH),
            on(LHU),
            on(LW),
            on(SB),
            on(SH),
            on(SW),
        );
        let mut ldv = 0u32;
        if lb || lbu || lh || lhu || lw || sb || sh || sw {
            let (word, pos) = (u64::from(out / 4), (out % 4) as usize);
            let r = self
                .memory
                .row_of(word)
                .ok_or(VmError::OutOfBounds { pc, addr: out })?;
            let old = self.state[r].0;
            let ob = old.to_le_bytes();
            let byte = u32::from(ob[pos]);
            let half = if pos < 3 {
                u32::from(ob[pos]) | u32::from(ob[pos + 1]) << 8
            } else {
                0
            };
            let shift = 8 * pos as u32;
            let new = if sw {
                rs2v
            } else if sb {
                old & !(0xff << shift) | (rs2v & 0xff) << shift
            } else if sh {
                old & !(0xffff << shift) | (rs2v & 0xffff) << shift
            } else {
                old
            };
            let (_, prev) = self.access(r, new, ts(2));
            let row = &mut self.cpu[start..];
            row[MEM_ADDR] = g(word);
            row[NEW] = g(u64::from(new));
            row[PREV + 2] = g(prev);
            Self::put_diff(row, 2, ts(2), prev);
            for i in 0..4 {
                row[OB + i] = g(u64::from(ob[i]));
            }
            row[P + pos] = Goldilocks::ONE;
            row[LD_BYTE] = g(u64::from(byte));
            let (ld_half, hb) = match pos {
                0 => (u32::from(ob[0]) | u32::from(ob[1]) << 8, ob[1]),
                2 => (u32::from(ob[2]) | u32::from(ob[3]) << 8, ob[3]),
                _ => (0, 0),
            };
            row[LD_HALF] = g(u64::from(ld_half));
            row[HB] = g(u64::from(hb));
            let src = if lb {
                byte
            } else if lh {
                u32::from(hb)
            } else {
                0
            };
            let sgn = (lb || lh) && src >> 7 == 1;
            row[SGN_SRC] = g(u64::from(src));
            row[SGN] = g(u64::from(sgn));
            if lb || lh {
                self.counts.byte(u64::from(2 * src) - 256 * u64::from(sgn));
            }
            ldv = if lw {
                old
            } else if lb {
                byte as u8 as i8 as i32 as u32
            } else if lbu {
                byte
            } else if lh {
                half as u16 as i16 as i32 as u32
            } else if lhu {
                half
            } else {
                0
            };
            row[LDV] = g(u64::from(ldv));
            if sb || sh {
                let rb = rs2v.to_le_bytes();
                for i in 0..4 {
                    row[RB + i] = g(u64::from(rb[i]));
                }
                self.counts.pair(u64::from(rb[0]), u64::from(rb[1]));
                self.counts.pair(u64::from(rb[2]), u64::from(rb[3]));
                let delta = if sb {
                    g(u64::from(rb[0])) - g(u64::from(byte))
                } else {
                    g(u64::from(rb[0]) | u64::from(rb[1]) << 8) - g(u64::from(ld_half))
                };
                row[ST_DELTA] = delta;
            }
            self.counts.pair(u64::from(ob[0]), u64::from(ob[1]));
            self.counts.pair(u64::from(ob[2]), u64::from(ob[3]));
        } else {
            self.counts.pair(0, 0);
            self.counts.pair(0, 0);
        }
        // System calls.
        let row = &mut self.cpu[start..];
        row[IN_IDX] = g(self.in_idx);
        row[OUT_IDX] = g(self.out_idx);
        let mut rdv = step.rd_value;
        if on(ECALL) {
            let (which, value) = match rs2v {
                0 => (SYS_HALT, rs1v),
                1 => (SYS_READ, step.rd_value),
                2 => (SYS_WRITE, rs1v),
                _ => (SYS_LEN, step.rd_value),
            };
            row[which] = Goldilocks::ONE;
            row[SYSV] = g(u64::from(value));
            rdv = value;
            if which == SYS_READ {
                row[IN_WORD] = g(u64::from(value));
                if let Some(m) = self.input.get_mut(self.in_idx as usize) {
                    *m += 1;
                }
                self.in_idx += 1;
            } else if which == SYS_WRITE {
                self.out_idx += 1;
            }
        }
        if on(WR_LOAD) {
            debug_assert_eq!(ldv, step.rd_value);
        }
        // rd.
        let (rd_old, prev) = self.access(r3, rdv, ts(3));
        let row = &mut self.cpu[start..];
        row[RD_OLD] = g(u64::from(rd_old));
        row[RDV] = g(u64::from(rdv));
        row[PREV + 3] = g(prev);
        Self::put_diff(row, 3, ts(3), prev);
        // Counters.
        if self.live {
            self.count += 1;
        }
        row[LIVE] = g(u64::from(self.live));
        row[COUNT] = g(self.count);
        if row[SYS_HALT] == Goldilocks::ONE {
            self.live = false;
        }
        for s in 0..4 {
            let d = |i: usize| row[DIFF + 3 * s + i].as_canonical_u64();
            self.counts.pair(d(0), d(1));
        }
        let d2 = |s: usize| row[DIFF + 3 * s + 2].as_canonical_u64();
        let (a, b, c, e) = (d2(0), d2(1), d2(2), d2(3));
        self.counts.pair(a, b);
        self.counts.pair(c, e);
        Ok(())
    }
}

/// Runs `program` on `input` and builds the traces proving the run.
pub fn traces(program: &Program, input: &[u8], max_cycles: u64) -> Result<Traces, ZkvmError> {
    let mut steps = Vec::new();
    let execution = Machine::new(program, input).run_with(max_cycles, &mut |s| steps.push(*s))?;
    let cycles = execution.cycles;
    if cycles > 1 << MAX_LOG_CYCLES {
        return Err(ZkvmError::TooLong { cycles });
    }
    let st = Statement::new(program, input, &execution.output)?;
    let n = steps.len().next_power_of_two().max(2);
    let input_rows = 1 << st.input.log_rows();
    let mut b = Builder::new(&st.code, &st.memory, n, input_rows);
    let last = *steps.last().expect("a run has its halting step");
    for k in 0..n {
        let step = steps.get(k).unwrap_or(&last);
        let next_pc = steps.get(k + 1).map_or(last.pc, |s| s.pc);
        b.row(k as u64, step, next_pc)?;
    }
    let alu_rows = (b.alu.len() / alu::WIDTH).next_power_of_two().max(2);
    while b.alu.len() < alu_rows * alu::WIDTH {
        alu::push_row(&mut b.alu, None, 0, 0, 0, &mut b.counts);
    }
    let mul_rows = (b.mul.len() / mul::WIDTH).next_power_of_two().max(2);
    while b.mul.len() < mul_rows * mul::WIDTH {
        mul::push_padding(&mut b.mul, &mut b.counts);
    }
    let mut memory = Vec::with_capacity(2 << st.memory.log_rows());
    for &(v, ts) in &b.state {
        memory.extend([g(u64::from(v)), g(ts)]);
    }
    memory.resize(2 << st.memory.log_rows(), Goldilocks::ZERO);
    let column = Counts::column;
    let public = [
        g(u64::from(execution.exit_code)),
        g(cycles),
        g(input.len() as u64),
        g(execution.output.len() as u64),
    ];
    Ok(Traces {
        tables: vec![
            b.cpu,
            column(&b.program),
            memory,
            column(&b.input),
            vec![Goldilocks::ZERO; 1 << st.output.log_rows()],
            b.alu,
            b.mul,
            column(&b.counts.bitwise),
            column(&b.counts.pairs),
            column(&b.counts.bytes),
            column(&b.counts.shift),
        ],
        public,
        execution,
    })
}

fn publics(public: &[Goldilocks], airs: usize) -> Vec<&[Goldilocks]> {
    (0..airs)
        .map(|i| if i == 0 { public } else { &[][..] })
        .collect()
}

/// Proves the traces of a run of `program` on `input` (`honest` false: without the prover's
/// checks, for tests of the verifier).
pub fn prove_traces(
    program: &Program,
    input: &[u8],
    traces: &Traces,
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
    honest: bool,
) -> Result<ZkvmProof, ZkvmError> {
    let st = Statement::new(program, input, &traces.execution.output)?;
    let airs = st.airs();
    let public = publics(&traces.public, airs.len());
    let tables: Vec<Table<'_>> = airs
        .iter()
        .zip(&traces.tables)
        .zip(&public)
        .map(|((&air, trace), &public)| Table { air, trace, public })
        .collect();
    let stark = if honest {
        prove_tables(&tables, config, ntt, merkle)?
    } else {
        prove_tables_unchecked(&tables, config, ntt, merkle)?
    };
    Ok(ZkvmProof {
        claim: Claim {
            program: program.digest(),
            exit_code: traces.execution.exit_code,
            cycles: traces.execution.cycles,
            output: traces.execution.output.clone(),
        },
        stark,
    })
}

/// Runs `program` on `input` (at most `max_cycles` instructions) and proves the run.
pub fn prove(
    program: &Program,
    input: &[u8],
    max_cycles: u64,
    config: &StarkConfig,
    ntt: &dyn Ntt<Goldilocks>,
    merkle: &dyn MerkleHasher,
) -> Result<ZkvmProof, ZkvmError> {
    let t = traces(program, input, max_cycles)?;
    prove_traces(program, input, &t, config, ntt, merkle, true)
}

/// Checks that `proof` proves a run of `program` on `input` that halted with the claim's exit
/// code and output after its cycles.
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
    if claim.cycles == 0 || claim.cycles > 1 << MAX_LOG_CYCLES {
        return Err(ZkvmError::Claim(format!("{} cycles claimed", claim.cycles)));
    }
    let st = Statement::new(program, input, &claim.output)?;
    let airs = st.airs();
    if proof.stark.tables.len() != airs.len() {
        return Err(ZkvmError::Claim(format!(
            "{} tables, the statement has {}",
            proof.stark.tables.len(),
            airs.len()
        )));
    }
    // The CPU table covers the cycles; the statement fixes the other preprocessed tables'
    // sizes; the ALU and multiply tables are at most as long as the CPU table.
    let cpu_rows = claim.cycles.next_power_of_two().max(2).trailing_zeros();
    let mut sizes = Vec::with_capacity(airs.len());
    for (i, (&air, fixed)) in airs.iter().zip(st.fixed_sizes()).enumerate() {
        let stated = proof.stark.tables[i].log_rows;
        let size = match (i, fixed) {
            (0, _) => cpu_rows,
            (_, Some(s)) => s,
            (_, None) if (1..=cpu_rows.max(1)).contains(&stated) => stated,
            _ => {
                return Err(ZkvmError::Claim(format!(
                    "table {} of 2^{stated} rows",
                    air.name()
                )));
            }
        };
        sizes.push((air, size));
    }
    let key = VerifyingKey::new(&sizes, config)?;
    let public = [
        g(u64::from(claim.exit_code)),
        g(claim.cycles),
        g(input.len() as u64),
        g(claim.output.len() as u64),
    ];
    let publics = publics(&public, airs.len());
    let statement: Vec<(&dyn Air, &[Goldilocks])> = airs.iter().copied().zip(publics).collect();
    verify_tables_with_key(&statement, config, &proof.stark, &key)?;
    Ok(())
}
