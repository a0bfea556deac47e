//! Discovery and compilation on any machine: no GPU and no CUDA libraries are normal states
//! that give a typed reason, never a panic. `REQUIRE_GPU=1` turns "no device" into a failure,
//! `REQUIRE_NVRTC=1` (CI, with the nvidia-cuda-nvrtc wheel) a missing NVRTC.

use carbide_cuda::nvrtc::{CI_ARCHS, KERNELS, assemble, entry_params, ptx};
use carbide_cuda::runtime::nvrtc_present;
use carbide_cuda::{Backend, CudaError, devices};

fn required(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

#[test]
fn discovery_never_panics() {
    match devices() {
        Ok(list) => {
            assert!(!list.is_empty(), "Ok means at least one device");
            for d in &list {
                println!(
                    "{}: {} ({}), {} MiB",
                    d.ordinal,
                    d.name,
                    d.arch(),
                    d.total_memory >> 20
                );
                assert!(d.compute_capability.0 >= 5);
            }
        }
        Err(e) => {
            assert!(!required("REQUIRE_GPU"), "REQUIRE_GPU=1 but {e}");
            println!("skipped: no CUDA device ({e})");
            assert!(matches!(
                e,
                CudaError::LibraryMissing { .. }
                    | CudaError::NoDevice
                    | CudaError::DriverTooOld { .. }
                    | CudaError::Driver(_)
            ));
            assert!(!e.to_string().contains('\n'), "one line: {e}");
        }
    }
}

#[test]
fn every_kernel_compiles_for_the_ci_architectures() {
    if !nvrtc_present() {
        assert!(
            !required("REQUIRE_NVRTC") && !required("REQUIRE_GPU"),
            "NVRTC required but libnvrtc is not loadable"
        );
        println!("skipped: no NVRTC");
        let err = ptx("field_ops.cu", "compute_90").unwrap_err();
        assert!(
            matches!(
                err,
                CudaError::LibraryMissing {
                    lib: "libnvrtc",
                    ..
                }
            ),
            "{err}"
        );
        return;
    }
    for (file, _) in KERNELS {
        for arch in CI_ARCHS {
            let ptx = ptx(file, arch).unwrap_or_else(|e| panic!("{e}"));
            assert!(ptx.contains(".entry"), "{file} for {arch} has no kernels");
            let target = format!(".target sm_{}", &arch["compute_".len()..]);
            assert!(ptx.contains(&target), "{file}: {target} missing");
            // Every kernel takes only 32- and 64-bit integers (and addresses), the arguments
            // launches check against these lists.
            for entry in ptx.split(".entry ").skip(1) {
                let name = &entry[..entry.find('(').unwrap()];
                let params = entry_params(&ptx, name);
                assert!(
                    params.is_some_and(|p| !p.is_empty()),
                    "{file}: {name}'s parameters"
                );
            }
        }
    }
    // Down to machine code with NVRTC's ptxas: the inline PTX (carry chains) assembles, and
    // the report shows each kernel's registers and spills.
    for (file, _) in KERNELS {
        for arch in CI_ARCHS {
            let sm = arch.replace("compute_", "sm_");
            let report = assemble(file, &sm).unwrap_or_else(|e| panic!("{e}"));
            println!("{file} {sm}: {}", report.lines().next().unwrap_or(""));
            for line in report.lines() {
                if line.contains("Compiling entry function") || line.contains("Used") {
                    println!("  {}", line.trim_start_matches("ptxas info    :").trim());
                }
                assert!(
                    !line.contains("spill")
                        || line.contains("0 bytes spill stores, 0 bytes spill loads"),
                    "{file} {sm} spills registers: {line}"
                );
            }
        }
    }
    // A compile error comes back with the log, not a panic.
    assert!(matches!(
        ptx("no_such.cu", "compute_90"),
        Err(CudaError::Compile { .. })
    ));
}

#[test]
fn backend_names() {
    assert_eq!("cpu".parse::<Backend>(), Ok(Backend::Cpu));
    assert_eq!("CUDA".parse::<Backend>(), Ok(Backend::Cuda));
    assert_eq!("auto".parse::<Backend>(), Ok(Backend::Auto));
    assert!(matches!(
        "tpu".parse::<Backend>(),
        Err(CudaError::BadBackend(_))
    ));
}
