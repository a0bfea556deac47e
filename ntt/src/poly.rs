//! Polynomial helpers on top of the shared transform: coefficients ↔ evaluations on the
//! subgroup H of size 2^k or a coset of it, and evaluation at any point (also a point of an
//! extension field, as DEEP queries need) by Horner's rule or, from evaluations, by the
//! barycentric formula.

use carbide_field::{ExtensionField, Field, TwoAdicField};

use crate::error::NttError;
use crate::traits::Ntt;
use crate::util::{log_rows, root, size_inverse, too_large, try_vec};

/// Coefficients of the polynomial of degree < n whose values on H (|H| = n, in the order
/// ω^0, ω^1, …) are `evals`.
pub fn interpolate<F: TwoAdicField>(evals: &[F]) -> Result<Vec<F>, NttError> {
    let mut v = evals.to_vec();
    crate::intt(&mut v)?;
    Ok(v)
}

/// Coefficients from the values on the coset `shift·H`.
pub fn interpolate_coset<F: TwoAdicField>(evals: &[F], shift: F) -> Result<Vec<F>, NttError> {
    let mut v = evals.to_vec();
    crate::shared::<F>().coset_intt_batch(&mut v, 1, shift)?;
    Ok(v)
}

/// Values on the coset `shift·H` of size 2^log_n (`shift = ONE`: on H itself) of the polynomial
/// with coefficients `coeffs`, zero-padded; an error if there are more than 2^log_n of them.
pub fn evaluate_on_coset<F: TwoAdicField>(
    coeffs: &[F],
    log_n: usize,
    shift: F,
) -> Result<Vec<F>, NttError> {
    let n = 1usize
        .checked_shl(log_n as u32)
        .ok_or(too_large::<F>(log_n))?;
    log_rows::<F>(n, 1)?;
    if coeffs.len() > n {
        return Err(NttError::ShapeMismatch {
            len: coeffs.len(),
            width: 1,
        });
    }
    let mut v = try_vec(n)?;
    v.extend_from_slice(coeffs);
    v.resize(n, F::ZERO);
    crate::shared::<F>().coset_ntt_batch(&mut v, 1, shift)?;
    Ok(v)
}

/// `Σ_j coeffs[j]·x^j` at a point of `F` or of an extension of it (Horner's rule).
pub fn evaluate_at<F: Field, E: ExtensionField<F>>(coeffs: &[F], x: E) -> E {
    coeffs.iter().rev().fold(E::ZERO, |acc, &c| acc * x + c)
}

/// The value at `x` of the polynomial of degree < n with values `evals` on H, without
/// interpolating: `p(x) = (x^n − 1)/n · Σ_i evals[i]·ω^i/(x − ω^i)` (one batch inversion).
/// At a point of H it returns that point's value.
pub fn evaluate_evals_at<F: TwoAdicField, E: ExtensionField<F>>(
    evals: &[F],
    x: E,
) -> Result<E, NttError> {
    let log_n = log_rows::<F>(evals.len(), 1)?;
    let omega = root::<F>(log_n)?;
    let points: Vec<F> = omega.powers().take(evals.len()).collect();
    if let Some(i) = points.iter().position(|&w| x - w == E::ZERO) {
        return Ok(E::from(evals[i]));
    }
    let mut denoms: Vec<E> = points.iter().map(|&w| x - w).collect();
    E::batch_inverse_in_place(&mut denoms);
    let sum = denoms
        .iter()
        .zip(evals.iter().zip(&points))
        .fold(E::ZERO, |acc, (&d, (&e, &w))| acc + d * (e * w));
    Ok((x.exp_u64(evals.len() as u64) - E::ONE) * sum * size_inverse::<F>(log_n)?)
}
