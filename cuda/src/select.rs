//! [`Backend`] → an NTT or an MSM: the CPU's, the GPU's, or (`Auto`) the GPU's for problems
//! large enough to win and the CPU's otherwise, falling back to the CPU, once and saying why,
//! when no GPU can be used.

use std::sync::{Arc, Once};

use ark_bn254::Fr;
use ark_ec::short_weierstrass::{Affine, Projective};
use carbide_msm::{Msm, MsmError, Pippenger};
use carbide_ntt::{Ntt, NttError, Radix2Dit};

use crate::device::Gpu;
use crate::error::CudaError;
use crate::field::GpuField;
use crate::msm::{CudaMsmBackend, GpuCurve};
use crate::ntt::CudaNtt;
use crate::runtime::Backend;

/// Batches of fewer elements stay on the CPU under `Auto`: below this, launches and transfers
/// cost more than the transform.
pub const AUTO_MIN_ELEMENTS: usize = 1 << 16;

/// The NTT `backend` asks for on device 0. `Cuda` without a usable GPU is the error saying
/// why; `Auto` then prints one line to stderr (once per process) and uses the CPU.
pub fn ntt<F: GpuField>(backend: Backend) -> Result<Arc<dyn Ntt<F>>, CudaError> {
    let cpu = || Arc::new(Radix2Dit::<F>::new());
    match backend {
        Backend::Cpu => Ok(cpu()),
        Backend::Cuda => Ok(Arc::new(CudaNtt::<F>::new(&Gpu::new(0)?)?)),
        Backend::Auto => match Gpu::new(0).and_then(|g| CudaNtt::<F>::new(&g)) {
            Ok(gpu) => Ok(Arc::new(AutoNtt { gpu, cpu: cpu() })),
            Err(e) => {
                fall_back(&e);
                Ok(cpu())
            }
        },
    }
}

/// Says once per process that `Auto` runs on the CPU, and why.
pub fn fall_back(reason: &CudaError) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| eprintln!("carbide: CUDA unavailable ({reason}); using the CPU"));
}

/// `Auto` with a GPU: large batches there, small ones on the CPU; a GPU failure reruns the
/// call on the CPU (the GPU path changes nothing when it fails) and is reported once.
struct AutoNtt<F: GpuField> {
    gpu: CudaNtt<F>,
    cpu: Arc<Radix2Dit<F>>,
}

impl<F: GpuField> AutoNtt<F> {
    fn pick<R>(
        &self,
        len: usize,
        mut on: impl FnMut(&dyn Ntt<F>) -> Result<R, NttError>,
    ) -> Result<R, NttError> {
        if len < AUTO_MIN_ELEMENTS {
            return on(&*self.cpu);
        }
        match on(&self.gpu) {
            Err(NttError::Backend { reason, .. }) => {
                fall_back(&CudaError::Driver(reason));
                on(&*self.cpu)
            }
            other => other,
        }
    }
}

impl<F: GpuField> Ntt<F> for AutoNtt<F> {
    fn ntt_batch(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        self.pick(values.len(), |n| n.ntt_batch(values, width))
    }

    fn intt_batch(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        self.pick(values.len(), |n| n.intt_batch(values, width))
    }

    fn coset_ntt_batch(&self, values: &mut [F], width: usize, shift: F) -> Result<(), NttError> {
        self.pick(values.len(), |n| n.coset_ntt_batch(values, width, shift))
    }

    fn coset_intt_batch(&self, values: &mut [F], width: usize, shift: F) -> Result<(), NttError> {
        self.pick(values.len(), |n| n.coset_intt_batch(values, width, shift))
    }

    fn coset_lde_batch(
        &self,
        evals: &[F],
        width: usize,
        added_bits: usize,
        shift: F,
    ) -> Result<Vec<F>, NttError> {
        self.pick(evals.len() << added_bits.min(32), |n| {
            n.coset_lde_batch(evals, width, added_bits, shift)
        })
    }
}

/// MSMs of fewer points stay on the CPU under `Auto`.
pub const AUTO_MIN_POINTS: usize = 1 << 12;

/// The MSM `backend` asks for on device 0, as [`ntt`] does for the NTT.
pub fn msm<P: GpuCurve>(backend: Backend) -> Result<Arc<dyn Msm<P>>, CudaError> {
    match backend {
        Backend::Cpu => Ok(Arc::new(Pippenger::default())),
        Backend::Cuda => Ok(Arc::new(CudaMsmBackend::new(&Gpu::new(0)?))),
        Backend::Auto => match Gpu::new(0) {
            Ok(gpu) => Ok(Arc::new(AutoMsm {
                gpu: CudaMsmBackend::new(&gpu),
            })),
            Err(e) => {
                fall_back(&e);
                Ok(Arc::new(Pippenger::default()))
            }
        },
    }
}

/// `Auto` with a GPU, for MSMs: small ones on the CPU, a GPU failure rerun there.
struct AutoMsm {
    gpu: CudaMsmBackend,
}

impl<P: GpuCurve> Msm<P> for AutoMsm {
    fn msm(&self, bases: &[Affine<P>], scalars: &[Fr]) -> Result<Projective<P>, MsmError> {
        let cpu = Pippenger::default();
        if bases.len() < AUTO_MIN_POINTS {
            return cpu.msm(bases, scalars);
        }
        match self.gpu.msm(bases, scalars) {
            Err(MsmError::Backend { reason, .. }) => {
                fall_back(&CudaError::Driver(reason));
                cpu.msm(bases, scalars)
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::AffineRepr;
    use carbide_field::Goldilocks;

    #[test]
    fn cpu_and_auto_without_a_gpu_run_on_the_cpu() {
        let mut v: Vec<Goldilocks> = (0..16u64).map(Goldilocks::new).collect();
        let mut expect = v.clone();
        Radix2Dit::new().ntt_batch(&mut expect, 1).unwrap();
        ntt::<Goldilocks>(Backend::Cpu)
            .unwrap()
            .ntt_batch(&mut v, 1)
            .unwrap();
        assert_eq!(v, expect);
        if Gpu::new(0).is_err() {
            let auto = ntt::<Goldilocks>(Backend::Auto).unwrap();
            let mut w: Vec<Goldilocks> = (0..16u64).map(Goldilocks::new).collect();
            auto.ntt_batch(&mut w, 1).unwrap();
            assert_eq!(w, expect);
            let err = ntt::<Goldilocks>(Backend::Cuda).err().unwrap();
            assert!(!err.to_string().contains('\n'));
            assert!(msm::<ark_bn254::g1::Config>(Backend::Cuda).is_err());
            let g = ark_bn254::G1Affine::generator();
            let auto = msm::<ark_bn254::g1::Config>(Backend::Auto).unwrap();
            let s = [Fr::from(3u64)];
            assert_eq!(auto.msm(&[g], &s).unwrap(), g * s[0]);
        }
    }
}
