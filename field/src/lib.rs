//! carbide-field: the finite fields every other carbide layer computes in.
//!
//! - A trait ladder in the style of Plonky3: [`Field`] → [`PrimeField`] → [`PrimeField64`],
//!   [`TwoAdicField`] for NTT-friendly fields and [`ExtensionField`] for field towers.
//! - [`Goldilocks`] (p = 2^64 − 2^32 + 1), with the element representation of plonky2's
//!   `GoldilocksField`, and its quadratic extension [`GoldilocksExt2`] (x² − 7, as in plonky2).
//! - The same traits implemented for arkworks prime fields themselves (`ark_bn254::Fr`,
//!   `ark_bls12_381::Fr`, any `ark_ff::Fp`), with the two-adic roots of unity ark-poly uses.
//! - Canonical byte encodings ([`CanonicalEncoding`]) and serde support that reject
//!   non-canonical values and wrong lengths.
//! - [`reference`](mod@reference): slow big-integer arithmetic that tests and fuzz targets compare against.
//! - [`poseidon`]: Poseidon over Goldilocks with plonky2's parameters and sponge, and
//!   [`merkle`]: Merkle commitments with it (caps and openings equal to plonky2's), the
//!   hashing layer the STARK commits with; [`merkle::MerkleHasher`] is the capability a GPU
//!   implements too.
//!
//! ```
//! use carbide_field::{Field, Goldilocks, PrimeField64, TwoAdicField};
//!
//! let a = Goldilocks::new(u64::MAX); // any u64, reduced mod p
//! let b = a.try_inverse().expect("non-zero");
//! assert_eq!((a * b).as_canonical_u64(), 1);
//! let w = Goldilocks::two_adic_generator(4).unwrap(); // a 16th root of unity
//! assert_eq!(w.exp_u64(16), Goldilocks::ONE);
//! ```

mod ark;
mod batch;
#[cfg(target_arch = "x86_64")]
mod blake3_avx2;
mod blake3_lanes;
mod codec;
mod error;
mod goldilocks;
mod macros;
pub mod merkle;
#[cfg(target_arch = "x86_64")]
pub mod mont52;
mod packed;
#[cfg(feature = "plonky2")]
mod plonky2_compat;
pub mod poseidon;
pub mod pow;
pub mod reference;
mod traits;

pub use batch::{
    montgomery_batch_inverse, montgomery_batch_inverse_in_place, par_batch_inverse,
    par_batch_inverse_in_place, par_filled,
};
pub use codec::{CanonicalEncoding, decode_slice, encode_slice, serde_canonical};
pub use error::{DecodeError, FieldError};
pub use goldilocks::{Goldilocks, GoldilocksExt2, PackedGoldilocks, simd_level};
pub use packed::{Kernel, PackedField};
pub use traits::{ExtensionField, Field, Powers, PrimeField, PrimeField64, TwoAdicField};
