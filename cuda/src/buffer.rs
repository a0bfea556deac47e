//! Typed device buffers: field elements on the GPU, moved with a plain copy of their words.

use std::marker::PhantomData;

use cudarc::driver::CudaSlice;

use crate::device::Gpu;
use crate::error::CudaError;
use crate::field::{GpuField, as_words, as_words_mut};
use crate::runtime::driver_error;

/// `len` elements of `F` in device memory (as `len·F::WORDS` u64 words), on the stream of the
/// [`Gpu`] that made it.
pub struct DeviceBuffer<F> {
    pub(crate) words: CudaSlice<u64>,
    len: usize,
    _field: PhantomData<F>,
}

impl<F> std::fmt::Debug for DeviceBuffer<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceBuffer")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl<F: GpuField> DeviceBuffer<F> {
    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn length_check(&self, other: usize, what: &str) -> Result<(), CudaError> {
        if other == self.len {
            Ok(())
        } else {
            Err(CudaError::Shape(format!(
                "{what} of {other} elements for a device buffer of {}",
                self.len
            )))
        }
    }

    /// Copies `host` (exactly [`Self::len`] elements) to the device.
    pub fn upload(&mut self, gpu: &Gpu, host: &[F]) -> Result<(), CudaError> {
        self.length_check(host.len(), "an upload")?;
        gpu.stream()
            .memcpy_htod(as_words(host)?, &mut self.words)
            .map_err(driver_error)
    }

    /// Copies the elements into `host` (exactly [`Self::len`] of them), waiting for the
    /// stream.
    pub fn download_into(&self, gpu: &Gpu, host: &mut [F]) -> Result<(), CudaError> {
        self.length_check(host.len(), "a download")?;
        let stream = gpu.stream();
        stream
            .memcpy_dtoh(&self.words, as_words_mut(host)?)
            .map_err(driver_error)?;
        stream.synchronize().map_err(driver_error)
    }

    /// The elements, copied to a new vector.
    pub fn download(&self, gpu: &Gpu) -> Result<Vec<F>, CudaError> {
        let mut out = vec![F::ZERO; self.len];
        self.download_into(gpu, &mut out)?;
        Ok(out)
    }
}

impl Gpu {
    /// `len` zero words' worth of elements (the zero of Goldilocks; for Montgomery fields,
    /// the zero too: 0·R = 0).
    pub fn alloc<F: GpuField>(&self, len: usize) -> Result<DeviceBuffer<F>, CudaError> {
        let words = len
            .checked_mul(F::WORDS)
            .ok_or_else(|| CudaError::Shape(format!("{len} elements overflow")))?;
        Ok(DeviceBuffer {
            words: self
                .stream()
                .alloc_zeros::<u64>(words.max(1))
                .map_err(driver_error)?,
            len,
            _field: PhantomData,
        })
    }

    /// A new device buffer holding `host`.
    pub fn upload<F: GpuField>(&self, host: &[F]) -> Result<DeviceBuffer<F>, CudaError> {
        let words = as_words(host)?;
        let slice = if words.is_empty() {
            self.stream().alloc_zeros::<u64>(1)
        } else {
            self.stream().clone_htod(words)
        }
        .map_err(driver_error)?;
        Ok(DeviceBuffer {
            words: slice,
            len: host.len(),
            _field: PhantomData,
        })
    }
}
