//! Batch inversion by Montgomery's trick: one inversion and three multiplications per element.

use crate::traits::Field;

/// Independent product chains interleaved, so consecutive multiplications do not wait on each
/// other (the prefix products are otherwise one long dependency chain).
const LANES: usize = 4;

/// Below this many elements per thread, splitting the work costs more than it saves.
#[cfg(feature = "parallel")]
const MIN_CHUNK: usize = 1 << 12;

/// Replaces every element by its inverse on one thread, zeros left as zero: the generic
/// algorithm behind [`Field::batch_inverse_in_place`]'s default.
pub fn montgomery_batch_inverse_in_place<F: Field>(values: &mut [F]) {
    // Most batches hold no zero; check for one only when the product says there is one.
    if !invert_lanes::<F, false>(values) {
        invert_lanes::<F, true>(values);
    }
}

/// Montgomery's trick over `LANES` interleaved chains (element i in lane i mod LANES). With
/// `ZEROS`, a zero counts as a factor one and is skipped on the way back; without, a zero
/// makes the lane product zero and the function returns `false` with `values` untouched.
fn invert_lanes<F: Field, const ZEROS: bool>(values: &mut [F]) -> bool {
    let factor = |v: F| if ZEROS && v.is_zero() { F::ONE } else { v };
    // prefix[i] = product of the earlier (non-zero) values in element i's lane.
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = [F::ONE; LANES];
    let mut chunks = values.chunks_exact(LANES);
    for chunk in &mut chunks {
        prefix.extend_from_slice(&acc);
        for (a, &v) in acc.iter_mut().zip(chunk) {
            *a *= factor(v);
        }
    }
    for (a, &v) in acc.iter_mut().zip(chunks.remainder()) {
        prefix.push(*a);
        *a *= factor(v);
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
    let step = |vs: &mut [F], ps: &[F], inv: &mut [F; LANES]| {
        for ((x, &p), i) in vs.iter_mut().zip(ps).zip(inv.iter_mut()) {
            let v = *x;
            if ZEROS && v.is_zero() {
                continue;
            }
            *x = *i * p;
            *i *= v;
        }
    };
    let whole = values.len() - values.len() % LANES;
    let (body, tail) = values.split_at_mut(whole);
    step(tail, &prefix[whole..], &mut inv);
    for (vs, ps) in body
        .chunks_exact_mut(LANES)
        .zip(prefix[..whole].chunks_exact(LANES))
        .rev()
    {
        step(vs, ps, &mut inv);
    }
    true
}

/// Replaces every element by its inverse, split across rayon's threads (one inversion per
/// chunk, each by the field's own [`Field::batch_inverse_in_place`]); zeros stay zero.
/// Without the `parallel` feature this runs on the calling thread.
pub fn par_batch_inverse_in_place<F: Field>(values: &mut [F]) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let threads = rayon::current_num_threads().max(1);
        let chunk = values.len().div_ceil(threads).max(MIN_CHUNK);
        values
            .par_chunks_mut(chunk)
            .for_each(F::batch_inverse_in_place);
    }
    #[cfg(not(feature = "parallel"))]
    F::batch_inverse_in_place(values);
}
