//! The verifier on arbitrary bytes: a proof file (envelope, proof encoding, STARK and FRI
//! checks) must give a verdict, never a panic, whatever the bytes. The corpus starts from a
//! real proof (`carbide prove --air fib --log-rows 3`), so mutations reach deep into it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = carbide_prover::cli::verify_file(data);
});
