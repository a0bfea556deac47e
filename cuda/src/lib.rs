//! carbide-cuda: the GPU backend.
//!
//! - [`runtime`]: device discovery that never panics ([`devices`] returns the devices or a
//!   [`CudaError`] saying exactly why there are none: no libcuda, driver too old, no device),
//!   [`Backend`] with the `CARBIDE_BACKEND` override;
//! - [`nvrtc`]: the kernels of `cuda/kernels/` (embedded), compiled at run time for the
//!   device's architecture, cached per process and on disk (keyed by source hash,
//!   architecture, NVRTC and driver versions);
//! - [`Gpu`]: one device with a stream and its loaded kernels ([`Gpu::fork`] for another
//!   stream), [`DeviceBuffer`]s of field elements moved with a plain copy of their words
//!   ([`GpuField`]: Goldilocks and BN254 Fr, layouts checked), device-event timing;
//! - [`CudaNtt`]: the GPU NTT implementing `carbide_ntt::Ntt` (forward, inverse, cosets,
//!   batched LDE; several radix-2 stages per launch in shared memory; batches beyond free
//!   memory in groups of columns), bit-identical to the CPU;
//! - [`CudaMsm`]: BN254 G1/G2 MSMs over bases resident on the device (signed-digit Pippenger:
//!   counting sort by bucket, XYZZ bucket sums, parallel reduction), batches with overlapped
//!   scalar uploads, chunks beyond free memory; [`CudaMsmBackend`] implements
//!   `carbide_msm::Msm`;
//! - [`CudaMerkle`]: Poseidon Merkle commitments (carbide-field's `MerkleHasher`), the same
//!   caps as the CPU's;
//! - [`ntt()`] and [`msm()`]: what a [`Backend`] picks; `Auto` falls back to the CPU once,
//!   saying why.
//!
//! Kernels (`kernels/`, sppark's layout): `field/` Goldilocks and its extension, BN254 Fr, Fq
//! (Montgomery, eight 32-bit limbs, PTX carry chains) and Fq2; `curve/` XYZZ points; `hash/`
//! Poseidon; `ntt.cu`, `msm.cu`, `merkle.cu`. Each is tested against the CPU on a GPU and, compiled as host C++ (threads for a
//! block, the carry flag emulated), on any machine.
//!
//! ```no_run
//! use carbide_cuda::{Backend, Gpu};
//! use carbide_field::Goldilocks;
//!
//! // Whatever CARBIDE_BACKEND says (cpu, cuda, auto), auto by default.
//! let ntt = carbide_cuda::ntt::<Goldilocks>(Backend::from_env(Backend::Auto)?)?;
//! let mut v: Vec<Goldilocks> = (0..1u64 << 20).map(Goldilocks::new).collect();
//! ntt.ntt_batch(&mut v, 1)?;
//! // Or keep the data on the device.
//! let gpu = Gpu::new(0)?;
//! let gpu_ntt = carbide_cuda::CudaNtt::<Goldilocks>::new(&gpu)?;
//! let (mut data, mut work) = (gpu.upload(&v)?, gpu.alloc::<Goldilocks>(v.len())?);
//! gpu_ntt.ntt_device(&mut data, &mut work, 1)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod buffer;
mod cubin;
mod device;
mod error;
mod field;
mod merkle;
pub mod msm;
pub mod ntt;
pub mod nvrtc;
pub mod runtime;
mod select;
#[doc(hidden)]
pub mod testing;

pub use buffer::DeviceBuffer;
pub use device::Gpu;
pub use error::CudaError;
pub use field::GpuField;
pub use merkle::CudaMerkle;
pub use msm::{CudaMsm, CudaMsmBackend, GpuCurve, MsmTiming};
pub use ntt::CudaNtt;
pub use runtime::{Backend, DeviceInfo, devices};
pub use select::{AUTO_MIN_ELEMENTS, AUTO_MIN_POINTS, fall_back, msm, ntt};
