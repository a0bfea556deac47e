//! The fields the kernels implement, and the plain-copy views of their slices: host bits are
//! device bits (DESIGN.md), so a slice of elements moves to the device as its u64 words.

#![allow(unsafe_code)]

use std::sync::OnceLock;

use carbide_field::{Field, Goldilocks, TwoAdicField};

use crate::error::CudaError;

mod sealed {
    pub trait Sealed {}
    impl Sealed for carbide_field::Goldilocks {}
    impl Sealed for ark_bn254::Fr {}
}

/// A field with CUDA kernels. Sealed: the slice views below are sound only for types whose
/// every byte is one of `WORDS` u64 words (checked at compile time and probed at run time).
pub trait GpuField: TwoAdicField + sealed::Sealed {
    /// The suffix of the kernels' names (`ntt_pass_<NAME>`).
    const NAME: &'static str;
    /// u64 words per element.
    const WORDS: usize;
    /// log2 of the elements a block of the NTT keeps in shared memory (32 KiB).
    const SHARED_LOG: u32;
    /// log2 of the neighbouring positions a block reads together after the first pass, so a
    /// read is at least 128 contiguous bytes.
    const COALESCE_LOG: u32;

    /// The words the device sees, in memory order.
    fn device_words(&self) -> [u64; 4];
}

impl GpuField for Goldilocks {
    const NAME: &'static str = "goldilocks";
    const WORDS: usize = 1;
    const SHARED_LOG: u32 = 12;
    const COALESCE_LOG: u32 = 4;

    fn device_words(&self) -> [u64; 4] {
        [self.as_noncanonical_u64(), 0, 0, 0]
    }
}

impl GpuField for ark_bn254::Fr {
    const NAME: &'static str = "bn254_fr";
    const WORDS: usize = 4;
    const SHARED_LOG: u32 = 10;
    const COALESCE_LOG: u32 = 2;

    fn device_words(&self) -> [u64; 4] {
        // arkworks' Fr is Montgomery with R = 2^256 (checked by carbide-field's hook).
        self.montgomery_limbs().unwrap_or_default()
    }
}

/// Whether `F`'s memory is its `device_words`: size and alignment at compile time, then the
/// word order of a few elements, once per type.
fn layout_checked<F: GpuField>() -> Result<(), CudaError> {
    const {
        assert!(size_of::<F>() == 8 * F::WORDS && F::WORDS <= 4);
        assert!(align_of::<F>() >= align_of::<u64>());
    }
    static PROBES: OnceLock<std::sync::Mutex<Vec<(&'static str, bool)>>> = OnceLock::new();
    let probes = PROBES.get_or_init(Default::default);
    let mut probes = probes.lock().unwrap_or_else(|e| e.into_inner());
    let ok = match probes.iter().find(|(name, _)| *name == F::NAME) {
        Some(&(_, ok)) => ok,
        None => {
            let samples = [F::ONE, F::ZERO - F::ONE, F::from_u64(0x0123_4567_89ab_cdef)];
            let ok = samples.iter().all(|x| {
                let words = words(std::slice::from_ref(x));
                words == &x.device_words()[..F::WORDS]
            });
            probes.push((F::NAME, ok));
            ok
        }
    };
    if ok {
        Ok(())
    } else {
        Err(CudaError::Shape(format!(
            "{}: the host layout is not the device layout",
            F::NAME
        )))
    }
}

fn words<F: GpuField>(s: &[F]) -> &[u64] {
    // SAFETY: F is one of the sealed types (Goldilocks: repr(transparent) u64; arkworks'
    // Fp<_, 4>: a [u64; 4] and a zero-sized marker), whose size is 8·WORDS with u64
    // alignment (asserted at compile time in `layout_checked`), so every byte of the slice
    // belongs to one of len·WORDS initialised u64 words, suitably aligned.
    unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<u64>(), s.len() * F::WORDS) }
}

/// The words of `s`, as the device reads them.
pub(crate) fn as_words<F: GpuField>(s: &[F]) -> Result<&[u64], CudaError> {
    layout_checked::<F>()?;
    Ok(words(s))
}

/// The words of `s`, for a download to write.
pub(crate) fn as_words_mut<F: GpuField>(s: &mut [F]) -> Result<&mut [u64], CudaError> {
    layout_checked::<F>()?;
    let len = s.len() * F::WORDS;
    // SAFETY: as in `words`; and any u64 pattern is a value of these types (a Goldilocks
    // word may be non-canonical by design; the kernels write canonical arkworks limbs), so
    // writes through the view cannot create an invalid value. The borrow of `s` is held for
    // the view's lifetime.
    Ok(unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<u64>(), len) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use rand::SeedableRng;

    #[test]
    fn views_are_the_device_words() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let gl: Vec<Goldilocks> = (0..5)
            .map(|i| Goldilocks::from_noncanonical_u64(u64::MAX - i))
            .collect();
        let w = as_words(&gl).unwrap();
        assert_eq!(
            w,
            &[
                u64::MAX,
                u64::MAX - 1,
                u64::MAX - 2,
                u64::MAX - 3,
                u64::MAX - 4
            ]
        );
        let fr: Vec<ark_bn254::Fr> = (0..3).map(|_| ark_bn254::Fr::rand(&mut rng)).collect();
        let w = as_words(&fr).unwrap().to_vec();
        let expect: Vec<u64> = fr.iter().flat_map(|x| x.device_words()).collect();
        assert_eq!(w, expect);
        let mut back = vec![ark_bn254::Fr::from(0u64); 3];
        as_words_mut(&mut back).unwrap().copy_from_slice(&w);
        assert_eq!(back, fr);
    }
}
