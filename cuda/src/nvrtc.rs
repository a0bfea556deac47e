//! Run-time compilation of `cuda/kernels/` with NVRTC, for the device's architecture, cached
//! per process. The sources are embedded in the binary, so a GPU machine needs libnvrtc but
//! no source tree; `#include "…"` lines are resolved against the embedded headers.

use std::collections::HashMap;
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
    (
        "field/mont256.cuh",
        include_str!("../kernels/field/mont256.cuh"),
    ),
];

/// Kernel translation units, by file name.
pub const KERNELS: &[(&str, &str)] = &[("field_ops.cu", include_str!("../kernels/field_ops.cu"))];

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

/// The PTX of kernel file `file` for `arch` (e.g. `compute_90`), compiled once per process.
pub fn ptx(file: &str, arch: &str) -> Result<Arc<String>, CudaError> {
    static CACHE: OnceLock<Mutex<PtxCache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (file.to_owned(), arch.to_owned());
    if let Some(p) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(p.clone());
    }
    let Some((_, src)) = KERNELS.iter().find(|(name, _)| *name == file) else {
        return Err(CudaError::Compile {
            file: file.to_owned(),
            arch: arch.to_owned(),
            log: "no such kernel file".to_owned(),
        });
    };
    if !nvrtc_present() {
        return Err(CudaError::LibraryMissing {
            lib: "libnvrtc",
            file: "libnvrtc.so",
        });
    }
    let opts = CompileOptions {
        options: vec![
            format!("--gpu-architecture={arch}"),
            "--std=c++17".to_owned(),
        ],
        name: Some(file.to_owned()),
        ..Default::default()
    };
    let compiled = compile_ptx_with_opts(expand(src, &mut Vec::new()), opts).map_err(|e| {
        CudaError::Compile {
            file: file.to_owned(),
            arch: arch.to_owned(),
            log: match e {
                CompileError::CompileError { log, .. } => log.to_string_lossy().into_owned(),
                other => other.to_string(),
            },
        }
    })?;
    let ptx = Arc::new(compiled.to_src());
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, ptx.clone());
    Ok(ptx)
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
}
