//! [`CudaNtt`]: the launch plans of [`super::plan`] run on a device.

#![allow(unsafe_code)]

use std::marker::PhantomData;
use std::sync::Mutex;

use carbide_ntt::{Ntt, NttError, log_rows};
use cudarc::driver::{DevicePtrMut, LaunchConfig};
use rayon::prelude::*;

use super::plan::{self, Buf, Launch, Op, Powers, Shape};
use crate::buffer::DeviceBuffer;
use crate::device::{Arg, Gpu};
use crate::error::CudaError;
use crate::field::GpuField;

/// The NTT on a CUDA device: every method of `carbide_ntt::Ntt` runs there (uploads, one
/// launch per group of stages, downloads), with the same outputs as the CPU's
/// [`carbide_ntt::Radix2Dit`], bit for bit (Goldilocks in canonical form). Batches larger
/// than free device memory go through in groups of columns. Calls on one `CudaNtt` are
/// serialised on its own stream.
pub struct CudaNtt<F> {
    gpu: Gpu,
    memory_limit: Option<u64>,
    state: Mutex<State<F>>,
    _field: PhantomData<F>,
}

impl<F> std::fmt::Debug for CudaNtt<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CudaNtt")
            .field("gpu", &self.gpu)
            .finish_non_exhaustive()
    }
}

/// The twiddle table (`ω_N^m`, `m < N/2`, for the largest `N = 2^tw_log` used so far).
struct State<F> {
    twiddles: Option<(u32, DeviceBuffer<F>)>,
}

fn backend(e: CudaError) -> NttError {
    NttError::Backend {
        backend: "cuda",
        reason: e.to_string(),
    }
}

/// The three buffers of an operation; `C` may be absent.
pub(crate) struct Buffers<'a, F> {
    pub a: &'a mut DeviceBuffer<F>,
    pub b: &'a mut DeviceBuffer<F>,
    pub c: Option<&'a mut DeviceBuffer<F>>,
}

impl<F: GpuField> CudaNtt<F> {
    /// The NTT on `gpu`'s device, on a stream of its own.
    pub fn new(gpu: &Gpu) -> Result<Self, CudaError> {
        Ok(Self {
            gpu: gpu.fork()?,
            memory_limit: None,
            state: Mutex::new(State { twiddles: None }),
            _field: PhantomData,
        })
    }

    /// Plans as if at most `bytes` of device memory were free (less when less is): batches
    /// that do not fit go through in groups of columns. For sharing a device, and for testing
    /// the grouped path.
    pub fn with_memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// The launches (global passes over the data) of a transform of `2^log_n` points: each
    /// reads and writes every element once, which sets the memory floor.
    pub fn passes(log_n: u32) -> usize {
        plan::passes(log_n, F::SHARED_LOG, F::COALESCE_LOG).len()
    }

    /// The device (and stream) it runs on.
    pub fn gpu(&self) -> &Gpu {
        &self.gpu
    }

    fn shape() -> Shape {
        Shape {
            shared_log: F::SHARED_LOG,
            coalesce_log: F::COALESCE_LOG,
        }
    }

    /// The device table of powers `p` (`count` entries) built by the `powers` kernel.
    fn powers(&self, p: &Powers<F>, count: u64) -> Result<DeviceBuffer<F>, CudaError> {
        let table = Some(self.scale_table(p)?);
        let out = self.gpu.alloc::<F>(count as usize)?;
        let (lo, hi, lo_bits) = table_args(&table, &self.gpu);
        let cfg = LaunchConfig {
            grid_dim: (count.div_ceil(256).clamp(1, 1 << 16) as u32, 1, 1),
            block_dim: (256, 1, 1),
            shared_mem_bytes: 0,
        };
        let args = [
            lo.into(),
            hi.into(),
            lo_bits.into(),
            self.gpu.address(&out.words).into(),
            count.into(),
        ];
        // SAFETY: `powers_<field>(const u64* lo, const u64* hi, u32 lo_bits, u64* out, u64
        // count)` reads lo[m & (2^lo_bits − 1)] and, when hi is not null, hi[m >> lo_bits]
        // for m < count, and writes out[m]: `Powers::geometric` holds 2^lo_bits lo entries
        // and hi entries for every m below its row count ≥ count, `out` holds count
        // elements; `table` is dropped (its frees enqueued) only after the launch.
        unsafe {
            self.gpu
                .launch("ntt.cu", &format!("powers_{}", F::NAME), cfg, &args)?
        };
        drop(table);
        Ok(out)
    }

    /// Makes the twiddle table cover transforms of `2^log_n` points.
    fn ensure_twiddles(&self, state: &mut State<F>, log_n: u32) -> Result<(), CudaError> {
        let tw_log = log_n.max(1);
        if state.twiddles.as_ref().is_some_and(|(l, _)| *l >= tw_log) {
            return Ok(());
        }
        let p = plan::twiddle_powers::<F>(tw_log).ok_or_else(|| {
            CudaError::Shape(format!("2^{tw_log} exceeds the field's two-adicity"))
        })?;
        let table = self.powers(&p, 1 << (tw_log - 1))?;
        state.twiddles = Some((tw_log, table));
        Ok(())
    }

    /// Runs `launches` on `bufs`.
    fn run(
        &self,
        state: &mut State<F>,
        launches: &[Launch<F>],
        bufs: Buffers<'_, F>,
    ) -> Result<(), CudaError> {
        let max_log = launches.iter().map(|l| l.log_n).max().unwrap_or(0);
        self.ensure_twiddles(state, max_log)?;
        let Some((tw_log, tw)) = &state.twiddles else {
            return Err(CudaError::Shape("no twiddle table".into()));
        };
        let stream = self.gpu.stream();
        let sizes = [
            bufs.a.len(),
            bufs.b.len(),
            bufs.c.as_ref().map_or(0, |c| c.len()),
        ];
        let (pa, _ga) = bufs.a.words.device_ptr_mut(stream);
        let (pb, _gb) = bufs.b.words.device_ptr_mut(stream);
        let mut c_guard = None;
        let pc = match bufs.c {
            Some(c) => {
                let (p, g) = c.words.device_ptr_mut(stream);
                c_guard = Some(g);
                p
            }
            None => 0,
        };
        let ptr_of = |b: Buf| match b {
            Buf::A => (pa, sizes[0]),
            Buf::B => (pb, sizes[1]),
            Buf::C => (pc, sizes[2]),
        };
        let tw_ptr = self.gpu.address(&tw.words);
        let tw_log = *tw_log;
        for l in launches {
            let (src, src_len) = ptr_of(l.read.buf);
            let (dst, dst_len) = ptr_of(l.write.buf);
            check_extent(l, src_len, dst_len)?;
            // Scale tables live until the stream has run the launch (stream-ordered frees).
            let pre = match &l.read.scale {
                Some(p) => Some(self.scale_table(p)?),
                None => None,
            };
            let post = match &l.write.scale {
                Some(p) => Some(self.scale_table(p)?),
                None => None,
            };
            let (in_lo, in_hi, in_bits) = table_args(&pre, &self.gpu);
            let (out_lo, out_hi, out_bits) = table_args(&post, &self.gpu);
            let inverse = u32::from(l.inverse);
            let (log_n, s0, k, t, width) = (l.log_n, l.pass.s0, l.pass.k, l.pass.t, l.width);
            let (in_rs, in_cs, in_rows, in_bitrev) =
                (l.read.rs, l.read.cs, l.read.rows, u32::from(l.read.bitrev));
            let (out_rs, out_cs) = (l.write.rs, l.write.cs);
            let g = l.geometry(F::WORDS);
            let cfg = LaunchConfig {
                grid_dim: (g.grid.0, g.grid.1, 1),
                block_dim: (g.block, 1, 1),
                shared_mem_bytes: g.shared_bytes,
            };
            let args: [Arg; 22] = [
                src.into(),
                dst.into(),
                tw_ptr.into(),
                tw_log.into(),
                inverse.into(),
                log_n.into(),
                s0.into(),
                k.into(),
                t.into(),
                width.into(),
                in_rs.into(),
                in_cs.into(),
                in_rows.into(),
                in_bitrev.into(),
                in_lo.into(),
                in_hi.into(),
                in_bits.into(),
                out_rs.into(),
                out_cs.into(),
                out_lo.into(),
                out_hi.into(),
                out_bits.into(),
            ];
            // SAFETY: `ntt_pass_<field>` takes these 22 arguments in this order
            // (kernels/ntt.cu, NTT_KERNELS; count and sizes checked by `launch`). Every
            // address it forms is inside a live buffer: `check_extent` bounds the largest read
            // (row < rows, column < width) and write (position < 2^log_n) by the buffers'
            // lengths; twiddle indices are below 2^(tw_log−1), the table's length, since
            // log_n ≤ tw_log; scale tables cover every row below 2^log_n (`Powers::geometric`)
            // or are one constant read at index 0 with a null hi. Shared memory is 2^(k+t)
            // elements, the slots the block uses. The buffers outlive the launch: the guards
            // above are held to the end of this function, the scale tables are dropped after
            // it, and frees are ordered on the stream.
            let name = format!("ntt_pass_{}", F::NAME);
            unsafe { self.gpu.launch("ntt.cu", &name, cfg, &args)? };
            drop((pre, post));
        }
        drop(c_guard);
        Ok(())
    }

    fn scale_table(&self, p: &Powers<F>) -> Result<Table<F>, CudaError> {
        let lo = self.gpu.upload(&p.lo)?;
        let hi = if p.hi.is_empty() {
            None
        } else {
            Some(self.gpu.upload(&p.hi)?)
        };
        Ok((lo, hi, p.lo_bits))
    }
}

type Table<F> = (DeviceBuffer<F>, Option<DeviceBuffer<F>>, u32);

fn table_args<F: GpuField>(t: &Option<Table<F>>, gpu: &Gpu) -> (u64, u64, u32) {
    match t {
        None => (0, 0, 0),
        Some((lo, hi, bits)) => (
            gpu.address(&lo.words),
            hi.as_ref().map_or(0, |h| gpu.address(&h.words)),
            *bits,
        ),
    }
}

/// Refuses a launch that would address past its buffers.
fn check_extent<F>(l: &Launch<F>, src_len: usize, dst_len: usize) -> Result<(), CudaError> {
    let n = 1u64 << l.log_n;
    let w = u64::from(l.width.max(1)) - 1;
    let last_read = (l.read.rows.min(n).max(1) - 1) * l.read.rs + w * l.read.cs;
    let last_write = (n - 1) * l.write.rs + w * l.write.cs;
    if last_read >= src_len as u64 || last_write >= dst_len as u64 {
        return Err(CudaError::Shape(format!(
            "launch reaches element {last_read} of {src_len} / {last_write} of {dst_len}"
        )));
    }
    Ok(())
}

impl<F: GpuField> CudaNtt<F> {
    /// Bytes of one element.
    const BYTES: u64 = 8 * F::WORDS as u64;

    /// How many columns go to the device at once for buffers of `elements_per_column`.
    fn chunk(
        &self,
        width: usize,
        elements_per_column: u64,
        log_tw: u32,
    ) -> Result<usize, CudaError> {
        let free = (self.gpu.free_memory()? as u64).min(self.memory_limit.unwrap_or(u64::MAX));
        let twiddles = (1u64 << log_tw.max(1)) / 2 * Self::BYTES;
        plan::columns_per_chunk(width, elements_per_column * Self::BYTES, twiddles, free)
    }

    /// `op` on a row-major batch, in place.
    fn in_place(&self, values: &mut [F], width: usize, op: Op<F>) -> Result<(), NttError> {
        let log_n = log_rows::<F>(values.len(), width)? as u32;
        let n = 1usize << log_n;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let cols = self.chunk(width, 2 * n as u64, log_n).map_err(backend)?;
        let run = |state: &mut State<F>, data: &mut [F], w: usize| -> Result<(), CudaError> {
            let launches = plan::in_place(Self::shape(), log_n, w, op);
            let mut a = self.gpu.upload(data)?;
            let mut b = self.gpu.alloc::<F>(data.len())?;
            self.run(
                state,
                &launches,
                Buffers {
                    a: &mut a,
                    b: &mut b,
                    c: None,
                },
            )?;
            a.download_into(&self.gpu, data)
        };
        if cols == width {
            return run(&mut state, values, width).map_err(backend);
        }
        // Every group is computed before any is written back, so an error changes nothing.
        let mut parts = Vec::new();
        for c0 in (0..width).step_by(cols) {
            let w = cols.min(width - c0);
            let mut part = gather(values, width, c0, w);
            run(&mut state, &mut part, w).map_err(backend)?;
            parts.push((c0, w, part));
        }
        for (c0, w, part) in parts {
            scatter(&part, values, width, c0, w);
        }
        Ok(())
    }

    /// The low-degree extension on the device, a group of columns at a time.
    fn lde(&self, evals: &[F], width: usize, added: usize, shift: F) -> Result<Vec<F>, NttError> {
        let log_n = log_rows::<F>(evals.len(), width)?;
        let log_big = log_n + added;
        if log_big > F::TWO_ADICITY {
            return Err(NttError::TooLarge {
                log_len: log_big,
                max_log_len: F::TWO_ADICITY,
            });
        }
        if shift.is_zero() {
            return Err(NttError::ZeroShift);
        }
        let total = evals
            .len()
            .checked_shl(added as u32)
            .filter(|t| t >> added == evals.len())
            .ok_or(NttError::OutOfMemory {
                elements: usize::MAX,
            })?;
        let mut out = Vec::new();
        out.try_reserve_exact(total)
            .map_err(|_| NttError::OutOfMemory { elements: total })?;
        out.resize(total, F::ZERO);
        let (n, big) = (1u64 << log_n, 1u64 << log_big);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let cols = self
            .chunk(width, n + 2 * big, log_big as u32)
            .map_err(backend)?;
        let run =
            |state: &mut State<F>, data: &[F], w: usize, dst: &mut [F]| -> Result<(), CudaError> {
                let (launches, result) =
                    plan::lde(Self::shape(), log_n as u32, w, added as u32, shift);
                let mut a = self.gpu.upload(data)?;
                let mut b = self.gpu.alloc::<F>(big as usize * w)?;
                let mut c = self.gpu.alloc::<F>(big as usize * w)?;
                self.run(
                    state,
                    &launches,
                    Buffers {
                        a: &mut a,
                        b: &mut b,
                        c: Some(&mut c),
                    },
                )?;
                match result {
                    Buf::A => a.download_into(&self.gpu, dst),
                    Buf::B => b.download_into(&self.gpu, dst),
                    Buf::C => c.download_into(&self.gpu, dst),
                }
            };
        if cols == width {
            run(&mut state, evals, width, &mut out).map_err(backend)?;
            return Ok(out);
        }
        for c0 in (0..width).step_by(cols) {
            let w = cols.min(width - c0);
            let staging = gather(evals, width, c0, w);
            let mut result = vec![F::ZERO; big as usize * w];
            run(&mut state, &staging, w, &mut result).map_err(backend)?;
            scatter(&result, &mut out, width, c0, w);
        }
        Ok(out)
    }

    /// The forward transform of a row-major batch already on the device, in place, with
    /// `work` (as long as `data`) as scratch: no transfers, for callers that keep data
    /// resident (and for timing the kernels alone).
    pub fn ntt_device(
        &self,
        data: &mut DeviceBuffer<F>,
        work: &mut DeviceBuffer<F>,
        width: usize,
    ) -> Result<(), CudaError> {
        let log_n =
            log_rows::<F>(data.len(), width).map_err(|e| CudaError::Shape(e.to_string()))? as u32;
        if work.len() < data.len() {
            return Err(CudaError::Shape(format!(
                "work buffer of {} elements for {}",
                work.len(),
                data.len()
            )));
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let launches = plan::in_place(Self::shape(), log_n, width, Op::Forward);
        self.run(
            &mut state,
            &launches,
            Buffers {
                a: data,
                b: work,
                c: None,
            },
        )
    }
}

/// Columns `c0 .. c0 + w` of a row-major batch, as a row-major batch of their own.
fn gather<F: Copy + Send + Sync>(values: &[F], width: usize, c0: usize, w: usize) -> Vec<F> {
    values
        .par_chunks(width)
        .flat_map_iter(|row| row[c0..c0 + w].iter().copied())
        .collect()
}

/// The inverse of [`gather`]: writes the columns back.
fn scatter<F: Copy + Send + Sync>(part: &[F], values: &mut [F], width: usize, c0: usize, w: usize) {
    values
        .par_chunks_mut(width)
        .zip(part.par_chunks(w))
        .for_each(|(row, src)| row[c0..c0 + w].copy_from_slice(src));
}

impl<F: GpuField> Ntt<F> for CudaNtt<F> {
    fn ntt_batch(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        self.in_place(values, width, Op::Forward)
    }

    fn intt_batch(&self, values: &mut [F], width: usize) -> Result<(), NttError> {
        self.in_place(values, width, Op::Inverse)
    }

    fn coset_ntt_batch(&self, values: &mut [F], width: usize, shift: F) -> Result<(), NttError> {
        self.in_place(values, width, Op::Coset(shift))
    }

    fn coset_intt_batch(&self, values: &mut [F], width: usize, shift: F) -> Result<(), NttError> {
        if shift.is_zero() {
            return Err(NttError::ZeroShift);
        }
        self.in_place(values, width, Op::CosetInverse(shift))
    }

    fn coset_lde_batch(
        &self,
        evals: &[F],
        width: usize,
        added_bits: usize,
        shift: F,
    ) -> Result<Vec<F>, NttError> {
        self.lde(evals, width, added_bits, shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_and_scatter_are_inverse() {
        let v: Vec<u64> = (0..24).collect();
        let part = gather(&v, 4, 1, 2);
        assert_eq!(part, vec![1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22]);
        let mut w = vec![0u64; 24];
        scatter(&part, &mut w, 4, 1, 2);
        assert_eq!(w.iter().filter(|&&x| x != 0).count(), 12);
        assert_eq!(w[5], 5);
        assert_eq!(w[6], 6);
        assert_eq!(w[7], 0);
    }
}
