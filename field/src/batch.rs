//! Batch inversion by Montgomery's trick: one inversion and three multiplications per element.

use crate::traits::Field;

/// Below this many elements per thread, splitting the work costs more than it saves.
#[cfg(feature = "parallel")]
const MIN_CHUNK: usize = 1 << 12;

/// The inverses of `values`, zeros mapped to zero.
pub fn batch_inverse<F: Field>(values: &[F]) -> Vec<F> {
    let mut out = values.to_vec();
    batch_inverse_in_place(&mut out);
    out
}

/// Replaces every element by its inverse, on one thread; zeros stay zero.
pub fn batch_inverse_in_place<F: Field>(values: &mut [F]) {
    // prefix[i] = product of the non-zero values before position i.
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = F::ONE;
    for v in values.iter() {
        prefix.push(acc);
        if !v.is_zero() {
            acc *= *v;
        }
    }
    // acc is a product of non-zero elements, hence non-zero.
    let mut inv = acc.try_inverse().unwrap_or(F::ZERO);
    for (v, p) in values.iter_mut().zip(prefix).rev() {
        if v.is_zero() {
            continue;
        }
        let next = inv * *v;
        *v = inv * p;
        inv = next;
    }
}

/// Replaces every element by its inverse, split across rayon's threads (one inversion per
/// chunk); zeros stay zero. Without the `parallel` feature this is the serial version.
pub fn par_batch_inverse_in_place<F: Field>(values: &mut [F]) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let threads = rayon::current_num_threads().max(1);
        let chunk = values.len().div_ceil(threads).max(MIN_CHUNK);
        values.par_chunks_mut(chunk).for_each(batch_inverse_in_place);
    }
    #[cfg(not(feature = "parallel"))]
    batch_inverse_in_place(values);
}
