//! A table that binds a digest (a market task's, say) into a proof: its public values are the
//! digest, which the transcript absorbs with every public value, so a proof made under one tag
//! does not verify under another. Its one column is zero on its two rows.

use carbide_field::{Field, Goldilocks};

use super::{Air, Fold, Frame, GenericAir, Value};

/// Elements of a tag (a Poseidon digest).
pub const TAG_LEN: usize = 4;

/// The tag table.
#[derive(Clone, Copy, Debug, Default)]
pub struct TagAir;

impl TagAir {
    /// Its trace: two zero rows.
    pub fn trace() -> Vec<Goldilocks> {
        vec![Goldilocks::ZERO; 2]
    }

    /// Its size, log₂.
    pub const LOG_ROWS: u32 = 1;
}

impl GenericAir for TagAir {
    #[inline(always)]
    fn constraints<V: Value, F: Fold<V>>(
        &self,
        f: &Frame<'_, V>,
        _public: &[Goldilocks],
        out: &mut F,
    ) {
        out.every_row(f.local[0]);
    }
}

impl Air for TagAir {
    fn name(&self) -> &str {
        "tag"
    }

    fn width(&self) -> usize {
        1
    }

    fn num_public_values(&self) -> usize {
        TAG_LEN
    }

    fn constraint_degree(&self) -> usize {
        1
    }

    crate::generic_evals!();
}
