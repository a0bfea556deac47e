//! One device: its context, a stream, and the kernels loaded on it (compiled for its
//! architecture on first use).

#![allow(unsafe_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cudarc::driver::{
    CudaContext, CudaFunction, CudaModule, CudaSlice, CudaStream, DevicePtr, LaunchConfig,
    PushKernelArg,
};
use cudarc::nvrtc::Ptx;

use crate::error::CudaError;
use crate::nvrtc::{entry_params, ptx};
use crate::runtime::{DeviceInfo, device_count, driver_error as driver, info};

/// What every stream of one device shares: its context and the kernels loaded on it.
struct Shared {
    info: DeviceInfo,
    ctx: Arc<CudaContext>,
    /// Each loaded kernel file with its PTX (for the entries' parameter lists).
    modules: Mutex<HashMap<&'static str, Loaded>>,
}

/// A loaded module and the PTX it came from.
type Loaded = (Arc<CudaModule>, Arc<String>);

/// A kernel argument: every carbide kernel takes 32- and 64-bit integers (device addresses
/// among the latter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arg {
    U32(u32),
    U64(u64),
}

impl From<u32> for Arg {
    fn from(v: u32) -> Self {
        Arg::U32(v)
    }
}

impl From<u64> for Arg {
    fn from(v: u64) -> Self {
        Arg::U64(v)
    }
}

impl Arg {
    fn size(self) -> usize {
        match self {
            Arg::U32(_) => 4,
            Arg::U64(_) => 8,
        }
    }
}

/// A CUDA device ready to run carbide's kernels, with one stream: work issued through one
/// `Gpu` runs in order; [`Gpu::fork`] gives another stream on the same device (and the same
/// loaded kernels) for work that may overlap.
#[derive(Clone)]
pub struct Gpu {
    shared: Arc<Shared>,
    stream: Arc<CudaStream>,
}

impl std::fmt::Debug for Gpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gpu")
            .field("info", &self.shared.info)
            .finish_non_exhaustive()
    }
}

impl Gpu {
    /// Device `ordinal`, or why it cannot be used.
    pub fn new(ordinal: usize) -> Result<Self, CudaError> {
        if ordinal >= device_count()? {
            return Err(CudaError::NoDevice);
        }
        let ctx = CudaContext::new(ordinal).map_err(driver)?;
        let info = info(&ctx)?;
        let stream = ctx.new_stream().map_err(driver)?;
        Ok(Self {
            shared: Arc::new(Shared {
                info,
                ctx,
                modules: Mutex::new(HashMap::new()),
            }),
            stream,
        })
    }

    /// The same device with a stream of its own.
    pub fn fork(&self) -> Result<Self, CudaError> {
        Ok(Self {
            shared: self.shared.clone(),
            stream: self.shared.ctx.new_stream().map_err(driver)?,
        })
    }

    /// What the driver says about this device.
    pub fn info(&self) -> &DeviceInfo {
        &self.shared.info
    }

    /// Free device memory in bytes, as the driver counts it now.
    pub fn free_memory(&self) -> Result<usize, CudaError> {
        self.shared
            .ctx
            .mem_get_info()
            .map(|(free, _)| free)
            .map_err(driver)
    }

    /// Waits for everything issued on this stream.
    pub fn synchronize(&self) -> Result<(), CudaError> {
        self.stream.synchronize().map_err(driver)
    }

    /// `f`'s result and the device time, in milliseconds, between events recorded on this
    /// stream before and after it: the time of the work `f` issues here, not of the host.
    pub fn timed<R>(
        &self,
        f: impl FnOnce() -> Result<R, CudaError>,
    ) -> Result<(R, f32), CudaError> {
        let timing = Some(cudarc::driver::sys::CUevent_flags::CU_EVENT_DEFAULT);
        let start = self.stream.record_event(timing).map_err(driver)?;
        let out = f()?;
        let end = self.stream.record_event(timing).map_err(driver)?;
        let ms = start.elapsed_ms(&end).map_err(driver)?;
        Ok((out, ms))
    }

    pub(crate) fn stream(&self) -> &Arc<CudaStream> {
        &self.stream
    }

    /// Kernel `name` of kernel file `file`, compiled and loaded on first use, with its
    /// parameters' sizes.
    fn kernel(
        &self,
        file: &'static str,
        name: &str,
    ) -> Result<(CudaFunction, Vec<usize>), CudaError> {
        let (module, src) = {
            let mut modules = self
                .shared
                .modules
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            match modules.get(file) {
                Some(m) => m.clone(),
                None => {
                    let src = ptx(file, &self.shared.info.arch())?;
                    let m = self
                        .shared
                        .ctx
                        .load_module(Ptx::from_src(src.as_str()))
                        .map_err(driver)?;
                    modules.insert(file, (m.clone(), src.clone()));
                    (m, src)
                }
            }
        };
        let params = entry_params(&src, name)
            .ok_or_else(|| CudaError::Shape(format!("{file} has no kernel {name}")))?;
        Ok((module.load_function(name).map_err(driver)?, params))
    }

    /// Launches kernel `name` of `file` with `args`, after checking them against the
    /// kernel's parameters as compiled (count and sizes): a mismatch is an error, not a
    /// launch.
    ///
    /// # Safety
    /// Every address among `args` must point into device memory that stays allocated until
    /// the kernel has run (frees on this stream are ordered after it), large enough for every
    /// access the kernel makes with these arguments and `cfg` (see each kernel's comment).
    pub(crate) unsafe fn launch(
        &self,
        file: &'static str,
        name: &str,
        cfg: LaunchConfig,
        args: &[Arg],
    ) -> Result<(), CudaError> {
        let (f, params) = self.kernel(file, name)?;
        let given: Vec<usize> = args.iter().map(|a| a.size()).collect();
        if given != params {
            return Err(CudaError::Shape(format!(
                "{name} takes parameters of {params:?} bytes, was given {given:?}"
            )));
        }
        let mut launch = self.stream.launch_builder(&f);
        for a in args {
            match a {
                Arg::U32(v) => launch.arg(v),
                Arg::U64(v) => launch.arg(v),
            };
        }
        // SAFETY: the arguments match the kernel's compiled parameter list in number and
        // size (checked above); the caller guarantees what they point to (this function's
        // contract).
        unsafe { launch.launch(cfg) }.map_err(driver)?;
        Ok(())
    }

    /// `out[i] = op(a[i], b[i])` for a kernel of `field_ops.cu`, elements of `words` u64
    /// each (1 for Goldilocks, 4 for 256-bit Montgomery limbs).
    pub fn binary(
        &self,
        kernel: &str,
        a: &[u64],
        b: &[u64],
        words: usize,
    ) -> Result<Vec<u64>, CudaError> {
        let shape = |why: String| CudaError::Shape(format!("{kernel}: {why}"));
        if a.len() != b.len() || words == 0 || !a.len().is_multiple_of(words) {
            return Err(shape(format!(
                "operands of {} and {} words, {words} per element",
                a.len(),
                b.len()
            )));
        }
        let n = u32::try_from(a.len() / words)
            .map_err(|_| shape(format!("{} elements exceed u32", a.len() / words)))?;
        if n == 0 {
            return Ok(Vec::new());
        }
        let da = self.stream.clone_htod(a).map_err(driver)?;
        let db = self.stream.clone_htod(b).map_err(driver)?;
        let out = self.stream.alloc_zeros::<u64>(a.len()).map_err(driver)?;
        let args = [self.addr(&da), self.addr(&db), self.addr(&out), n.into()];
        // SAFETY: every field_ops.cu kernel takes (const u64*, const u64*, u64*, u32 n) and
        // touches words below n·words only; the three buffers hold exactly n·words u64 each
        // and live until the copy below, which the stream orders after the kernel.
        unsafe {
            self.launch(
                "field_ops.cu",
                kernel,
                LaunchConfig::for_num_elems(n),
                &args,
            )?
        };
        self.stream.clone_dtoh(&out).map_err(driver)
    }

    /// The device address of `s`. Buffers are used on the stream that made them, or
    /// (cudarc's multi-stream tracking) this stream waits for their last write.
    pub(crate) fn address<T>(&self, s: &CudaSlice<T>) -> u64 {
        let (ptr, _recorded) = s.device_ptr(&self.stream);
        ptr
    }

    /// [`Self::address`] as a kernel argument.
    pub(crate) fn addr<T>(&self, s: &CudaSlice<T>) -> Arg {
        Arg::U64(self.address(s))
    }
}
