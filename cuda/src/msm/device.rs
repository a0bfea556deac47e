//! [`CudaMsm`]: bases resident on a device, MSMs over them by the kernels of `msm.cu`.

#![allow(unsafe_code)]

use std::marker::PhantomData;
use std::time::Instant;

use ark_bn254::Fr;
use ark_ec::AdditiveGroup;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ff::Zero;
use carbide_msm::{Msm, MsmError};
use cudarc::driver::{CudaSlice, LaunchConfig};
use rayon::prelude::*;

use super::curve::GpuCurve;
use super::plan::{self, Footprint};
use crate::device::{Arg, Gpu};
use crate::error::CudaError;
use crate::field::as_words;
use crate::runtime::driver_error;

/// MSMs over one set of bases kept on a CUDA device (a proving key's points): uploaded once,
/// then any number of scalar vectors, one at a time or batched (the next batch's scalars
/// upload while the current one computes). Points beyond what device memory holds at once go
/// through in chunks. The result is the same group element as the CPU MSM's.
pub struct CudaMsm<P: GpuCurve> {
    gpu: Gpu,
    uploader: Gpu,
    /// The bases, or with `folded` the precomputed multiples `2^(c·w)·P_i` at `i·W + w`.
    bases: CudaSlice<u64>,
    len: usize,
    window: Option<u32>,
    folded: bool,
    memory_limit: Option<u64>,
    _curve: PhantomData<P>,
}

impl<P: GpuCurve> std::fmt::Debug for CudaMsm<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CudaMsm")
            .field("curve", &P::NAME)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// Device time of one MSM, split where the host can see it.
#[derive(Debug, Clone, Copy, Default)]
pub struct MsmTiming {
    /// Milliseconds of device work from the scalar upload to the window sums (events).
    pub device_ms: f64,
    /// Wall milliseconds of the whole call, upload and host combination included.
    pub wall_ms: f64,
}

fn grid(items: u64, block: u32) -> LaunchConfig {
    LaunchConfig {
        grid_dim: (
            items.div_ceil(u64::from(block)).clamp(1, 1 << 20) as u32,
            1,
            1,
        ),
        block_dim: (block, 1, 1),
        shared_mem_bytes: 0,
    }
}

impl<P: GpuCurve> CudaMsm<P> {
    /// Uploads `bases` to `gpu`'s device (converted once to the device layout: affine
    /// Montgomery coordinates, `(0, 0)` for infinity).
    pub fn new(gpu: &Gpu, bases: &[Affine<P>]) -> Result<Self, CudaError> {
        Self::upload(gpu, bases, bases.len(), None)
    }

    /// The bases of a CPU context, with its precomputed multiples when it has them: every
    /// window's digits then go to one set of buckets (no per-window reduction and
    /// combination), at the window size the table was built for.
    pub fn from_context(gpu: &Gpu, ctx: &carbide_msm::MsmContext<P>) -> Result<Self, CudaError> {
        match ctx.precomputed() {
            None => Self::new(gpu, ctx.bases()),
            Some((c, table)) => {
                let c = u32::try_from(c)
                    .ok()
                    .filter(|c| (2..=20).contains(c))
                    .ok_or_else(|| CudaError::Shape(format!("window {c} is outside 2..=20")))?;
                if table.len() != ctx.len() * plan::windows(c) as usize {
                    return Err(CudaError::Shape(
                        "the table does not match the window".into(),
                    ));
                }
                Self::upload(gpu, table, ctx.len(), Some(c))
            }
        }
    }

    fn upload(
        gpu: &Gpu,
        bases: &[Affine<P>],
        len: usize,
        folded: Option<u32>,
    ) -> Result<Self, CudaError> {
        let words = 2 * P::COORD_WORDS;
        let mut host = vec![0u64; bases.len() * words];
        host.par_chunks_mut(words)
            .zip(bases.par_iter())
            .for_each(|(out, p)| P::base_words(p, out));
        let gpu = gpu.fork()?;
        let bases = if host.is_empty() {
            gpu.stream().alloc_zeros::<u64>(1)
        } else {
            gpu.stream().clone_htod(&host)
        }
        .map_err(driver_error)?;
        Ok(Self {
            uploader: gpu.fork()?,
            gpu,
            bases,
            len,
            window: folded,
            folded: folded.is_some(),
            memory_limit: None,
            _curve: PhantomData,
        })
    }

    /// The number of bases.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bases.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fixes the window size (2..=20) instead of choosing it from the number of points (a
    /// context with precomputed multiples keeps the size of its table).
    pub fn with_window(mut self, c: u32) -> Result<Self, CudaError> {
        if self.folded {
            return Err(CudaError::Shape(
                "the window is the precomputed table's".into(),
            ));
        }
        if !(2..=20).contains(&c) {
            return Err(CudaError::Shape(format!("window {c} is outside 2..=20")));
        }
        self.window = Some(c);
        Ok(self)
    }

    /// Plans as if at most `bytes` of device memory were free: larger inputs go in chunks.
    pub fn with_memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// The device the bases live on.
    pub fn gpu(&self) -> &Gpu {
        &self.gpu
    }

    /// `Σ scalars[i]·bases[i]`.
    pub fn msm(&self, scalars: &[Fr]) -> Result<Projective<P>, CudaError> {
        self.msm_timed(scalars).map(|(p, _)| p)
    }

    /// [`Self::msm`] with its timing.
    pub fn msm_timed(&self, scalars: &[Fr]) -> Result<(Projective<P>, MsmTiming), CudaError> {
        let start = Instant::now();
        self.check(scalars)?;
        let mut total = Projective::<P>::zero();
        let mut device_ms = 0.0;
        for (offset, part) in self.chunks(scalars)? {
            let staged = self.stage(&self.gpu, part)?;
            let (sum, ms) = self.gpu.timed(|| self.run(offset, staged))?;
            total += sum;
            device_ms += f64::from(ms);
        }
        let wall_ms = start.elapsed().as_secs_f64() * 1e3;
        Ok((total, MsmTiming { device_ms, wall_ms }))
    }

    /// One MSM per scalar vector over these bases; each vector's upload overlaps the previous
    /// vector's kernels (a second stream).
    pub fn msm_batch(&self, sets: &[&[Fr]]) -> Result<Vec<Projective<P>>, CudaError> {
        for s in sets {
            self.check(s)?;
        }
        let chunk = self.chunk_len(self.len)?;
        if chunk < self.len {
            return sets.iter().map(|s| self.msm(s)).collect();
        }
        let mut out = Vec::with_capacity(sets.len());
        let mut next = match sets.first() {
            Some(s) => Some(self.stage(&self.uploader, s)?),
            None => None,
        };
        for k in 0..sets.len() {
            let Some(current) = next.take() else { break };
            if let Some(s) = sets.get(k + 1) {
                next = Some(self.stage(&self.uploader, s)?);
            }
            out.push(self.run(0, current)?);
        }
        Ok(out)
    }

    fn check(&self, scalars: &[Fr]) -> Result<(), CudaError> {
        if scalars.len() == self.len {
            Ok(())
        } else {
            Err(CudaError::Shape(format!(
                "{} bases but {} scalars",
                self.len,
                scalars.len()
            )))
        }
    }

    fn window(&self, n: usize) -> u32 {
        self.window.unwrap_or_else(|| plan::window_for(n))
    }

    /// How many of `n` points go to the device at once (all, unless free memory, or the
    /// limit, is short); an error when not even the fixed part of an MSM fits.
    pub fn chunk_len(&self, n: usize) -> Result<usize, CudaError> {
        let free = (self.gpu.free_memory()? as u64).min(self.memory_limit.unwrap_or(u64::MAX));
        let c = self.window(n);
        let f: Footprint = plan::footprint(c, P::COORD_WORDS);
        let len = plan::points_per_chunk(n, &f, free)?;
        // Folded entries index the table, i·W + w, in 31 bits.
        Ok(if self.folded {
            len.min((1 << 31) / plan::windows(c) as usize)
        } else {
            len
        })
    }

    fn chunks<'a>(&self, scalars: &'a [Fr]) -> Result<Vec<(usize, &'a [Fr])>, CudaError> {
        let len = self.chunk_len(scalars.len())?;
        Ok(scalars
            .chunks(len.max(1))
            .enumerate()
            .map(|(i, c)| (i * len, c))
            .collect())
    }

    /// The scalars on the device (uploaded through `via`'s stream).
    fn stage(&self, via: &Gpu, scalars: &[Fr]) -> Result<(CudaSlice<u64>, usize), CudaError> {
        let words = as_words(scalars)?;
        let slice = if words.is_empty() {
            via.stream().alloc_zeros::<u64>(1)
        } else {
            via.stream().clone_htod(words)
        }
        .map_err(driver_error)?;
        Ok((slice, scalars.len()))
    }

    /// The kernels over points `offset .. offset + n` with their scalars on the device; the
    /// window sums combined on the host.
    fn run(
        &self,
        offset: usize,
        (scalars, n): (CudaSlice<u64>, usize),
    ) -> Result<Projective<P>, CudaError> {
        if n == 0 {
            return Ok(Projective::zero());
        }
        let g = &self.gpu;
        let s = g.stream();
        let c = self.window(n);
        let (w, b, t) = (plan::windows(c), plan::buckets(c), plan::runs(c));
        // The bucket phase's windows and list length: one set of W·n when folded.
        let fold = u32::from(self.folded);
        let (bw, list) = if self.folded {
            (1, w * n as u32)
        } else {
            (w, n as u32)
        };
        let per_base = if self.folded { w as usize } else { 1 };
        let point_words = 4 * P::COORD_WORDS;
        let pairs = w as usize * n;
        let alloc_u32 = |len: usize| s.alloc_zeros::<u32>(len.max(1)).map_err(driver_error);
        let alloc_u64 = |len: usize| s.alloc_zeros::<u64>(len.max(1)).map_err(driver_error);
        let (bucket, entry, sorted) = (alloc_u32(pairs)?, alloc_u32(pairs)?, alloc_u32(pairs)?);
        let slots = (w * b) as usize;
        let (counts, offsets) = (alloc_u32(slots)?, alloc_u32(slots)?);
        let buckets = alloc_u64(slots * point_words)?;
        let partial = alloc_u64((w * t) as usize * point_words)?;
        let sums = alloc_u64(w as usize * point_words)?;
        let n32 = n as u32;
        let bases = g.address(&self.bases) + (offset * per_base * 2 * P::COORD_WORDS * 8) as u64;
        let p_scalars = g.address(&scalars);

        let a = |x: &CudaSlice<u32>| g.addr(x);
        let args: [Arg; 8] = [
            p_scalars.into(),
            n32.into(),
            c.into(),
            w.into(),
            fold.into(),
            a(&bucket),
            a(&entry),
            a(&counts),
        ];
        // SAFETY: msm_digits(const u64* scalars, u32 n, u32 c, u32 windows, u32 fold,
        // u32* bucket, u32* entry, u32* counts) reads 4n scalar words, writes w·n bucket and
        // entry slots and increments counts below w·B (digits ≤ 2^(c−1) < B); every buffer
        // above has that size and lives past the kernel (stream-ordered frees).
        unsafe { g.launch("msm.cu", "msm_digits", grid(u64::from(n32), 256), &args)? };

        let cfg = LaunchConfig {
            grid_dim: (bw, 1, 1),
            block_dim: (256, 1, 1),
            shared_mem_bytes: 0,
        };
        let args: [Arg; 3] = [a(&counts), a(&offsets), b.into()];
        // SAFETY: msm_scan(const u32* counts, u32* offsets, u32 B), one block of 256 threads
        // (its shared array's size) per window of the bucket phase, touches bw·B ≤ w·B slots
        // of each buffer.
        unsafe { g.launch("msm.cu", "msm_scan", cfg, &args)? };

        let mut cursor = alloc_u32(slots)?;
        s.memcpy_dtod(&offsets, &mut cursor).map_err(driver_error)?;
        let args: [Arg; 8] = [
            a(&bucket),
            a(&entry),
            n32.into(),
            c.into(),
            w.into(),
            fold.into(),
            a(&cursor),
            a(&sorted),
        ];
        // SAFETY: msm_scatter(const u32* bucket, const u32* entry, u32 n, u32 c, u32 windows,
        // u32 fold, u32* cursor, u32* sorted) reads w·n pairs and writes each pair with a
        // non-zero bucket to sorted[w·n + slot] (folded: sorted[slot]), slot below its
        // window's (folded: all windows') non-zero count, so within the w·n slots (the cursors
        // start at the exclusive prefix sums of the counts).
        unsafe { g.launch("msm.cu", "msm_scatter", grid(pairs as u64, 256), &args)? };

        let args: [Arg; 8] = [
            bases.into(),
            a(&sorted),
            a(&offsets),
            a(&counts),
            list.into(),
            b.into(),
            bw.into(),
            g.addr(&buckets),
        ];
        // SAFETY: msm_accumulate(const u64* bases, const u32* sorted, const u32* offsets,
        // const u32* counts, u32 n, u32 B, u32 windows, u64* buckets) reads, per slot of its
        // bw windows, counts entries of the window's sorted list (list entries long) from its
        // offset, bases at the entries' indices (below n, or n·W into the table when folded,
        // from this chunk's first base: offset + n ≤ len), and writes one XYZZ point per slot
        // (bw·B ≤ w·B of them).
        let name = format!("msm_accumulate_{}", P::NAME);
        unsafe { g.launch("msm.cu", &name, grid(u64::from(bw * b), 64), &args)? };

        let args: [Arg; 5] = [
            g.addr(&buckets),
            b.into(),
            t.into(),
            bw.into(),
            g.addr(&partial),
        ];
        // SAFETY: msm_reduce(const u64* buckets, u32 B, u32 T, u32 windows, u64* partial)
        // reads bw·B bucket points and writes bw·T partial points (bw ≤ w).
        let name = format!("msm_reduce_{}", P::NAME);
        unsafe { g.launch("msm.cu", &name, grid(u64::from(bw * t), 64), &args)? };

        let args: [Arg; 4] = [g.addr(&partial), t.into(), bw.into(), g.addr(&sums)];
        // SAFETY: msm_window_sum(const u64* partial, u32 T, u32 windows, u64* sums) reads
        // bw·T points and writes bw (bw ≤ w).
        let name = format!("msm_window_sum_{}", P::NAME);
        unsafe { g.launch("msm.cu", &name, grid(u64::from(bw), 32), &args)? };

        let host = s.clone_dtoh(&sums).map_err(driver_error)?;
        s.synchronize().map_err(driver_error)?;
        drop((
            scalars, bucket, entry, sorted, counts, offsets, cursor, buckets, partial,
        ));
        combine::<P>(&host[..bw as usize * point_words], c, bw as usize)
    }
}

/// Σ_w 2^(c·w)·S_w from the window sums' XYZZ words (Horner from the top window).
pub(crate) fn combine<P: GpuCurve>(
    words: &[u64],
    c: u32,
    windows: usize,
) -> Result<Projective<P>, CudaError> {
    let point_words = 4 * P::COORD_WORDS;
    let mut acc = Projective::<P>::zero();
    for w in (0..windows).rev() {
        for _ in 0..c {
            acc.double_in_place();
        }
        let s = P::from_xyzz(&words[w * point_words..(w + 1) * point_words]).ok_or_else(|| {
            CudaError::Driver(format!("window {w}'s sum is not a point of {}", P::NAME))
        })?;
        acc += s;
    }
    Ok(acc)
}

/// The `Msm` capability on a device: each call uploads its bases (for repeated MSMs over one
/// set, keep a [`CudaMsm`]).
#[derive(Debug, Clone)]
pub struct CudaMsmBackend {
    gpu: Gpu,
}

impl CudaMsmBackend {
    /// MSMs on `gpu`'s device.
    pub fn new(gpu: &Gpu) -> Self {
        Self { gpu: gpu.clone() }
    }
}

impl<P: GpuCurve> Msm<P> for CudaMsmBackend {
    fn msm(&self, bases: &[Affine<P>], scalars: &[Fr]) -> Result<Projective<P>, MsmError> {
        if bases.len() != scalars.len() {
            return Err(MsmError::LengthMismatch {
                bases: bases.len(),
                scalars: scalars.len(),
            });
        }
        let backend = |e: CudaError| MsmError::Backend {
            backend: "cuda",
            reason: e.to_string(),
        };
        CudaMsm::new(&self.gpu, bases)
            .and_then(|m| m.msm(scalars))
            .map_err(backend)
    }

    /// The bases go up once for the whole batch.
    fn msm_batch(
        &self,
        bases: &[Affine<P>],
        sets: &[&[Fr]],
    ) -> Result<Vec<Projective<P>>, MsmError> {
        if let Some(s) = sets.iter().find(|s| s.len() != bases.len()) {
            return Err(MsmError::LengthMismatch {
                bases: bases.len(),
                scalars: s.len(),
            });
        }
        CudaMsm::new(&self.gpu, bases)
            .and_then(|m| m.msm_batch(sets))
            .map_err(|e| MsmError::Backend {
                backend: "cuda",
                reason: e.to_string(),
            })
    }
}
