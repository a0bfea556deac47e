//! Device discovery that never panics: cudarc panics when it cannot load libcuda, so the
//! library's presence is checked first and every absence becomes a [`CudaError`].

#![allow(unsafe_code)]

use cudarc::driver::CudaContext;

use crate::error::CudaError;

/// The CUDA version the kernels and bindings target (cudarc feature `cuda-13000`).
pub const NEEDED_CUDA: (i32, i32) = (13, 0);

/// What the driver says about one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// The device ordinal.
    pub ordinal: usize,
    /// The marketing name, e.g. "NVIDIA H100 80GB HBM3".
    pub name: String,
    /// Compute capability (major, minor).
    pub compute_capability: (i32, i32),
    /// Total memory in bytes.
    pub total_memory: usize,
}

impl DeviceInfo {
    /// The NVRTC target for this device, e.g. `compute_90`.
    pub fn arch(&self) -> String {
        format!(
            "compute_{}{}",
            self.compute_capability.0, self.compute_capability.1
        )
    }
}

/// Whether libcuda can be loaded.
pub fn driver_present() -> bool {
    // SAFETY: `is_culib_present` only tries `dlopen` on the candidate names and drops the
    // handle; it touches no CUDA state.
    unsafe { cudarc::driver::sys::is_culib_present() }
}

/// Whether libnvrtc can be loaded.
pub fn nvrtc_present() -> bool {
    // SAFETY: as for `driver_present`: a `dlopen` attempt and nothing else.
    unsafe { cudarc::nvrtc::sys::is_culib_present() }
}

/// The driver's CUDA version as (major, minor).
fn driver_version() -> Result<(i32, i32), CudaError> {
    cudarc::driver::result::init().map_err(|e| CudaError::Driver(e.to_string()))?;
    let mut v: core::ffi::c_int = 0;
    // SAFETY: libcuda is loaded (checked by the caller) and initialised above; the call
    // writes one int through a pointer to a live local.
    let status = unsafe { cudarc::driver::sys::cuDriverGetVersion(&mut v) };
    if status != cudarc::driver::sys::CUresult::CUDA_SUCCESS {
        return Err(CudaError::Driver(format!("cuDriverGetVersion: {status:?}")));
    }
    Ok((v / 1000, (v % 1000) / 10))
}

/// The driver's CUDA version as "major.minor", or "none" without a usable libcuda (the
/// disk cache's key).
pub(crate) fn driver_version_string() -> String {
    if !driver_present() {
        return "none".to_owned();
    }
    driver_version().map_or("none".to_owned(), |(a, b)| format!("{a}.{b}"))
}

/// The number of devices once libcuda is loaded and its driver is recent enough, or exactly
/// why none can be used.
pub(crate) fn device_count() -> Result<usize, CudaError> {
    if !driver_present() {
        return Err(CudaError::LibraryMissing {
            lib: "libcuda",
            file: "libcuda.so",
        });
    }
    let version = driver_version()?;
    if version < NEEDED_CUDA {
        return Err(CudaError::DriverTooOld {
            found: format!("{}.{}", version.0, version.1),
            needed: format!("{}.{}", NEEDED_CUDA.0, NEEDED_CUDA.1),
        });
    }
    match CudaContext::device_count().map_err(driver_error)? {
        n if n > 0 => Ok(n as usize),
        _ => Err(CudaError::NoDevice),
    }
}

/// What the driver says about the device of `ctx`.
pub(crate) fn info(ctx: &CudaContext) -> Result<DeviceInfo, CudaError> {
    Ok(DeviceInfo {
        ordinal: ctx.ordinal(),
        name: ctx.name().map_err(driver_error)?,
        compute_capability: ctx.compute_capability().map_err(driver_error)?,
        total_memory: ctx.total_mem().map_err(driver_error)?,
    })
}

pub(crate) fn driver_error(e: cudarc::driver::DriverError) -> CudaError {
    CudaError::Driver(e.to_string())
}

/// The CUDA devices, or exactly why there are none.
pub fn devices() -> Result<Vec<DeviceInfo>, CudaError> {
    (0..device_count()?)
        .map(|ordinal| info(&*CudaContext::new(ordinal).map_err(driver_error)?))
        .collect()
}

/// Where a computation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Always the CPU.
    Cpu,
    /// Always the GPU; an error where there is none.
    Cuda,
    /// The GPU when one is present, else the CPU (the reason logged once).
    Auto,
}

impl Backend {
    /// `CARBIDE_BACKEND` (cpu, cuda or auto), `default` when unset.
    pub fn from_env(default: Backend) -> Result<Self, CudaError> {
        match std::env::var("CARBIDE_BACKEND") {
            Err(_) => Ok(default),
            Ok(v) => v.parse(),
        }
    }
}

impl core::str::FromStr for Backend {
    type Err = CudaError;

    fn from_str(s: &str) -> Result<Self, CudaError> {
        match s.to_ascii_lowercase().as_str() {
            "cpu" => Ok(Self::Cpu),
            "cuda" | "gpu" => Ok(Self::Cuda),
            "auto" => Ok(Self::Auto),
            _ => Err(CudaError::BadBackend(s.to_owned())),
        }
    }
}
