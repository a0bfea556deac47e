//! The GPU MSM: [`CudaMsm`] keeps bases on a device and runs `kernels/msm.cu` over them;
//! [`CudaMsmBackend`] implements `carbide_msm::Msm`. Inside: `plan` (window, recoding,
//! chunks), `curve` (device words of points); in tests, `host` runs the kernels' own code
//! compiled as host C++ against arkworks.

mod curve;
mod device;
#[cfg(test)]
mod host;
pub(crate) mod plan;

pub use curve::GpuCurve;
pub use device::{CudaMsm, CudaMsmBackend, MsmTiming};
