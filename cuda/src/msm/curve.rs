//! The curves with MSM kernels, and their device words: affine bases as (x, y) Montgomery
//! limbs with (0, 0) for the point at infinity (on neither curve: b ≠ 0), XYZZ results as
//! (X, Y, ZZ, ZZZ).

use ark_bn254::{Fq, Fq2};
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use carbide_field::Field;

mod sealed {
    pub trait Sealed {}
    impl Sealed for ark_bn254::g1::Config {}
    impl Sealed for ark_bn254::g2::Config {}
}

/// A curve the MSM kernels implement (BN254 G1 over Fq, G2 over Fq2), scalars in BN254 Fr.
pub trait GpuCurve: SWCurveConfig<ScalarField = ark_bn254::Fr> + sealed::Sealed {
    /// The kernels' suffix (`msm_accumulate_<NAME>`).
    const NAME: &'static str;
    /// u64 words per coordinate (4 for Fq, 8 for Fq2).
    const COORD_WORDS: usize;

    /// A coordinate's Montgomery words.
    fn coord_words(c: &Self::BaseField, out: &mut [u64]);

    /// The coordinate with these words, if canonical.
    fn coord_from_words(w: &[u64]) -> Option<Self::BaseField>;

    /// The device words of an affine base.
    fn base_words(p: &Affine<Self>, out: &mut [u64]) {
        use ark_ec::AffineRepr;
        let k = Self::COORD_WORDS;
        match p.xy() {
            None => out[..2 * k].fill(0),
            Some((x, y)) => {
                Self::coord_words(&x, &mut out[..k]);
                Self::coord_words(&y, &mut out[k..2 * k]);
            }
        }
    }

    /// The point an XYZZ result's words stand for; `None` if they are not canonical
    /// coordinates of a point on the curve (the device answer is then refused).
    fn from_xyzz(w: &[u64]) -> Option<Projective<Self>> {
        use ark_ff::{Field as _, Zero};
        let k = Self::COORD_WORDS;
        let c = |i: usize| Self::coord_from_words(&w[i * k..(i + 1) * k]);
        let (x, y, zz, zzz) = (c(0)?, c(1)?, c(2)?, c(3)?);
        if zz.is_zero() {
            return Some(Projective::default());
        }
        let p = Affine::new_unchecked(x * zz.inverse()?, y * zzz.inverse()?);
        (p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve()).then(|| p.into())
    }
}

fn fq_words(c: &Fq, out: &mut [u64]) {
    out.copy_from_slice(&c.montgomery_limbs().unwrap_or_default());
}

fn fq_from(w: &[u64]) -> Option<Fq> {
    Fq::from_montgomery_limbs(w.try_into().ok()?)
}

impl GpuCurve for ark_bn254::g1::Config {
    const NAME: &'static str = "bn254_g1";
    const COORD_WORDS: usize = 4;

    fn coord_words(c: &Fq, out: &mut [u64]) {
        fq_words(c, out);
    }

    fn coord_from_words(w: &[u64]) -> Option<Fq> {
        fq_from(w)
    }
}

impl GpuCurve for ark_bn254::g2::Config {
    const NAME: &'static str = "bn254_g2";
    const COORD_WORDS: usize = 8;

    fn coord_words(c: &Fq2, out: &mut [u64]) {
        fq_words(&c.c0, &mut out[..4]);
        fq_words(&c.c1, &mut out[4..]);
    }

    fn coord_from_words(w: &[u64]) -> Option<Fq2> {
        Some(Fq2::new(fq_from(&w[..4])?, fq_from(&w[4..])?))
    }
}
