//! The reference: each term by double-and-add over the scalar's bits, summed. Slow and
//! obviously right; tests compare the fast paths against it.

use ark_ec::AdditiveGroup;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::{BigInteger, PrimeField};

use crate::error::MsmError;
use crate::traits::{Msm, check_lengths};

/// `Σ sᵢ·Pᵢ` term by term, by double-and-add.
#[derive(Clone, Copy, Debug, Default)]
pub struct NaiveMsm;

impl<P: SWCurveConfig> Msm<P> for NaiveMsm {
    fn msm(
        &self,
        bases: &[Affine<P>],
        scalars: &[P::ScalarField],
    ) -> Result<Projective<P>, MsmError> {
        check_lengths(bases.len(), scalars.len())?;
        let mut total = Projective::<P>::ZERO;
        for (base, scalar) in bases.iter().zip(scalars) {
            let bits = scalar.into_bigint().to_bits_be();
            let mut acc = Projective::<P>::ZERO;
            for bit in bits {
                acc.double_in_place();
                if bit {
                    acc += base;
                }
            }
            total += acc;
        }
        Ok(total)
    }
}
