use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};

use crate::error::MsmError;

/// The MSM capability: `Σ scalars[i]·bases[i]`. One required method; batches by default run
/// one after another.
pub trait Msm<P: SWCurveConfig>: Sync {
    /// `Σ scalars[i]·bases[i]`; equal lengths required (empty gives the identity).
    fn msm(
        &self,
        bases: &[Affine<P>],
        scalars: &[P::ScalarField],
    ) -> Result<Projective<P>, MsmError>;

    /// One MSM per scalar vector, all over the same bases.
    fn msm_batch(
        &self,
        bases: &[Affine<P>],
        scalar_sets: &[&[P::ScalarField]],
    ) -> Result<Vec<Projective<P>>, MsmError> {
        scalar_sets.iter().map(|s| self.msm(bases, s)).collect()
    }
}

/// Refuses unequal lengths.
pub(crate) fn check_lengths(bases: usize, scalars: usize) -> Result<(), MsmError> {
    if bases == scalars {
        Ok(())
    } else {
        Err(MsmError::LengthMismatch { bases, scalars })
    }
}
