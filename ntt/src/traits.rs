use carbide_field::TwoAdicField;

use crate::error::NttError;
use crate::util::{
    bit_reverse_rows, lde_shape, log_rows, reverse_rows_tail, scale_all, scale_rows_by_powers,
    size_inverse, try_vec,
};

/// The NTT capability: transforms of every column of a row-major batch (`width` columns, a
/// power-of-two number of rows), in place and in natural order. One required method; the
/// inverse, coset and low-degree-extension variants have defaults in terms of it.
///
/// The forward transform of a column `a` is `out[i] = Σ_j a_j·ω^(i·j)` with ω =
/// `F::two_adic_generator(log2 rows)`: the root ark-poly and plonky2 use, so outputs are
/// bit-identical to theirs. Every method checks the shape first and changes nothing on error.
pub trait Ntt<F: TwoAdicField>: Sync {
    /// Forward NTT of each column, in place.
    fn ntt_batch(&self, values: &mut [F], width: usize) -> Result<(), NttError>;

    /// Inverse NTT of each column, in place, including the 1/n scaling.
    fn intt_batch(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        let log_n = log_rows::<F>(values.len(), width)?;
        self.ntt_batch(values, width)?;
        // Σ_i out_i·ω^(i·j) = n·a_(−j mod n): the forward transform, rows 1.. reversed, over n.
        reverse_rows_tail(values, width);
        scale_all(values, size_inverse::<F>(log_n)?);
        Ok(())
    }

    /// [`Self::ntt_batch`] of columns whose rows arrive in bit-reversed order (row i holds
    /// coefficient `reverse_bits(i)`); the output is in natural order.
    fn ntt_batch_bitrev_input(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        let log_n = log_rows::<F>(values.len(), width)?;
        bit_reverse_rows(values, width, log_n);
        self.ntt_batch(values, width)
    }

    /// [`Self::ntt_batch`] with the output rows in bit-reversed order (row i holds the
    /// evaluation at ω^reverse_bits(i)), as FRI folding wants them.
    fn ntt_batch_bitrev_output(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        let log_n = log_rows::<F>(values.len(), width)?;
        self.ntt_batch(values, width)?;
        bit_reverse_rows(values, width, log_n);
        Ok(())
    }

    /// Evaluations on the coset `shift·H` of the columns' coefficients: row i becomes
    /// `Σ_j a_j·(shift·ω^i)^j`.
    fn coset_ntt_batch(&self, values: &mut [F], width: usize, shift: F) -> Result<(), NttError> {
        log_rows::<F>(values.len(), width)?;
        scale_rows_by_powers(values, width, shift);
        self.ntt_batch(values, width)
    }

    /// [`Self::coset_ntt_batch`] with the output rows in bit-reversed order (row i holds the
    /// evaluation at shift·ω^reverse_bits(i)): Merkle leaves in FRI's order.
    fn coset_ntt_batch_bitrev_output(
        &self,
        values: &mut [F],
        width: usize,
        shift: F,
    ) -> Result<(), NttError> {
        let log_n = log_rows::<F>(values.len(), width)?;
        self.coset_ntt_batch(values, width, shift)?;
        bit_reverse_rows(values, width, log_n);
        Ok(())
    }

    /// Coefficients of the columns from their evaluations on `shift·H`; `shift` must be
    /// non-zero.
    fn coset_intt_batch(&self, values: &mut [F], width: usize, shift: F) -> Result<(), NttError> {
        let shift_inv = shift.try_inverse().ok_or(NttError::ZeroShift)?;
        self.intt_batch(values, width)?;
        scale_rows_by_powers(values, width, shift_inv);
        Ok(())
    }

    /// Low-degree extension: from the columns' evaluations on the subgroup H of size n, their
    /// evaluations on the coset `shift·H'` with |H'| = n·2^added_bits (the STARK commit path).
    /// Returns a new row-major batch of n·2^added_bits rows; `shift` must be non-zero.
    fn coset_lde_batch(
        &self,
        evals: &[F],
        width: usize,
        added_bits: usize,
        shift: F,
    ) -> Result<Vec<F>, NttError> {
        let (_, total) = lde_shape::<F>(evals.len(), width, added_bits)?;
        if shift.is_zero() {
            return Err(NttError::ZeroShift);
        }
        let mut coeffs = try_vec(total)?;
        coeffs.extend_from_slice(evals);
        self.intt_batch(&mut coeffs, width)?;
        coeffs.resize(total, F::ZERO);
        self.coset_ntt_batch(&mut coeffs, width, shift)?;
        Ok(coeffs)
    }

    /// [`Self::coset_lde_batch`] with the output rows in bit-reversed order (row i holds the
    /// evaluation at shift·ω^reverse_bits(i)): a STARK's committed extension in one call,
    /// through the backend's fused extension.
    fn coset_lde_batch_bitrev_output(
        &self,
        evals: &[F],
        width: usize,
        added_bits: usize,
        shift: F,
    ) -> Result<Vec<F>, NttError> {
        let mut out = self.coset_lde_batch(evals, width, added_bits, shift)?;
        let log_big = log_rows::<F>(out.len(), width)?;
        bit_reverse_rows(&mut out, width, log_big);
        Ok(out)
    }
}
