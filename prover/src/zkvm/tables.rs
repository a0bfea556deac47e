//! The zkVM's tables fixed by the statement, all preprocessed (the verifier computes them
//! from the program, the input and the claimed output): the program's decoded instructions,
//! its memory image with the registers (each word written at timestamp 0 with its initial
//! value and read back once with its final one, which closes the offline memory check), the
//! input words and the output bytes.

use std::sync::Arc;

use carbide_field::{Field, Goldilocks};

use super::VmError;
use super::cpu::{self, FIELDS, INPUT, MEMORY, OUTPUT, PROGRAM, REGISTERS};
use super::decode::{Op, decode};
use super::elf::Program;
use crate::stark::{Air, Column, Constraints, Fold, Frame, GenericAir, Linear, Lookup, Value};

fn g(x: u64) -> Goldilocks {
    Goldilocks::new(x)
}

fn pre(c: usize) -> Linear {
    Linear::column(Column::Preprocessed(c))
}

fn main_col(c: usize) -> Linear {
    Linear::column(Column::Main(c))
}

/// Preprocessed rows padded to a power of two (at least 2) with `pad`.
fn padded(mut rows: Vec<Goldilocks>, width: usize, pad: &[Goldilocks]) -> (Vec<Goldilocks>, u32) {
    let n = (rows.len() / width).next_power_of_two().max(2);
    while rows.len() < n * width {
        rows.extend_from_slice(pad);
    }
    (rows, n.trailing_zeros())
}

/// The program's instructions: one row of [`FIELDS`] per code word that is an instruction the
/// proof covers, received as often as the multiplicity column says.
#[derive(Clone, Debug)]
pub struct ProgramAir {
    rows: Arc<Vec<Goldilocks>>,
    log_rows: u32,
}

/// A program's instructions, decoded for the CPU table.
#[derive(Clone, Debug)]
pub struct Code {
    /// By pc: the fields and the ALU operation.
    pub by_pc: std::collections::HashMap<u32, (usize, [Goldilocks; FIELDS], Option<Op>)>,
    /// The instructions the proof does not cover, by pc.
    pub uncovered: std::collections::HashMap<u32, Op>,
    /// The table.
    pub air: ProgramAir,
}

impl Code {
    /// Decodes every executable word of `program`.
    pub fn new(program: &Program) -> Self {
        let mut by_pc = std::collections::HashMap::new();
        let mut uncovered = std::collections::HashMap::new();
        let mut rows = Vec::new();
        for s in program.segments.iter().filter(|s| s.executable) {
            for (k, w) in s.data.chunks_exact(4).enumerate() {
                let pc = s.vaddr + 4 * k as u32;
                let Some(ins) = decode(u32::from_le_bytes([w[0], w[1], w[2], w[3]])) else {
                    continue;
                };
                match cpu::fields(pc, &ins) {
                    Some((f, op)) => {
                        by_pc.insert(pc, (rows.len() / FIELDS, f, op));
                        rows.extend_from_slice(&f);
                    }
                    None => {
                        uncovered.insert(pc, ins.op);
                    }
                }
            }
        }
        // Padding repeats the first row (a duplicate instruction changes nothing).
        let pad: Vec<Goldilocks> = rows
            .get(..FIELDS)
            .map_or_else(|| vec![Goldilocks::ZERO; FIELDS], <[_]>::to_vec);
        let (rows, log_rows) = padded(rows, FIELDS, &pad);
        Self {
            by_pc,
            uncovered,
            air: ProgramAir {
                rows: Arc::new(rows),
                log_rows,
            },
        }
    }
}

impl ProgramAir {
    /// Rows, log₂.
    pub fn log_rows(&self) -> u32 {
        self.log_rows
    }
}

impl Air for ProgramAir {
    fn name(&self) -> &str {
        "zkvm-program"
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

    fn eval(&self, _frame: &Frame<'_>, _public: &[Goldilocks], _out: &mut Constraints) {}

    fn preprocessed_width(&self) -> usize {
        FIELDS
    }

    fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
        (log_rows == self.log_rows).then(|| self.rows.to_vec())
    }

    fn lookups(&self) -> Vec<Lookup> {
        vec![Lookup::receive(
            PROGRAM,
            (0..FIELDS).map(pre).collect(),
            main_col(0),
        )]
    }
}

/// The memory image: (address, initial value, real) preprocessed, (final value, final
/// timestamp) in the trace. A real row sends (address, initial, 0) and receives (address,
/// final, final timestamp) once: every word a program can reach is in it, once.
#[derive(Clone, Debug)]
pub struct MemoryAir {
    rows: Arc<Vec<Goldilocks>>,
    log_rows: u32,
    /// Word address → row.
    index: Arc<Vec<(u64, usize)>>,
}

const ADDR: usize = 0;
const INIT: usize = 1;
const REAL: usize = 2;

impl MemoryAir {
    /// The image of `program`'s segments (words; a segment must start on a word) and the 32
    /// registers (zero).
    pub fn new(program: &Program) -> Result<Self, VmError> {
        let mut words: Vec<(u64, u32)> = Vec::new();
        for s in &program.segments {
            if !s.vaddr.is_multiple_of(4) {
                return Err(VmError::Elf(format!(
                    "segment at {:#x} does not start on a word",
                    s.vaddr
                )));
            }
            words.extend(s.data.chunks(4).enumerate().map(|(k, c)| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                (u64::from(s.vaddr / 4) + k as u64, u32::from_le_bytes(w))
            }));
        }
        words.extend((0..32).map(|i| (REGISTERS + i, 0)));
        words.sort_unstable_by_key(|w| w.0);
        let index = words.iter().enumerate().map(|(i, w)| (w.0, i)).collect();
        let rows = words
            .iter()
            .flat_map(|&(a, v)| [g(a), g(u64::from(v)), Goldilocks::ONE])
            .collect();
        let (rows, log_rows) = padded(rows, 3, &[Goldilocks::ZERO; 3]);
        Ok(Self {
            rows: Arc::new(rows),
            log_rows,
            index: Arc::new(index),
        })
    }

    /// Rows, log₂.
    pub fn log_rows(&self) -> u32 {
        self.log_rows
    }

    /// The row of a word address.
    pub fn row_of(&self, addr: u64) -> Option<usize> {
        self.index
            .binary_search_by_key(&addr, |e| e.0)
            .ok()
            .map(|i| self.index[i].1)
    }

    /// The initial values, by row.
    pub fn initial(&self, row: usize) -> u32 {
        self.rows[3 * row + INIT].as_canonical_u64() as u32
    }

    /// Real rows (words and registers).
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Never: the registers are always there.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

impl GenericAir for MemoryAir {
    #[inline(always)]
    fn constraints<V: Value, F: Fold<V>>(
        &self,
        f: &Frame<'_, V>,
        _public: &[Goldilocks],
        out: &mut F,
    ) {
        let pad = V::from(Goldilocks::ONE) - f.preprocessed[REAL];
        out.every_row(pad * f.local[0]);
        out.every_row(pad * f.local[1]);
    }
}

impl Air for MemoryAir {
    fn name(&self) -> &str {
        "zkvm-memory"
    }

    fn width(&self) -> usize {
        2
    }

    fn num_public_values(&self) -> usize {
        0
    }

    fn constraint_degree(&self) -> usize {
        2
    }

    crate::generic_evals!();

    fn preprocessed_width(&self) -> usize {
        3
    }

    fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
        (log_rows == self.log_rows).then(|| self.rows.to_vec())
    }

    fn lookups(&self) -> Vec<Lookup> {
        vec![
            Lookup::send(
                MEMORY,
                vec![pre(ADDR), pre(INIT), Linear::constant(Goldilocks::ZERO)],
                pre(REAL),
            ),
            Lookup::receive(MEMORY, vec![pre(ADDR), main_col(0), main_col(1)], pre(REAL)),
        ]
    }
}

/// Rows (index, value, real) of the input's words or the output's bytes: the input received
/// as often as the multiplicity column says (none on padding rows), the output exactly once
/// a row.
#[derive(Clone, Debug)]
pub struct StreamAir {
    rows: Arc<Vec<Goldilocks>>,
    log_rows: u32,
    output: bool,
}

impl StreamAir {
    /// The input's words (little-endian, the last zero-padded).
    pub fn input(input: &[u8]) -> Self {
        let rows = input
            .chunks(4)
            .enumerate()
            .flat_map(|(i, c)| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                [
                    g(i as u64),
                    g(u64::from(u32::from_le_bytes(w))),
                    Goldilocks::ONE,
                ]
            })
            .collect();
        Self::new(rows, false)
    }

    /// The output's bytes.
    pub fn output(output: &[u8]) -> Self {
        let rows = output
            .iter()
            .enumerate()
            .flat_map(|(i, &b)| [g(i as u64), g(u64::from(b)), Goldilocks::ONE])
            .collect();
        Self::new(rows, true)
    }

    fn new(rows: Vec<Goldilocks>, output: bool) -> Self {
        let (rows, log_rows) = padded(rows, 3, &[Goldilocks::ZERO; 3]);
        Self {
            rows: Arc::new(rows),
            log_rows,
            output,
        }
    }

    /// Rows, log₂.
    pub fn log_rows(&self) -> u32 {
        self.log_rows
    }
}

impl GenericAir for StreamAir {
    #[inline(always)]
    fn constraints<V: Value, F: Fold<V>>(
        &self,
        f: &Frame<'_, V>,
        _public: &[Goldilocks],
        out: &mut F,
    ) {
        // The output's column is unused (zero); the input's multiplicity is zero on padding.
        let keep = if self.output {
            V::from(Goldilocks::ZERO)
        } else {
            f.preprocessed[2]
        };
        out.every_row((V::from(Goldilocks::ONE) - keep) * f.local[0]);
    }
}

impl Air for StreamAir {
    fn name(&self) -> &str {
        if self.output {
            "zkvm-output"
        } else {
            "zkvm-input"
        }
    }

    fn width(&self) -> usize {
        1
    }

    fn num_public_values(&self) -> usize {
        0
    }

    fn constraint_degree(&self) -> usize {
        2
    }

    crate::generic_evals!();

    fn preprocessed_width(&self) -> usize {
        3
    }

    fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
        (log_rows == self.log_rows).then(|| self.rows.to_vec())
    }

    fn lookups(&self) -> Vec<Lookup> {
        let (bus, mult) = if self.output {
            (OUTPUT, pre(2))
        } else {
            (INPUT, main_col(0))
        };
        vec![Lookup::receive(bus, vec![pre(0), pre(1)], mult)]
    }
}
