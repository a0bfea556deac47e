//! A two-table example with a preprocessed column and a logUp lookup: [`BytesAir`] holds
//! pairs (x, 255 − x) and sends both to bus 0; [`ByteRangeAir`] has the preprocessed column
//! 0, 1, …, 255 and receives each value as many times as its multiplicity column says. The
//! lookups balance exactly when every value sent is a byte.

use carbide_field::{Field, Goldilocks};

use super::air::{Air, Column, Constraints, Fold, Frame, GenericAir, Linear, Lookup, Value};

/// The bus byte values travel on.
const BYTES: u32 = 0;

/// Pairs (x, 255 − x), both range-checked as bytes through bus 0.
#[derive(Clone, Copy, Debug, Default)]
pub struct BytesAir;

impl Air for BytesAir {
    fn name(&self) -> &str {
        "bytes"
    }

    fn width(&self) -> usize {
        2
    }

    fn num_public_values(&self) -> usize {
        0
    }

    fn constraint_degree(&self) -> usize {
        1
    }

    crate::generic_evals!();

    fn lookups(&self) -> Vec<Lookup> {
        let one = Linear::constant(Goldilocks::ONE);
        (0..2)
            .map(|c| Lookup::send(BYTES, vec![Linear::column(Column::Main(c))], one.clone()))
            .collect()
    }
}

impl GenericAir for BytesAir {
    #[inline(always)]
    fn constraints<V: Value, F: Fold<V>>(
        &self,
        f: &Frame<'_, V>,
        _public: &[Goldilocks],
        out: &mut F,
    ) {
        out.every_row(f.local[0] + f.local[1] - V::from(Goldilocks::new(255)));
    }
}

impl BytesAir {
    /// The trace of the pairs for `xs` (padded with zeros to a power of two, at least 2).
    pub fn trace(xs: &[u64]) -> Vec<Goldilocks> {
        let n = xs.len().next_power_of_two().max(2);
        (0..n)
            .flat_map(|i| {
                let x = xs.get(i).copied().unwrap_or(0);
                [
                    Goldilocks::new(x),
                    Goldilocks::new(255) - Goldilocks::new(x),
                ]
            })
            .collect()
    }
}

/// The byte table: preprocessed 0..=255, one multiplicity column.
#[derive(Clone, Copy, Debug, Default)]
pub struct ByteRangeAir;

impl Air for ByteRangeAir {
    fn name(&self) -> &str {
        "byte-range"
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

    fn eval(&self, _f: &Frame<'_>, _public: &[Goldilocks], _out: &mut Constraints) {}

    fn preprocessed_width(&self) -> usize {
        1
    }

    fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
        (log_rows == 8).then(|| (0..256).map(Goldilocks::new).collect())
    }

    fn lookups(&self) -> Vec<Lookup> {
        vec![Lookup::receive(
            BYTES,
            vec![Linear::column(Column::Preprocessed(0))],
            Linear::column(Column::Main(0)),
        )]
    }
}

impl ByteRangeAir {
    /// The multiplicities of the values the bytes table sends (values above 255 are not
    /// counted: the lookups then do not balance).
    pub fn trace(bytes_trace: &[Goldilocks]) -> Vec<Goldilocks> {
        let mut counts = vec![0u64; 256];
        for v in bytes_trace {
            if let Some(c) = counts.get_mut(v.as_canonical_u64() as usize) {
                *c += 1;
            }
        }
        counts.into_iter().map(Goldilocks::new).collect()
    }
}
