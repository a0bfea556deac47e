//! carbide-cuda: the GPU backend.
//!
//! - [`runtime`]: device discovery that never panics ([`devices`] returns the devices or a
//!   [`CudaError`] saying exactly why there are none: no libcuda, driver too old, no device),
//!   [`Backend`] with the `CARBIDE_BACKEND` override;
//! - [`nvrtc`]: the kernels of `cuda/kernels/` (embedded), compiled at run time for the
//!   device's architecture and cached per process;
//! - [`Gpu`]: one device with its stream and loaded kernels; element-wise field kernels for
//!   the GPU-vs-CPU field tests.
//!
//! To come (issue "The CUDA backend"): device buffers and streams, the BN254 field headers,
//! the GPU NTT implementing `carbide_ntt::Ntt`, and its GPU-vs-CPU tests.

mod buffer;
mod cubin;
mod device;
mod error;
mod field;
pub mod ntt;
pub mod nvrtc;
pub mod runtime;
mod select;

pub use buffer::DeviceBuffer;
pub use device::Gpu;
pub use error::CudaError;
pub use field::GpuField;
pub use ntt::CudaNtt;
pub use runtime::{Backend, DeviceInfo, devices};
pub use select::{AUTO_MIN_ELEMENTS, fall_back, ntt};
