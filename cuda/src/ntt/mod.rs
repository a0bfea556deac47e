//! The GPU NTT: [`CudaNtt`] implements `carbide_ntt::Ntt` with the kernels of
//! `kernels/ntt.cu`. Inside: `plan` lists a transform's launches as data; the device executor
//! runs them; in tests, `model` runs them on the CPU (with a race check) and `host` runs the
//! kernel's own code compiled as host C++, both against the CPU NTT.

mod device;
#[cfg(test)]
mod host;
#[cfg(test)]
mod model;
pub(crate) mod plan;
#[cfg(test)]
mod tests;

pub use device::CudaNtt;
