//! Canonical encodings: one byte string per element, and decoding that accepts nothing else.

use core::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::DecodeError;
use crate::goldilocks::{Goldilocks, GoldilocksExt2};

/// A fixed-length canonical byte encoding: encoding is injective, and decoding rejects every
/// byte string that is not the encoding of some element (wrong length, value ≥ p).
pub trait CanonicalEncoding: Sized {
    /// The length of every encoding, in bytes.
    const ENCODED_LEN: usize;

    /// Appends the `ENCODED_LEN`-byte canonical encoding to `out`.
    fn write_canonical(&self, out: &mut Vec<u8>);

    /// Decodes exactly `ENCODED_LEN` bytes, refusing non-canonical values.
    fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, DecodeError>;

    /// The canonical encoding.
    fn to_canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::ENCODED_LEN);
        self.write_canonical(&mut out);
        out
    }
}

/// The concatenated encodings of `values`.
pub fn encode_slice<T: CanonicalEncoding>(values: &[T]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * T::ENCODED_LEN);
    for v in values {
        v.write_canonical(&mut out);
    }
    out
}

/// Decodes a concatenation of encodings; the length must be a multiple of `ENCODED_LEN`, and
/// the first invalid element is reported with its index.
pub fn decode_slice<T: CanonicalEncoding>(bytes: &[u8]) -> Result<Vec<T>, DecodeError> {
    if T::ENCODED_LEN == 0 || !bytes.len().is_multiple_of(T::ENCODED_LEN) {
        return Err(DecodeError::wrong_length::<T>(T::ENCODED_LEN, bytes.len()));
    }
    bytes
        .chunks_exact(T::ENCODED_LEN)
        .enumerate()
        .map(|(index, chunk)| {
            T::from_canonical_bytes(chunk).map_err(|e| DecodeError::AtIndex {
                index,
                source: Box::new(e),
            })
        })
        .collect()
}

/// Eight little-endian bytes of the canonical value.
impl CanonicalEncoding for Goldilocks {
    const ENCODED_LEN: usize = 8;

    fn write_canonical(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.as_canonical_u64().to_le_bytes());
    }

    fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let word: [u8; 8] = bytes
            .try_into()
            .map_err(|_| DecodeError::wrong_length::<Self>(8, bytes.len()))?;
        Goldilocks::try_from_canonical(u64::from_le_bytes(word))
    }
}

/// The two coordinates' encodings, constant term first.
impl CanonicalEncoding for GoldilocksExt2 {
    const ENCODED_LEN: usize = 16;

    fn write_canonical(&self, out: &mut Vec<u8>) {
        self.0[0].write_canonical(out);
        self.0[1].write_canonical(out);
    }

    fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() != 16 {
            return Err(DecodeError::wrong_length::<Self>(16, bytes.len()));
        }
        let a0 = Goldilocks::from_canonical_bytes(&bytes[..8])?;
        let a1 = Goldilocks::from_canonical_bytes(&bytes[8..])?;
        Ok(Self([a0, a1]))
    }
}

impl Goldilocks {
    /// The element `n` if `n < p`, else a [`DecodeError::NonCanonical`].
    pub fn try_from_canonical(n: u64) -> Result<Self, DecodeError> {
        if n < Self::ORDER {
            Ok(Self::new(n))
        } else {
            Err(DecodeError::non_canonical::<Self>())
        }
    }
}

/// Serialized as its canonical value, a u64 (a JSON number); deserializing a value ≥ p fails.
impl Serialize for Goldilocks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.as_canonical_u64())
    }
}

impl<'de> Deserialize<'de> for Goldilocks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        Goldilocks::try_from_canonical(n).map_err(de::Error::custom)
    }
}

/// Serialized as the pair of its canonical coordinates.
impl Serialize for GoldilocksExt2 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for GoldilocksExt2 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <[Goldilocks; 2]>::deserialize(d).map(Self)
    }
}

/// serde for any [`CanonicalEncoding`] type, for fields whose types we do not own (arkworks'):
/// `#[serde(with = "carbide_field::serde_canonical")]`.
///
/// Human-readable formats (JSON) get the encoding as a lowercase hex string; binary formats get
/// the raw bytes. Decoding checks the length and canonicity either way.
pub mod serde_canonical {
    use super::*;

    /// Serializes `value` as hex text or raw bytes, depending on the format.
    pub fn serialize<T: CanonicalEncoding, S: Serializer>(
        value: &T,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let bytes = value.to_canonical_bytes();
        if s.is_human_readable() {
            s.serialize_str(&to_hex(&bytes))
        } else {
            s.serialize_bytes(&bytes)
        }
    }

    /// Deserializes hex text, a byte string, or a sequence of bytes.
    pub fn deserialize<'de, T: CanonicalEncoding, D: Deserializer<'de>>(
        d: D,
    ) -> Result<T, D::Error> {
        let visitor = CanonicalVisitor::<T>(core::marker::PhantomData);
        if d.is_human_readable() {
            d.deserialize_str(visitor)
        } else {
            d.deserialize_bytes(visitor)
        }
    }

    struct CanonicalVisitor<T>(core::marker::PhantomData<T>);

    impl<'de, T: CanonicalEncoding> Visitor<'de> for CanonicalVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "the {}-byte canonical encoding of a field element",
                T::ENCODED_LEN
            )
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            let bytes = from_hex::<T>(v).map_err(E::custom)?;
            T::from_canonical_bytes(&bytes).map_err(E::custom)
        }

        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<T, E> {
            T::from_canonical_bytes(v).map_err(E::custom)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
            let mut bytes = Vec::with_capacity(T::ENCODED_LEN);
            while let Some(b) = seq.next_element::<u8>()? {
                if bytes.len() == T::ENCODED_LEN {
                    // Refuse before reading an unbounded sequence into memory.
                    return Err(de::Error::custom(DecodeError::wrong_length::<T>(
                        T::ENCODED_LEN,
                        T::ENCODED_LEN + 1,
                    )));
                }
                bytes.push(b);
            }
            T::from_canonical_bytes(&bytes).map_err(de::Error::custom)
        }
    }

    fn to_hex(bytes: &[u8]) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(2 * bytes.len());
        for b in bytes {
            s.push(DIGITS[(b >> 4) as usize] as char);
            s.push(DIGITS[(b & 15) as usize] as char);
        }
        s
    }

    fn from_hex<T>(s: &str) -> Result<Vec<u8>, DecodeError> {
        let bad = |reason| DecodeError::InvalidHex {
            field: crate::error::type_label::<T>(),
            reason,
        };
        let s = s.as_bytes();
        if !s.len().is_multiple_of(2) {
            return Err(bad("odd number of digits"));
        }
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(bad("not a hex digit")),
        };
        s.chunks_exact(2)
            .map(|p| Ok(nibble(p[0])? << 4 | nibble(p[1])?))
            .collect()
    }
}
