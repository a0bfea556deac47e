//! The O(n²) definition, the reference every fast transform is tested against.

use carbide_field::TwoAdicField;

use crate::error::NttError;
use crate::traits::Ntt;
use crate::util::{log_rows, root};

/// `out[i] = Σ_j a_j·ω^(i·j)`, computed literally. For tests and tiny sizes only.
#[derive(Clone, Copy, Debug, Default)]
pub struct NaiveDft;

impl<F: TwoAdicField> Ntt<F> for NaiveDft {
    fn ntt_batch(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        let log_n = log_rows::<F>(values.len(), width)?;
        let omega = root::<F>(log_n)?;
        let input = values.to_vec();
        let n = 1usize << log_n;
        for i in 0..n {
            let w_i = omega.exp_u64(i as u64);
            for col in 0..width {
                let mut acc = F::ZERO;
                let mut power = F::ONE;
                for j in 0..n {
                    acc += input[j * width + col] * power;
                    power *= w_i;
                }
                values[i * width + col] = acc;
            }
        }
        Ok(())
    }
}
