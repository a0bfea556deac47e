use thiserror::Error;

/// Why the GPU path is unavailable or failed; every case is a one-line reason.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CudaError {
    /// A CUDA library could not be loaded.
    #[error(
        "{lib} not found: install the NVIDIA driver / CUDA {lib} or put its directory on LD_LIBRARY_PATH (find / -name '{file}*')"
    )]
    LibraryMissing {
        /// `libcuda` or `libnvrtc`.
        lib: &'static str,
        /// The file name to look for.
        file: &'static str,
    },
    /// The driver loaded but reports no device.
    #[error("no CUDA device: the driver reports none")]
    NoDevice,
    /// The driver is older than the CUDA version the kernels are built for.
    #[error("CUDA driver too old: it supports CUDA {found}, carbide needs {needed}")]
    DriverTooOld {
        /// The driver's CUDA version, as "major.minor".
        found: String,
        /// The version required.
        needed: String,
    },
    /// A driver call failed.
    #[error("CUDA driver error: {0}")]
    Driver(String),
    /// NVRTC refused a kernel source; the log says why.
    #[error("NVRTC could not compile {file} for {arch}: {log}")]
    Compile {
        /// The kernel file.
        file: String,
        /// The target, e.g. `compute_90`.
        arch: String,
        /// The compiler's log.
        log: String,
    },
    /// Inputs of the wrong shape for a kernel (unequal lengths, a partial element, too many).
    #[error("bad input shape: {0}")]
    Shape(String),
    /// `CARBIDE_BACKEND` holds something other than cpu, cuda or auto.
    #[error("unknown backend {0:?}: expected cpu, cuda or auto")]
    BadBackend(String),
}
