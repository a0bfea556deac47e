//! Compilation to machine code (cubin) through NVRTC's built-in ptxas, for CI: the PTX the
//! driver would JIT on a GPU is assembled here on a machine without one.

#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char};

use cudarc::nvrtc::{result, sys};

/// The ptxas report for `src` compiled for `sm`, or the compiler's log.
pub(crate) fn assemble(name: &str, sm: &str, src: &str) -> Result<String, String> {
    let src = CString::new(src).map_err(|e| e.to_string())?;
    let cname = CString::new(name).map_err(|e| e.to_string())?;
    let prog = result::create_program(&src, Some(&cname)).map_err(|e| e.to_string())?;
    let opts = [
        format!("--gpu-architecture={sm}"),
        "--std=c++17".to_owned(),
        "--ptxas-options=-v".to_owned(),
    ];
    // SAFETY: `prog` was created above and is destroyed once, below; `src` and `cname`
    // outlive it; `compile_program` copies the options into C strings it keeps alive for the
    // call.
    let compiled = unsafe { result::compile_program(prog, &opts) };
    // SAFETY: as above; the log is a NUL-terminated buffer NVRTC sized for us.
    let log = unsafe { result::get_program_log(prog) }
        .map(|raw| {
            // SAFETY: `raw` is NVRTC's log, NUL-terminated within its length.
            unsafe { CStr::from_ptr(raw.as_ptr()) }
                .to_string_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    let size = compiled.is_ok().then(|| {
        let mut size = 0usize;
        // SAFETY: `prog` compiled successfully; the call writes one usize to a live local.
        let status = unsafe { sys::nvrtcGetCUBINSize(prog, &mut size) };
        if status == sys::nvrtcResult::NVRTC_SUCCESS {
            let mut buf = vec![0 as c_char; size];
            // SAFETY: `buf` holds exactly the size NVRTC reported.
            let status = unsafe { sys::nvrtcGetCUBIN(prog, buf.as_mut_ptr()) };
            (status == sys::nvrtcResult::NVRTC_SUCCESS).then_some(size)
        } else {
            None
        }
    });
    // SAFETY: `prog` is live and not used after this.
    let _ = unsafe { result::destroy_program(prog) };
    match (compiled, size.flatten()) {
        (Ok(()), Some(bytes)) if bytes > 0 => Ok(format!("{bytes} bytes of {sm} code\n{log}")),
        (Ok(()), _) => Err(format!(
            "no cubin for {sm} (is {sm} a real architecture?)\n{log}"
        )),
        (Err(e), _) => Err(format!("{e}\n{log}")),
    }
}
