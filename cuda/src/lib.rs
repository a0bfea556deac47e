//! carbide-cuda: the NVIDIA GPU backend.
//!
//! To live here (issues "The CUDA backend" and "GPU MSM"): device discovery that never panics,
//! NVRTC compilation of `kernels/` at run time, typed device buffers, the `Backend` selection with
//! `CARBIDE_BACKEND`, field kernels for Goldilocks and BN254, and CUDA implementations of the NTT
//! and MSM capability traits.
