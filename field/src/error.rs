use thiserror::Error;

/// Errors from field operations that have no answer for some inputs.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldError {
    /// A 2^bits-th root of unity was asked for, but the field only has them up to 2^max_bits.
    #[error("the field has no 2^{bits}-th root of unity (its two-adicity is {max_bits})")]
    TwoAdicityExceeded {
        /// The requested log2 of the subgroup order.
        bits: usize,
        /// The field's two-adicity.
        max_bits: usize,
    },
    /// An extension element was built from the wrong number of base-field coefficients.
    #[error(
        "an element of a degree-{expected} extension needs {expected} coefficients, got {actual}"
    )]
    WrongDegree {
        /// The extension degree.
        expected: usize,
        /// The number of coefficients given.
        actual: usize,
    },
}

/// Why bytes (or a serde value) are not the canonical encoding of a field element.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The input has the wrong number of bytes.
    #[error("wrong length for {field}: expected {expected} bytes, got {actual}")]
    WrongLength {
        /// The type being decoded.
        field: String,
        /// The exact length (or, for slices, a multiple of it) required.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// The value is not below the modulus, so it is not a canonical encoding.
    #[error("non-canonical encoding of {field}: the value is not below the modulus")]
    NonCanonical {
        /// The type being decoded.
        field: String,
    },
    /// Text that should hold a hexadecimal encoding holds something else.
    #[error("invalid hex encoding of {field}: {reason}")]
    InvalidHex {
        /// The type being decoded.
        field: String,
        /// What is wrong with the text.
        reason: &'static str,
    },
    /// One element of a decoded slice is invalid.
    #[error("element {index}: {source}")]
    AtIndex {
        /// Position of the first invalid element.
        index: usize,
        /// Why it is invalid.
        source: Box<DecodeError>,
    },
}

impl DecodeError {
    /// `T`'s encoding needs `expected` bytes, `actual` were given.
    pub(crate) fn wrong_length<T: ?Sized>(expected: usize, actual: usize) -> Self {
        Self::WrongLength {
            field: type_label::<T>(),
            expected,
            actual,
        }
    }

    /// The bytes hold a value ≥ `T`'s modulus.
    pub(crate) fn non_canonical<T: ?Sized>() -> Self {
        Self::NonCanonical {
            field: type_label::<T>(),
        }
    }
}

/// `T`'s name without module paths, for error messages: `Goldilocks`,
/// `Fp<MontBackend<FrConfig, 4>, 4>`.
pub(crate) fn type_label<T: ?Sized>() -> String {
    let full = core::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut segment = String::new();
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            segment.clear();
        } else if c.is_alphanumeric() || c == '_' {
            segment.push(c);
        } else {
            out.push_str(&segment);
            segment.clear();
            out.push(c);
        }
    }
    out.push_str(&segment);
    out
}
