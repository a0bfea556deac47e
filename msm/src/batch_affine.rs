//! Bucket accumulation in affine coordinates, batched: each round adds disjoint pairs of points
//! inside every bucket, and all the pairs of a round share one field inversion (Montgomery's
//! trick), so an addition costs about six multiplications instead of a mixed projective
//! addition's ten or more. Rounds repeat until each bucket holds at most one point.

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ff::AdditiveGroup;
use ark_ff::{Field, One, Zero};

/// The denominator of λ for `a + b`: `x_b − x_a`, or `2y` when doubling; `1` when the sum is
/// the identity (`b = −a`), so every entry of a round is invertible.
#[inline]
fn denominator<P: SWCurveConfig>(a: &Affine<P>, b: &Affine<P>) -> P::BaseField {
    if a.x != b.x {
        b.x - a.x
    } else if a.y == b.y && !a.y.is_zero() {
        a.y.double()
    } else {
        P::BaseField::one()
    }
}

/// `a + b` given the inverse of [`denominator`]`(a, b)`; `None` for the identity.
#[inline]
fn add_with_inverse<P: SWCurveConfig>(
    a: &Affine<P>,
    b: &Affine<P>,
    inv: P::BaseField,
) -> Option<Affine<P>> {
    let lambda = if a.x != b.x {
        (b.y - a.y) * inv
    } else if a.y == b.y && !a.y.is_zero() {
        let xx = a.x.square();
        (xx.double() + xx + P::COEFF_A) * inv
    } else {
        return None;
    };
    let x = lambda.square() - a.x - b.x;
    let y = lambda * (a.x - x) - a.y;
    Some(Affine::new_unchecked(x, y))
}

/// Replaces each value by its inverse; none may be zero. `prefix` is scratch.
fn batch_invert<F: Field>(values: &mut [F], prefix: &mut Vec<F>) {
    prefix.clear();
    let mut acc = F::one();
    for v in values.iter() {
        prefix.push(acc);
        acc *= v;
    }
    let mut inv = acc.inverse().unwrap_or_else(F::zero);
    for (v, before) in values.iter_mut().zip(prefix.iter()).rev() {
        let next = inv * *v;
        *v = inv * before;
        inv = next;
    }
}

/// The sum of each bucket's points: `points` holds bucket 0's `counts[0]` points, then bucket
/// 1's, and so on (none the identity). Returns one point per bucket, the identity for empty
/// ones.
pub(crate) fn bucket_sums<P: SWCurveConfig>(
    mut points: Vec<Affine<P>>,
    mut counts: Vec<u32>,
) -> Vec<Affine<P>> {
    let mut denoms = Vec::with_capacity(points.len() / 2);
    let mut prefix = Vec::with_capacity(points.len() / 2);
    while counts.iter().any(|&c| c > 1) {
        denoms.clear();
        let mut start = 0;
        for &c in &counts {
            let c = c as usize;
            for pair in points[start..start + c].chunks_exact(2) {
                denoms.push(denominator(&pair[0], &pair[1]));
            }
            start += c;
        }
        batch_invert(&mut denoms, &mut prefix);
        compact_pairs(&mut points, &mut counts, |j, a, b| {
            add_with_inverse(&a, &b, denoms[j])
        });
    }
    let mut it = points.into_iter();
    counts
        .iter()
        .map(|&c| match c {
            0 => Affine::<P>::zero(),
            _ => it.next().unwrap_or_else(Affine::<P>::zero),
        })
        .collect()
}

/// Replaces each bucket's points by the sums of its consecutive pairs, and its odd last point,
/// in place: a bucket's results land at or before the pairs they came from. `sum(j, a, b)` is
/// pair j's sum (pairs numbered in bucket order), `None` for the identity.
pub(crate) fn compact_pairs<T: Copy>(
    points: &mut Vec<T>,
    counts: &mut [u32],
    mut sum: impl FnMut(usize, T, T) -> Option<T>,
) {
    let (mut read, mut write, mut j) = (0, 0, 0);
    for count in counts.iter_mut() {
        let c = *count as usize;
        let mut out = 0;
        for k in 0..c / 2 {
            if let Some(s) = sum(j, points[read + 2 * k], points[read + 2 * k + 1]) {
                points[write + out] = s;
                out += 1;
            }
            j += 1;
        }
        if c % 2 == 1 {
            points[write + out] = points[read + c - 1];
            out += 1;
        }
        read += c;
        write += out;
        *count = out as u32;
    }
    points.truncate(write);
}

/// Where each bucket's points start when laid out in bucket order.
pub(crate) fn starts(counts: &[u32]) -> Vec<usize> {
    counts
        .iter()
        .scan(0usize, |acc, &c| {
            let start = *acc;
            *acc += c as usize;
            Some(start)
        })
        .collect()
}
