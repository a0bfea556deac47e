//! `carbide bench ntt|msm --backend cuda`. The GPU NTT timed on resident data (device events
//! around the launches) and with transfers (host slice in, host slice out, wall clock),
//! beside carbide's CPU NTT on the same inputs in the same rounds, against the floor of the
//! memory traffic the launches need. The GPU MSM (BN254 G1) with resident bases: device time
//! of the kernels, and wall time with the scalar upload, beside carbide's CPU MSM in the same
//! rounds.

use std::hint::black_box;
use std::time::Instant;

use carbide_cuda::{CudaError, CudaMsm, CudaNtt, Gpu, GpuField};
use carbide_field::Goldilocks;
use carbide_ntt::{Ntt, Radix2Dit};
use serde_json::{Value, json};

use crate::driver::Options;
use crate::random_vec;

/// One size of one field.
#[derive(Clone, Debug)]
pub struct GpuRow {
    /// `ntt/<field>-2^k`.
    pub group: String,
    /// log2 of the transform size.
    pub log_n: u32,
    /// Median device milliseconds, data resident.
    pub resident_ms: f64,
    /// Median wall milliseconds including upload and download.
    pub transfer_ms: f64,
    /// Median milliseconds of carbide's CPU NTT on this machine.
    pub cpu_ms: f64,
    /// Milliseconds to move the launches' bytes at the device's bandwidth.
    pub floor_ms: f64,
    /// Every resident sample, milliseconds.
    pub resident_samples: Vec<f64>,
}

/// Read+write bandwidth the floor assumes, bytes per second, and where the figure comes from.
pub fn bandwidth(device: &str) -> (f64, &'static str) {
    if device.contains("H200") {
        (4.3e12, "H200, 4.3 TB/s measured read+write (GPU.md)")
    } else if device.contains("H100") {
        (3.0e12, "H100, 3.0 TB/s measured read+write (GPU.md)")
    } else {
        (3.0e12, "unknown device: the H100's 3.0 TB/s assumed")
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn one<F: GpuField>(
    gpu: &Gpu,
    field: &str,
    log_n: u32,
    rounds: usize,
) -> Result<GpuRow, CudaError> {
    let n = 1usize << log_n;
    let ntt = CudaNtt::<F>::new(gpu)?;
    let cpu = Radix2Dit::<F>::new();
    let input: Vec<F> = random_vec(n, 900 + u64::from(log_n));
    let mut data = gpu.upload(&input)?;
    let mut work = gpu.alloc::<F>(n)?;
    let dev = ntt.gpu();
    for _ in 0..3 {
        ntt.ntt_device(&mut data, &mut work, 1)?;
    }
    dev.synchronize()?;
    let mut host = input.clone();
    let mut cpu_data = input.clone();
    let (mut resident, mut transfer, mut on_cpu) = (Vec::new(), Vec::new(), Vec::new());
    let shape = |e: carbide_ntt::NttError| CudaError::Shape(e.to_string());
    for _ in 0..rounds {
        // Five back-to-back transforms per resident sample: launch gaps count, the timer's
        // resolution does not.
        let (_, ms) = dev.timed(|| {
            for _ in 0..5 {
                ntt.ntt_device(&mut data, &mut work, 1)?;
            }
            Ok(())
        })?;
        resident.push(f64::from(ms) / 5.0);
        let t = Instant::now();
        ntt.ntt_batch(black_box(&mut host), 1).map_err(shape)?;
        transfer.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        cpu.ntt_batch(black_box(&mut cpu_data), 1).map_err(shape)?;
        on_cpu.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let bytes = (CudaNtt::<F>::passes(log_n) * 2 * n * 8 * F::WORDS) as f64;
    let (bw, _) = bandwidth(&gpu.info().name);
    Ok(GpuRow {
        group: format!("ntt/{field}-2^{log_n}"),
        log_n,
        resident_samples: resident.clone(),
        resident_ms: median(&mut resident),
        transfer_ms: median(&mut transfer),
        cpu_ms: median(&mut on_cpu),
        floor_ms: bytes / bw * 1e3,
    })
}

/// The GPU NTT rows: Goldilocks 2^20..2^26, BN254 Fr 2^20..2^24 (those matching the filter),
/// printed as they finish.
pub fn ntt_rows(
    gpu: &Gpu,
    opts: &Options,
    mut done: impl FnMut(&GpuRow),
) -> Result<Vec<GpuRow>, CudaError> {
    let rounds = opts.rounds.max(5);
    let keep = |g: &str| opts.filter.as_deref().is_none_or(|f| g.contains(f));
    let mut rows = Vec::new();
    for log_n in 20..=26 {
        if keep(&format!("ntt/goldilocks-2^{log_n}")) {
            let row = one::<Goldilocks>(gpu, "goldilocks", log_n, rounds)?;
            done(&row);
            rows.push(row);
        }
    }
    for log_n in 20..=24 {
        if keep(&format!("ntt/bn254-fr-2^{log_n}")) {
            let row = one::<ark_bn254::Fr>(gpu, "bn254-fr", log_n, rounds)?;
            done(&row);
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The JSON document of a GPU run.
pub fn to_json(gpu: &Gpu, opts: &Options, rows: &[GpuRow]) -> Value {
    let info = gpu.info();
    let (bw, source) = bandwidth(&info.name);
    json!({
        "tool": "carbide bench",
        "suite": "ntt",
        "backend": "cuda",
        "device": { "name": info.name, "arch": info.arch(), "memory_bytes": info.total_memory },
        "bandwidth_bytes_per_s": bw,
        "bandwidth_source": source,
        "rounds": opts.rounds.max(5),
        "cpu_threads": rayon::current_num_threads(),
        "rows": rows.iter().map(|r| json!({
            "group": r.group,
            "log_n": r.log_n,
            "resident_ms": r.resident_ms,
            "with_transfers_ms": r.transfer_ms,
            "cpu_ms": r.cpu_ms,
            "floor_ms": r.floor_ms,
            "fraction_of_floor": r.floor_ms / r.resident_ms,
            "cpu_over_gpu_resident": r.cpu_ms / r.resident_ms,
            "resident_samples_ms": r.resident_samples,
        })).collect::<Vec<_>>(),
    })
}

/// One MSM size.
#[derive(Clone, Debug)]
pub struct GpuMsmRow {
    /// `msm/bn254-g1-2^k`.
    pub group: String,
    /// log2 of the number of points.
    pub log_n: u32,
    /// Median device milliseconds (bases and scalars resident).
    pub device_ms: f64,
    /// Median wall milliseconds with the scalar upload and the host's window combination.
    pub wall_ms: f64,
    /// Median milliseconds of carbide's CPU MSM on this machine.
    pub cpu_ms: f64,
}

/// The GPU MSM rows: BN254 G1 at 2^16..2^24 (those matching the filter).
pub fn msm_rows(
    gpu: &Gpu,
    opts: &Options,
    mut done: impl FnMut(&GpuMsmRow),
) -> Result<Vec<GpuMsmRow>, CudaError> {
    let mut rows = Vec::new();
    for log_n in (16..=24).step_by(2) {
        let group = format!("msm/bn254-g1-2^{log_n}");
        if opts.filter.as_deref().is_some_and(|f| !group.contains(f)) {
            continue;
        }
        let (bases, scalars) = crate::msm_inputs(1 << log_n, 700 + u64::from(log_n));
        let ctx = CudaMsm::new(gpu, &bases)?;
        let want =
            carbide_msm::msm(&bases, &scalars).map_err(|e| CudaError::Shape(e.to_string()))?;
        if ctx.msm(&scalars)? != want {
            return Err(CudaError::Driver(format!(
                "{group}: the GPU result differs from the CPU's"
            )));
        }
        // The CPU takes seconds at 2^24: fewer rounds there.
        let rounds = if log_n >= 22 {
            opts.rounds.clamp(3, 5)
        } else {
            opts.rounds.max(5)
        };
        let (mut dev, mut wall, mut cpu) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let (_, t) = ctx.msm_timed(black_box(&scalars))?;
            dev.push(t.device_ms);
            wall.push(t.wall_ms);
            let start = Instant::now();
            black_box(carbide_msm::msm(&bases, black_box(&scalars)).ok());
            cpu.push(start.elapsed().as_secs_f64() * 1e3);
        }
        let row = GpuMsmRow {
            group,
            log_n,
            device_ms: median(&mut dev),
            wall_ms: median(&mut wall),
            cpu_ms: median(&mut cpu),
        };
        done(&row);
        rows.push(row);
    }
    Ok(rows)
}

/// The JSON document of a GPU MSM run.
pub fn msm_json(gpu: &Gpu, opts: &Options, rows: &[GpuMsmRow]) -> Value {
    let info = gpu.info();
    json!({
        "tool": "carbide bench",
        "suite": "msm",
        "backend": "cuda",
        "device": { "name": info.name, "arch": info.arch(), "memory_bytes": info.total_memory },
        "rounds": opts.rounds,
        "cpu_threads": rayon::current_num_threads(),
        "bases": "resident (uploaded once per size)",
        "rows": rows.iter().map(|r| json!({
            "group": r.group,
            "log_n": r.log_n,
            "device_ms": r.device_ms,
            "with_scalar_upload_ms": r.wall_ms,
            "cpu_ms": r.cpu_ms,
            "cpu_over_gpu_with_upload": r.cpu_ms / r.wall_ms,
        })).collect::<Vec<_>>(),
    })
}
