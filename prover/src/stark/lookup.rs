//! logUp: with challenges z and β, a lookup's row contributes m/(z − fp), fp = bus + Σ_j
//! β^(j+1)·v_j, and a table's auxiliary trace holds one such column per lookup and their
//! running sum S. The constraints: h·(z − fp) = m on every row; S = Σ h on the first row;
//! S' = S + Σ h' between rows; S = the claimed sum on the last row. The claims of all tables
//! add to zero exactly when (with high probability over z, β) every bus balances.

use carbide_field::{Field, Goldilocks};

use super::ProveError;
use super::air::{Constraints, Ext, Frame, Lookup};

/// The logUp challenges.
#[derive(Clone, Copy, Debug)]
pub(super) struct Challenges {
    pub z: Ext,
    pub beta: Ext,
}

/// Auxiliary columns (in the extension) of a table with `lookups` lookups.
pub(super) fn aux_width(lookups: usize) -> usize {
    if lookups == 0 { 0 } else { lookups + 1 }
}

/// z − fp of a lookup on a row (values of any type a base or extension element embeds in).
fn denominator(l: &Lookup, ch: &Challenges, main: &[Ext], fixed: &[Ext]) -> Ext {
    let mut power = ch.beta;
    let mut fp = Ext::from(Goldilocks::new(u64::from(l.bus)));
    for v in &l.values {
        fp += power * v.eval(main, fixed);
        power *= ch.beta;
    }
    ch.z - fp
}

/// Adds the lookup constraints of a frame whose auxiliary rows are `aux` and `aux_next`.
pub(super) fn eval(
    lookups: &[Lookup],
    frame: &Frame<'_>,
    aux: &[Ext],
    aux_next: &[Ext],
    ch: &Challenges,
    claimed: Ext,
    out: &mut Constraints,
) {
    if lookups.is_empty() {
        return;
    }
    let k = lookups.len();
    for (l, &h) in lookups.iter().zip(aux) {
        let d = denominator(l, ch, frame.local, frame.preprocessed);
        let m = l.multiplicity.eval(frame.local, frame.preprocessed);
        out.every_row(h * d - m);
    }
    let (s, s_next) = (aux[k], aux_next[k]);
    out.first_row(s - aux[..k].iter().copied().sum::<Ext>());
    out.transition(s_next - s - aux_next[..k].iter().copied().sum::<Ext>());
    out.last_row(s - claimed);
}

/// The auxiliary trace (row-major, two base columns per extension column) and the claimed
/// sum. `Err(Lookups)` in the negligible event that some z − fp vanishes.
pub(super) fn aux_trace(
    lookups: &[Lookup],
    main: &[Goldilocks],
    width: usize,
    fixed: &[Goldilocks],
    fixed_width: usize,
    ch: &Challenges,
) -> Result<(Vec<Goldilocks>, Ext), ProveError> {
    let k = lookups.len();
    let n = main.len() / width.max(1);
    let fill = |out: &mut Vec<Ext>, m: &[Goldilocks], w: usize, r: usize| {
        out.clear();
        out.extend(m[r * w..(r + 1) * w].iter().map(|&v| Ext::from(v)));
    };
    let mut dens = Vec::with_capacity(n * k);
    let mut mults = Vec::with_capacity(n * k);
    let (mut row, mut frow) = (Vec::with_capacity(width), Vec::with_capacity(fixed_width));
    for r in 0..n {
        fill(&mut row, main, width, r);
        fill(&mut frow, fixed, fixed_width, r);
        for l in lookups {
            dens.push(denominator(l, ch, &row, &frow));
            mults.push(l.multiplicity.eval(&row, &frow));
        }
    }
    if dens.iter().any(|d| d.is_zero()) {
        return Err(ProveError::Lookups);
    }
    let inv = Ext::batch_inverse(&dens);
    let aw = 2 * aux_width(k);
    let mut out = vec![Goldilocks::ZERO; n * aw];
    let mut sum = Ext::ZERO;
    for r in 0..n {
        let row = &mut out[r * aw..(r + 1) * aw];
        for j in 0..k {
            let h = mults[r * k + j] * inv[r * k + j];
            sum += h;
            row[2 * j..2 * j + 2].copy_from_slice(&h.0);
        }
        row[2 * k..2 * k + 2].copy_from_slice(&sum.0);
    }
    Ok((out, sum))
}

/// Extension values from pairs of base columns.
pub(super) fn ext_pairs(row: &[Goldilocks], out: &mut [Ext]) {
    for (o, p) in out.iter_mut().zip(row.chunks_exact(2)) {
        *o = Ext::new(p[0], p[1]);
    }
}
