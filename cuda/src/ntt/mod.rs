//! The GPU NTT: [`CudaNtt`] implements `carbide_ntt::Ntt` with the kernels of
//! `kernels/ntt.cu`; [`plan`] lists the launches, [`model`] runs them on the CPU for tests.

mod device;
#[cfg(test)]
mod host;
#[cfg(test)]
pub(crate) mod model;
pub(crate) mod plan;
#[cfg(test)]
mod tests;

pub use device::CudaNtt;
