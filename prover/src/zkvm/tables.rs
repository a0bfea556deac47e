//! The zkVM's tables fixed by the statement, all preprocessed (the verifier computes them
//! from the program, the input and the segment's claim): the program's decoded instructions,
//! the words a segment touched (each written at timestamp 0 with its value before the segment
//! and read back once with its value after, which closes the offline memory check), the input
//! words and the segment's output bytes.

use std::sync::Arc;

use carbide_field::{Field, Goldilocks};

use super::cpu::{self, FIELDS, INPUT, MEMORY, OUTPUT, PROGRAM};
use super::decode::{Op, decode};
use super::elf::Program;
use super::image::{Image, Touched};
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

/// The words a segment touched: (address, value before, value after, real) preprocessed, the
/// final timestamp in the trace. A real row sends (address, before, 0) and receives (address,
/// after, final timestamp) once, which closes the offline memory check of the segment's
/// accesses; every word the segment accesses must be in it.
#[derive(Clone, Debug)]
pub struct MemoryAir {
    rows: Arc<Vec<Goldilocks>>,
    log_rows: u32,
}

const ADDR: usize = 0;
const BEFORE: usize = 1;
const AFTER: usize = 2;
const REAL: usize = 3;

impl MemoryAir {
    /// The table of the words `touched` (checked against `image`).
    pub fn new(image: &Image, touched: &[Touched]) -> Result<Self, String> {
        image.check(touched)?;
        let rows = touched
            .iter()
            .flat_map(|t| {
                [
                    g(image.addr(t.index as usize)),
                    g(u64::from(t.before)),
                    g(u64::from(t.after)),
                    Goldilocks::ONE,
                ]
            })
            .collect();
        let (rows, log_rows) = padded(rows, 4, &[Goldilocks::ZERO; 4]);
        Ok(Self {
            rows: Arc::new(rows),
            log_rows,
        })
    }

    /// Rows, log₂.
    pub fn log_rows(&self) -> u32 {
        self.log_rows
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
    }
}

impl Air for MemoryAir {
    fn name(&self) -> &str {
        "zkvm-memory"
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
        4
    }

    fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
        (log_rows == self.log_rows).then(|| self.rows.to_vec())
    }

    fn lookups(&self) -> Vec<Lookup> {
        vec![
            Lookup::send(
                MEMORY,
                vec![pre(ADDR), pre(BEFORE), Linear::constant(Goldilocks::ZERO)],
                pre(REAL),
            ),
            Lookup::receive(MEMORY, vec![pre(ADDR), pre(AFTER), main_col(0)], pre(REAL)),
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

    /// The output's bytes `output`, the first at index `first`.
    pub fn output(output: &[u8], first: u64) -> Self {
        let rows = output
            .iter()
            .enumerate()
            .flat_map(|(i, &b)| [g(first + i as u64), g(u64::from(b)), Goldilocks::ONE])
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
