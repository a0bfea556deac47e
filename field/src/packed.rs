//! Packed fields: several elements operated on lane by lane, the SIMD layer under the NTT and
//! the prover (Plonky3's `Packing`, without its `unsafe`).
//!
//! A packing is plain Rust over arrays of lanes, written so LLVM's vectorizer turns it into
//! vector instructions; [`PackedField::vectorized`] runs a closure compiled for the best
//! instruction set the CPU has (AVX-512 or AVX2 on x86-64, found at run time), so generic code
//! gets SIMD without target flags. Every field has the trivial packing of width 1 (itself).

use core::fmt::Debug;
use core::ops::{Add, Mul, Sub};

use crate::traits::Field;

/// `WIDTH` elements of [`Self::Scalar`], with lane-wise arithmetic that is bit-identical to
/// the scalar operations.
pub trait PackedField:
    Copy + Send + Sync + Debug + 'static + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self>
{
    /// The field of each lane.
    type Scalar: Field;
    /// The number of lanes.
    const WIDTH: usize;

    /// Every lane `x`.
    fn broadcast(x: Self::Scalar) -> Self;

    /// Lane i is `f(i)`.
    fn from_fn(f: impl FnMut(usize) -> Self::Scalar) -> Self;

    /// The first `WIDTH` elements of `slice`.
    ///
    /// # Panics
    /// If `slice` is shorter than `WIDTH` (callers take `chunks_exact(WIDTH)`).
    fn load(slice: &[Self::Scalar]) -> Self;

    /// Writes the lanes to the first `WIDTH` elements of `slice`.
    ///
    /// # Panics
    /// If `slice` is shorter than `WIDTH`.
    fn store(self, slice: &mut [Self::Scalar]);

    /// Runs `kernel` compiled for the widest vector instructions this CPU has, so lane loops
    /// over this packing inside it become SIMD. The default just runs it.
    #[inline(always)]
    fn vectorized<K: Kernel>(kernel: K) -> K::Output {
        kernel.run()
    }
}

/// A computation for [`PackedField::vectorized`]. Implement it on a struct holding the
/// arguments, with `run` marked `#[inline(always)]` (as are the functions it calls): `run` is
/// then compiled inside the vector-enabled function. A closure also works, but once it grows
/// large LLVM compiles it on its own, without the vector instructions.
pub trait Kernel {
    /// What the computation returns.
    type Output;
    /// The computation.
    fn run(self) -> Self::Output;
}

impl<R, C: FnOnce() -> R> Kernel for C {
    type Output = R;

    #[inline(always)]
    fn run(self) -> R {
        self()
    }
}

/// Every field is a packing of width 1: generic code written over `F::Packing` then needs no
/// second scalar version.
impl<F: Field> PackedField for F {
    type Scalar = F;
    const WIDTH: usize = 1;

    #[inline(always)]
    fn broadcast(x: F) -> Self {
        x
    }

    #[inline(always)]
    fn from_fn(mut f: impl FnMut(usize) -> F) -> Self {
        f(0)
    }

    #[inline(always)]
    fn load(slice: &[F]) -> Self {
        slice[0]
    }

    #[inline(always)]
    fn store(self, slice: &mut [F]) {
        slice[0] = self;
    }
}

/// Whether `CARBIDE_SIMD` (`off`, `0` or `scalar`) asks for the scalar build of every kernel:
/// to compare against, or to rule SIMD out.
pub(crate) fn simd_disabled() -> bool {
    static OFF: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *OFF.get_or_init(|| {
        matches!(
            std::env::var("CARBIDE_SIMD").as_deref(),
            Ok("off" | "0" | "scalar")
        )
    })
}
