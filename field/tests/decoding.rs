//! Decoding: canonical values accepted, everything else refused with a clear error.

use carbide_field::{
    CanonicalEncoding, DecodeError, Field, Goldilocks, GoldilocksExt2, PrimeField, decode_slice,
};
use num_bigint::BigUint;
use serde::{Deserialize, Serialize};

/// `p − 1` accepted, `p` and `2^k − 1` refused, short and long inputs refused: for any prime field.
fn boundaries<F: PrimeField>() {
    let p = F::order();
    let enc = |n: &BigUint| {
        let mut b = n.to_bytes_le();
        b.resize(F::ENCODED_LEN, 0);
        b
    };
    let p_minus_1 = enc(&(&p - 1u32));
    assert_eq!(
        F::from_canonical_bytes(&p_minus_1),
        Ok(-F::ONE),
        "p − 1 is canonical"
    );
    assert_eq!(F::from_canonical_bytes(&enc(&BigUint::ZERO)), Ok(F::ZERO));
    for bad in [
        p.clone(),
        &p + 1u32,
        (BigUint::from(1u32) << (8 * F::ENCODED_LEN)) - 1u32,
    ] {
        match F::from_canonical_bytes(&enc(&bad)) {
            Err(DecodeError::NonCanonical { .. }) => {}
            other => panic!("{bad} decoded as {other:?}"),
        }
    }
    for len in [
        0,
        1,
        F::ENCODED_LEN - 1,
        F::ENCODED_LEN + 1,
        2 * F::ENCODED_LEN,
    ] {
        let err = F::from_canonical_bytes(&vec![0u8; len]).unwrap_err();
        match &err {
            DecodeError::WrongLength {
                expected, actual, ..
            } => {
                assert_eq!((*expected, *actual), (F::ENCODED_LEN, len))
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("wrong length"), "{err}");
    }
    // A slice names the first bad element.
    let mut s = enc(&BigUint::from(5u32));
    s.extend(enc(&p));
    match decode_slice::<F>(&s) {
        Err(DecodeError::AtIndex { index: 1, source }) => {
            assert!(matches!(*source, DecodeError::NonCanonical { .. }))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn goldilocks_boundaries() {
    boundaries::<Goldilocks>();
    let p = Goldilocks::ORDER;
    assert_eq!(
        Goldilocks::try_from_canonical(p - 1),
        Ok(Goldilocks::new(p - 1))
    );
    assert!(Goldilocks::try_from_canonical(p).is_err());
    assert!(Goldilocks::try_from_canonical(u64::MAX).is_err());
    // A non-canonical in-memory value still encodes canonically.
    let x = Goldilocks::from_noncanonical_u64(p + 5);
    assert_eq!(x.to_canonical_bytes(), 5u64.to_le_bytes());
}

#[test]
fn bn254_fr_boundaries() {
    boundaries::<ark_bn254::Fr>();
    // Errors name the field without module paths.
    let err = ark_bn254::Fr::from_canonical_bytes(&[0u8; 3])
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "wrong length for Fp<MontBackend<FrConfig, 4>, 4>: expected 32 bytes, got 3"
    );
}

#[test]
fn bls12_381_fr_boundaries() {
    boundaries::<ark_bls12_381::Fr>();
}

#[test]
fn ext2_boundaries() {
    let p = Goldilocks::ORDER;
    let enc = |a: u64, b: u64| [a.to_le_bytes(), b.to_le_bytes()].concat();
    let x = GoldilocksExt2::from_canonical_bytes(&enc(p - 1, p - 1)).unwrap();
    assert_eq!(x, GoldilocksExt2::new(-Goldilocks::ONE, -Goldilocks::ONE));
    assert!(GoldilocksExt2::from_canonical_bytes(&enc(p, 0)).is_err());
    assert!(GoldilocksExt2::from_canonical_bytes(&enc(0, p)).is_err());
    assert!(GoldilocksExt2::from_canonical_bytes(&enc(0, 0)[..15]).is_err());
    assert!(GoldilocksExt2::from_canonical_bytes(&[0u8; 17]).is_err());
}

#[test]
fn arkworks_encoding_is_arkworks_serialization() {
    use ark_serialize::CanonicalSerialize;
    let mut r = rand::rngs::mock::StepRng::new(12345, 0x9E37_79B9_7F4A_7C15);
    for _ in 0..50 {
        let x = ark_bn254::Fr::random(&mut r);
        let mut ark_bytes = Vec::new();
        x.serialize_compressed(&mut ark_bytes).unwrap();
        assert_eq!(x.to_canonical_bytes(), ark_bytes);
    }
}

#[test]
fn goldilocks_serde_json_and_bincode() {
    let x = Goldilocks::new(Goldilocks::ORDER - 1);
    let json = serde_json::to_string(&x).unwrap();
    assert_eq!(json, (Goldilocks::ORDER - 1).to_string());
    assert_eq!(serde_json::from_str::<Goldilocks>(&json).unwrap(), x);
    let err = serde_json::from_str::<Goldilocks>(&Goldilocks::ORDER.to_string()).unwrap_err();
    assert!(
        err.to_string()
            .contains("non-canonical encoding of Goldilocks"),
        "{err}"
    );
    assert!(serde_json::from_str::<Goldilocks>("-1").is_err());
    assert!(serde_json::from_str::<Goldilocks>("\"7\"").is_err());
    // Non-canonical bits serialize canonically.
    let y = Goldilocks::from_noncanonical_u64(Goldilocks::ORDER + 3);
    assert_eq!(serde_json::to_string(&y).unwrap(), "3");

    let bin = bincode::serialize(&x).unwrap();
    assert_eq!(bin.len(), 8);
    assert_eq!(bincode::deserialize::<Goldilocks>(&bin).unwrap(), x);
    assert!(bincode::deserialize::<Goldilocks>(&u64::MAX.to_le_bytes()).is_err());
    assert!(bincode::deserialize::<Goldilocks>(&bin[..7]).is_err());

    let e = GoldilocksExt2::new(Goldilocks::new(1), Goldilocks::new(2));
    let json = serde_json::to_string(&e).unwrap();
    assert_eq!(json, "[1,2]");
    assert_eq!(serde_json::from_str::<GoldilocksExt2>(&json).unwrap(), e);
    assert!(serde_json::from_str::<GoldilocksExt2>("[1]").is_err());
    assert!(serde_json::from_str::<GoldilocksExt2>("[1,2,3]").is_err());
    let bad = format!("[1,{}]", Goldilocks::ORDER);
    assert!(serde_json::from_str::<GoldilocksExt2>(&bad).is_err());
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Wire {
    #[serde(with = "carbide_field::serde_canonical")]
    fr: ark_bn254::Fr,
    #[serde(with = "carbide_field::serde_canonical")]
    ext: GoldilocksExt2,
}

#[test]
fn serde_canonical_for_arkworks_fields() {
    let w = Wire {
        fr: -ark_bn254::Fr::ONE,
        ext: GoldilocksExt2::new(Goldilocks::new(3), Goldilocks::new(4)),
    };
    let json = serde_json::to_string(&w).unwrap();
    assert!(json.contains("\"fr\":\"000000f093f5e143"), "{json}");
    assert_eq!(serde_json::from_str::<Wire>(&json).unwrap(), w);
    let bin = bincode::serialize(&w).unwrap();
    assert_eq!(bincode::deserialize::<Wire>(&bin).unwrap(), w);

    // The modulus itself, as hex, is refused; so are bad digits, odd lengths and wrong lengths.
    let p_hex: String = ark_bn254::Fr::order()
        .to_bytes_le()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let ext_hex = "0300000000000000".to_string() + "0400000000000000";
    for fr in [p_hex.as_str(), "zz", "0", "00", &"00".repeat(33)] {
        let json = format!("{{\"fr\":\"{fr}\",\"ext\":\"{ext_hex}\"}}");
        let err = serde_json::from_str::<Wire>(&json).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    let ok = format!("{{\"fr\":\"{}\",\"ext\":\"{ext_hex}\"}}", "00".repeat(32));
    assert_eq!(
        serde_json::from_str::<Wire>(&ok).unwrap().fr,
        ark_bn254::Fr::ZERO
    );
}
