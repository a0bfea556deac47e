//! Decoding arbitrary bytes never panics, and whatever decodes re-encodes to the same bytes.
#![no_main]

use carbide_field::{CanonicalEncoding, Goldilocks, GoldilocksExt2, decode_slice, encode_slice};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

fn round_trip<T: CanonicalEncoding + PartialEq + core::fmt::Debug>(data: &[u8]) {
    if let Ok(x) = T::from_canonical_bytes(data) {
        assert_eq!(x.to_canonical_bytes(), data, "canonical round trip");
    }
    if let Ok(xs) = decode_slice::<T>(data) {
        assert_eq!(encode_slice(&xs), data, "canonical round trip of a slice");
    }
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Wire {
    #[serde(with = "carbide_field::serde_canonical")]
    fr: ark_bn254::Fr,
    g: Goldilocks,
    e: GoldilocksExt2,
}

fuzz_target!(|data: &[u8]| {
    round_trip::<Goldilocks>(data);
    round_trip::<GoldilocksExt2>(data);
    round_trip::<ark_bn254::Fr>(data);
    round_trip::<ark_bn254::Fq>(data);
    if let Ok(x) = serde_json::from_slice::<Goldilocks>(data) {
        assert!(x.as_canonical_u64() < Goldilocks::ORDER);
        assert_eq!(serde_json::from_str::<Goldilocks>(&serde_json::to_string(&x).unwrap()).ok(), Some(x));
    }
    let _ = serde_json::from_slice::<GoldilocksExt2>(data);
    let _ = serde_json::from_slice::<Wire>(data);
});
