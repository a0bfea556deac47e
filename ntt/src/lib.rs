//! carbide-ntt: number-theoretic transforms over any [`TwoAdicField`].
//!
//! - [`Ntt`]: the capability trait over a row-major batch of columns (one required method;
//!   inverse, coset and low-degree extension by default);
//! - [`Radix2Dit`]: the rayon CPU implementation; [`NaiveDft`]: the O(n²) reference;
//! - [`poly`]: interpolation and evaluation helpers (on H, on a coset, at any point);
//! - [`ntt`] and [`intt`]: one column, natural order, bit-identical to ark-poly's
//!   `Radix2EvaluationDomain::fft_in_place`/`ifft_in_place` and plonky2's `fft`/`ifft`.
//!
//! ```
//! use carbide_field::{Field, Goldilocks};
//!
//! let mut v: Vec<Goldilocks> = (0..8u64).map(Goldilocks::new).collect();
//! let original = v.clone();
//! carbide_ntt::ntt(&mut v)?;
//! assert_eq!(v[0], original.iter().copied().sum()); // out[0] = Σ a_j
//! carbide_ntt::intt(&mut v)?;
//! assert_eq!(v, original);
//! assert!(carbide_ntt::ntt(&mut vec![Goldilocks::ONE; 6]).is_err()); // not a power of two
//! # Ok::<(), carbide_ntt::NttError>(())
//! ```

mod error;
mod four_step;
#[cfg(target_arch = "x86_64")]
mod ifma;
mod naive;
pub mod poly;
mod radix2;
mod traits;
mod util;

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub use carbide_field::TwoAdicField;
pub use error::NttError;
pub use naive::NaiveDft;
pub use radix2::Radix2Dit;
pub use traits::Ntt;
pub use util::log_rows;

/// One shared [`Radix2Dit`] per field type, so the entry points reuse twiddle tables.
pub(crate) fn shared<F: TwoAdicField>() -> Arc<Radix2Dit<F>> {
    static CACHE: OnceLock<Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>> = OnceLock::new();
    let mut map = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let entry = map
        .entry(TypeId::of::<F>())
        .or_insert_with(|| Arc::new(Radix2Dit::<F>::new()) as Arc<dyn Any + Send + Sync>)
        .clone();
    drop(map);
    // The map is keyed by F's TypeId, so the entry is a Radix2Dit<F>.
    entry
        .downcast::<Radix2Dit<F>>()
        .unwrap_or_else(|_| Arc::new(Radix2Dit::new()))
}

/// Forward NTT of one column in natural order: `out[i] = Σ_j a_j·ω^(i·j)`, ω the 2^k-th root
/// of unity ark-poly and plonky2 use. An error (and no change) unless the length is a power of
/// two within the field's two-adicity.
pub fn ntt<F: TwoAdicField>(values: &mut [F]) -> Result<(), NttError> {
    shared::<F>().ntt_batch(values, 1)
}

/// Inverse NTT of one column in natural order, including the 1/n scaling.
pub fn intt<F: TwoAdicField>(values: &mut [F]) -> Result<(), NttError> {
    shared::<F>().intt_batch(values, 1)
}
