//! carbide-msm: multi-scalar multiplication over arkworks short-Weierstrass curves (BN254 G1
//! and G2, BLS12-381 G1, any `SWCurveConfig`), arkworks types in and out.
//!
//! - [`Msm`]: the capability trait (one required method, batches by default);
//! - [`Pippenger`]: the rayon CPU implementation — signed-digit windows sized from n and the
//!   thread count, batch-affine bucket accumulation, windows in parallel, fewer windows for
//!   small scalars; [`NaiveMsm`]: the double-and-add reference;
//! - [`MsmContext`]: fixed bases for many MSMs, optionally with precomputed window multiples;
//! - [`msm`]: the entry point, equal to ark-ec's `VariableBaseMSM::msm` except that unequal
//!   lengths are an error rather than a silent truncation.
//!
//! ```
//! use ark_bn254::{Fr, G1Affine, G1Projective};
//! use ark_ec::{AffineRepr, CurveGroup};
//!
//! let g = G1Affine::generator();
//! let bases = vec![g, (g * Fr::from(2u64)).into_affine()];
//! let scalars = vec![Fr::from(3u64), Fr::from(5u64)];
//! assert_eq!(carbide_msm::msm(&bases, &scalars)?, g * Fr::from(13u64));
//! assert!(carbide_msm::msm(&bases, &scalars[..1]).is_err());
//! # Ok::<(), carbide_msm::MsmError>(())
//! ```

mod batch_affine;
mod context;
mod error;
#[cfg(target_arch = "x86_64")]
mod ifma;
mod naive;
mod pippenger;
mod traits;

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};

pub use context::MsmContext;
pub use error::MsmError;
pub use naive::NaiveMsm;
pub use pippenger::Pippenger;
pub use traits::Msm;

/// `Σ scalars[i]·bases[i]` by [`Pippenger`]; unequal lengths are an error.
pub fn msm<P: SWCurveConfig>(
    bases: &[Affine<P>],
    scalars: &[P::ScalarField],
) -> Result<Projective<P>, MsmError> {
    Pippenger::default().msm(bases, scalars)
}
