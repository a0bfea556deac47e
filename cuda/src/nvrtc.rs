//! Run-time compilation of `cuda/kernels/` with NVRTC, for the device's architecture, cached
//! per process and on disk. The sources are embedded in the binary, so a GPU machine needs libnvrtc but
//! no source tree; `#include "…"` lines are resolved against the embedded headers.

#![allow(unsafe_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use cudarc::nvrtc::{CompileError, CompileOptions, compile_ptx_with_opts};

use crate::error::CudaError;
use crate::runtime::nvrtc_present;

/// Headers, by the path kernels include them with.
const HEADERS: &[(&str, &str)] = &[
    (
        "field/goldilocks.cuh",
        include_str!("../kernels/field/goldilocks.cuh"),
    ),
    (
        "field/goldilocks_ext2.cuh",
        include_str!("../kernels/field/goldilocks_ext2.cuh"),
    ),
    ("field/ptx.cuh", include_str!("../kernels/field/ptx.cuh")),
    ("field/fq2.cuh", include_str!("../kernels/field/fq2.cuh")),
    ("curve/xyzz.cuh", include_str!("../kernels/curve/xyzz.cuh")),
    (
        "hash/poseidon.cuh",
        include_str!("../kernels/hash/poseidon.cuh"),
    ),
    (
        "field/mont256.cuh",
        include_str!("../kernels/field/mont256.cuh"),
    ),
];

/// Kernel translation units, by file name.
pub const KERNELS: &[(&str, &str)] = &[
    ("field_ops.cu", include_str!("../kernels/field_ops.cu")),
    ("ntt.cu", include_str!("../kernels/ntt.cu")),
    ("msm.cu", include_str!("../kernels/msm.cu")),
    ("merkle.cu", include_str!("../kernels/merkle.cu")),
];

/// The architectures CI compiles every kernel for.
pub const CI_ARCHS: &[&str] = &["compute_80", "compute_90"];

/// `src` with every `#include "header"` of an embedded header replaced by its text (once per
/// header; headers are `#pragma once`).
fn expand(src: &str, seen: &mut Vec<&'static str>) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.lines() {
        let include = line
            .trim()
            .strip_prefix("#include \"")
            .and_then(|rest| rest.strip_suffix('"'));
        match include.and_then(|name| HEADERS.iter().find(|(h, _)| *h == name)) {
            Some((name, text)) => {
                if !seen.contains(name) {
                    seen.push(name);
                    out.push_str(&expand(text, seen));
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// PTX by (kernel file, architecture).
type PtxCache = HashMap<(String, String), Arc<String>>;

/// The translation unit `file` with its headers spliced in: what NVRTC compiles and what the
/// disk cache's key hashes.
pub fn source(file: &str) -> Option<String> {
    KERNELS
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, src)| expand(src, &mut Vec::new()))
}

/// The PTX of kernel file `file` for `arch` (e.g. `compute_90`): from this process's cache,
/// else from the disk cache (see [`cache_dir`]), else compiled by NVRTC and stored in both.
pub fn ptx(file: &str, arch: &str) -> Result<Arc<String>, CudaError> {
    static CACHE: OnceLock<Mutex<PtxCache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (file.to_owned(), arch.to_owned());
    if let Some(p) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(p.clone());
    }
    let Some(src) = source(file) else {
        return Err(compile_error(file, arch, "no such kernel file".to_owned()));
    };
    if !nvrtc_present() {
        return Err(CudaError::LibraryMissing {
            lib: "libnvrtc",
            file: "libnvrtc.so",
        });
    }
    let disk = DiskKey::new(file, arch, &src);
    let ptx = match disk.as_ref().and_then(DiskKey::load) {
        Some(p) => p,
        None => {
            let p = compile(file, arch, src)?;
            if let Some(d) = &disk {
                // A cache that cannot be written only costs the next process a compile.
                let _ = d.store(&p);
            }
            p
        }
    };
    let ptx = Arc::new(ptx);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, ptx.clone());
    Ok(ptx)
}

fn compile_error(file: &str, arch: &str, log: String) -> CudaError {
    CudaError::Compile {
        file: file.to_owned(),
        arch: arch.to_owned(),
        log,
    }
}

fn compile(file: &str, arch: &str, src: String) -> Result<String, CudaError> {
    let opts = CompileOptions {
        options: vec![
            format!("--gpu-architecture={arch}"),
            "--std=c++17".to_owned(),
        ],
        name: Some(file.to_owned()),
        ..Default::default()
    };
    compile_ptx_with_opts(src, opts)
        .map(|p| p.to_src())
        .map_err(|e| {
            compile_error(
                file,
                arch,
                match e {
                    CompileError::CompileError { log, .. } => log.to_string_lossy().into_owned(),
                    other => other.to_string(),
                },
            )
        })
}

/// Where compiled PTX is kept between processes: `CARBIDE_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/carbide/ptx`, else `~/.cache/carbide/ptx`; `CARBIDE_CACHE_DIR=off` turns
/// the disk cache off.
pub fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os("CARBIDE_CACHE_DIR") {
        Some(v) if v == "off" => None,
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|base| base.join("carbide").join("ptx")),
    }
}

/// The NVRTC version as (major, minor), when libnvrtc loads.
pub fn nvrtc_version() -> Option<(i32, i32)> {
    if !nvrtc_present() {
        return None;
    }
    let (mut major, mut minor) = (0, 0);
    // SAFETY: libnvrtc is loadable (checked above); the call writes two ints through pointers
    // to live locals.
    let status = unsafe { cudarc::nvrtc::sys::nvrtcVersion(&mut major, &mut minor) };
    (status == cudarc::nvrtc::sys::nvrtcResult::NVRTC_SUCCESS).then_some((major, minor))
}

/// 64-bit FNV-1a: a stable hash (std's hasher may change between Rust releases, and the key
/// must mean the same to every build that shares the cache).
fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325 ^ seed, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A disk-cache entry: the file name carries a 128-bit hash of the key, the first line the
/// key itself, checked on load, so a hash collision or a stale file is a miss, not wrong code.
struct DiskKey {
    path: PathBuf,
    header: String,
}

impl DiskKey {
    fn new(file: &str, arch: &str, src: &str) -> Option<Self> {
        let dir = cache_dir()?;
        let nvrtc = nvrtc_version().map_or("none".to_owned(), |(a, b)| format!("{a}.{b}"));
        let driver = crate::runtime::driver_version_string();
        let source = format!(
            "{:016x}{:016x}",
            fnv1a(src.as_bytes(), 0),
            fnv1a(src.as_bytes(), 0x9e37_79b9_7f4a_7c15)
        );
        let header = format!(
            "// carbide ptx cache v1: file={file} arch={arch} nvrtc={nvrtc} driver={driver} source={source}\n"
        );
        let name = format!(
            "{}-{arch}-{:016x}{:016x}.ptx",
            file.trim_end_matches(".cu"),
            fnv1a(header.as_bytes(), 0),
            fnv1a(header.as_bytes(), 1)
        );
        Some(Self {
            path: dir.join(name),
            header,
        })
    }

    fn load(&self) -> Option<String> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        let body = text.strip_prefix(self.header.as_str())?;
        body.contains(".entry").then(|| body.to_owned())
    }

    /// Written to a temporary name and renamed, so a reader never sees half a file.
    fn store(&self, ptx: &str) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, format!("{}{ptx}", self.header))?;
        std::fs::rename(&tmp, &self.path)
    }
}

/// The byte sizes of the parameters of entry `name` in `ptx` (`.param .u64 …` is 8, `.u32`
/// 4), or `None` if there is no such entry or a parameter of another kind: what a launch
/// checks its arguments against, so a kernel and its Rust caller cannot disagree silently.
pub fn entry_params(ptx: &str, name: &str) -> Option<Vec<usize>> {
    let start = ptx.find(&format!(".entry {name}("))?;
    let body = &ptx[start..];
    let list = &body[body.find('(')? + 1..body.find(')')?];
    list.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let ty = p.split_whitespace().nth(1)?;
            match ty {
                ".u64" | ".b64" | ".s64" => Some(8),
                ".u32" | ".b32" | ".s32" => Some(4),
                _ => None,
            }
        })
        .collect()
}

/// Compiles kernel file `file` all the way to machine code for `sm` (e.g. `sm_90`) with
/// ptxas's resource report, and returns that report: CI's proof that the inline PTX
/// assembles, with the registers and spills of every kernel.
pub fn assemble(file: &str, sm: &str) -> Result<String, CudaError> {
    let src = source(file).ok_or_else(|| compile_error(file, sm, "no such kernel file".into()))?;
    if !nvrtc_present() {
        return Err(CudaError::LibraryMissing {
            lib: "libnvrtc",
            file: "libnvrtc.so",
        });
    }
    crate::cubin::assemble(file, sm, &src).map_err(|log| compile_error(file, sm, log))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_are_resolved_once() {
        let src = "#include \"field/goldilocks.cuh\"\n#include \"field/goldilocks.cuh\"\nX\n";
        let out = expand(src, &mut Vec::new());
        assert_eq!(out.matches("static constexpr u64 EPSILON").count(), 1);
        assert!(out.ends_with("X\n"));
        assert!(!out.contains("#include \"field/"));
    }

    #[test]
    fn disk_keys_follow_source_and_arch() {
        let dir = std::env::temp_dir().join(format!("carbide-ptx-test-{}", std::process::id()));
        let key = |src: &str, arch: &str| {
            let k = DiskKey::new("x.cu", arch, src).map(|k| k.header);
            k.unwrap_or_default()
        };
        if cache_dir().is_some() {
            assert_ne!(key("a", "compute_90"), key("b", "compute_90"));
            assert_ne!(key("a", "compute_80"), key("a", "compute_90"));
            assert_eq!(key("a", "compute_90"), key("a", "compute_90"));
        }
        let entry = DiskKey {
            path: dir.join("x-compute_90-0.ptx"),
            header: "// carbide ptx cache v1: test\n".to_owned(),
        };
        assert_eq!(entry.load(), None);
        entry.store(".entry k {}").unwrap();
        assert_eq!(entry.load().as_deref(), Some(".entry k {}"));
        // Another key at the same path (a collision, an old version): a miss.
        let other = DiskKey {
            path: entry.path.clone(),
            header: "// carbide ptx cache v1: other\n".to_owned(),
        };
        assert_eq!(other.load(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn entry_parameters_are_read_from_ptx() {
        let ptx = ".visible .entry k(\n\t.param .u64 k_param_0,\n\t.param .u32 k_param_1\n)\n{\n}\n\
                   .visible .entry kk(\n\t.param .u64 .ptr .align 1 kk_param_0\n)\n{\n}\n\
                   .visible .entry none(\n)\n{\n}\n.visible .entry odd(\n\t.param .f32 x\n)\n";
        assert_eq!(entry_params(ptx, "k"), Some(vec![8, 4]));
        assert_eq!(entry_params(ptx, "kk"), Some(vec![8]));
        assert_eq!(entry_params(ptx, "none"), Some(vec![]));
        assert_eq!(entry_params(ptx, "odd"), None);
        assert_eq!(entry_params(ptx, "missing"), None);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // Test vectors of 64-bit FNV-1a.
        assert_eq!(fnv1a(b"", 0), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a", 0), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar", 0), 0x8594_4171_f739_67e8);
    }
}
