//! Batch inversion by Montgomery's trick: one inversion and three multiplications per element.

use crate::traits::Field;

/// Independent product chains interleaved, so consecutive multiplications do not wait on each
/// other (the prefix products are otherwise one long dependency chain).
const LANES: usize = 4;

/// Below this many elements per thread, splitting the work costs more than it saves.
#[cfg(feature = "parallel")]
const MIN_CHUNK: usize = 1 << 12;

/// The inverses of `values` on one thread, zeros mapped to zero: the generic algorithm behind
/// [`Field::batch_inverse`]'s default.
pub fn montgomery_batch_inverse<F: Field>(values: &[F]) -> Vec<F> {
    let mut out = vec![F::ZERO; values.len()];
    invert_into(values, &mut out);
    out
}

/// Replaces every element by its inverse on one thread, zeros left as zero.
pub fn montgomery_batch_inverse_in_place<F: Field>(values: &mut [F]) {
    let inv = montgomery_batch_inverse(values);
    values.copy_from_slice(&inv);
}

/// `len` copies of `value`, written across rayon's threads (without the `parallel` feature, on
/// the calling thread). A large fresh allocation's pages are faulted in, and zeroed by the
/// kernel, where they are first written: `vec![value; len]` makes one thread pay for all of
/// them while the others wait.
pub fn par_filled<T: Copy + Send + Sync>(len: usize, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(len);
    #[cfg(feature = "parallel")]
    if len >= MIN_FILL {
        use rayon::prelude::*;
        v.par_extend(rayon::iter::repeat_n(value, len));
        return v;
    }
    v.resize(len, value);
    v
}

/// Below this many elements [`par_filled`] stays on the calling thread.
#[cfg(feature = "parallel")]
const MIN_FILL: usize = 1 << 14;

/// The inverses of `values`, zeros mapped to zero, computed in chunks across rayon's threads
/// (one field inversion per chunk). Without the `parallel` feature this runs on the calling
/// thread.
pub fn par_batch_inverse<F: Field>(values: &[F]) -> Vec<F> {
    let mut out = par_filled(values.len(), F::ZERO);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let chunk = par_chunk_len(values.len());
        values
            .par_chunks(chunk)
            .zip(out.par_chunks_mut(chunk))
            .for_each(|(v, o)| invert_into(v, o));
    }
    #[cfg(not(feature = "parallel"))]
    invert_into(values, &mut out);
    out
}

/// Replaces every element by its inverse across rayon's threads; zeros stay zero.
pub fn par_batch_inverse_in_place<F: Field>(values: &mut [F]) {
    let inv = par_batch_inverse(values);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let chunk = par_chunk_len(values.len());
        values
            .par_chunks_mut(chunk)
            .zip(inv.par_chunks(chunk))
            .for_each(|(v, i)| {
                v.copy_from_slice(i);
            });
    }
    #[cfg(not(feature = "parallel"))]
    values.copy_from_slice(&inv);
}

#[cfg(feature = "parallel")]
fn par_chunk_len(n: usize) -> usize {
    n.div_ceil(rayon::current_num_threads().max(1))
        .max(MIN_CHUNK)
}

/// `out[i] = values[i]⁻¹` (zero for zero); `out` has `values`' length.
fn invert_into<F: Field>(values: &[F], out: &mut [F]) {
    // Most batches hold no zero; look for one only when the product says there is one.
    if !invert_lanes::<F, false>(values, out) {
        invert_lanes::<F, true>(values, out);
    }
}

/// Montgomery's trick over `LANES` interleaved chains (element i in lane i mod LANES), from
/// `values` into `out`. With `ZEROS`, a zero counts as a factor one and maps to zero; without,
/// a zero makes its lane product zero and the function returns `false` before the way back.
fn invert_lanes<F: Field, const ZEROS: bool>(values: &[F], out: &mut [F]) -> bool {
    let factor = |v: F| if ZEROS && v.is_zero() { F::ONE } else { v };
    // First out[i] = product of the earlier (non-zero) values in element i's lane.
    let mut acc = [F::ONE; LANES];
    for (vs, os) in values.chunks(LANES).zip(out.chunks_mut(LANES)) {
        for ((a, &v), o) in acc.iter_mut().zip(vs).zip(os) {
            *o = *a;
            *a *= factor(v);
        }
    }

    // Invert the lane totals with a single inversion.
    let all = acc.iter().fold(F::ONE, |p, &a| p * a);
    let Some(mut all_inv) = all.try_inverse() else {
        return false;
    };
    let mut inv = [F::ONE; LANES];
    for lane in (0..LANES).rev() {
        let before: F = acc[..lane].iter().copied().product();
        inv[lane] = all_inv * before;
        all_inv *= acc[lane];
    }

    // Walk back: inv[lane] is the inverse of the lane's product up to and including the
    // current element. Lanes are independent, so the order inside a chunk does not matter.
    for (vs, os) in values.chunks(LANES).zip(out.chunks_mut(LANES)).rev() {
        for ((&v, o), i) in vs.iter().zip(os).zip(inv.iter_mut()) {
            if ZEROS && v.is_zero() {
                *o = F::ZERO;
                continue;
            }
            *o *= *i;
            *i *= v;
        }
    }
    true
}
