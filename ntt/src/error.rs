use thiserror::Error;

/// Why a transform was refused. Nothing is changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NttError {
    /// The number of rows (the transform length) is not a power of two.
    #[error("NTT length {len} is not a power of two")]
    NotPowerOfTwo {
        /// The number of rows given.
        len: usize,
    },
    /// The transform length exceeds the field's largest two-adic subgroup.
    #[error(
        "NTT length 2^{log_len} exceeds the field's largest two-adic subgroup, 2^{max_log_len}"
    )]
    TooLarge {
        /// log2 of the requested length.
        log_len: usize,
        /// The field's two-adicity.
        max_log_len: usize,
    },
    /// A batch whose flat length is not a whole number of rows of `width` columns.
    #[error("a batch of {len} values is not a whole number of rows of width {width}")]
    ShapeMismatch {
        /// The flat length given.
        len: usize,
        /// The number of columns.
        width: usize,
    },
    /// A coset shift of zero (no coset; the inverse transform has no answer).
    #[error("the coset shift is zero")]
    ZeroShift,
    /// The output would not fit in memory.
    #[error("cannot allocate {elements} field elements for the result")]
    OutOfMemory {
        /// The number of elements asked for.
        elements: usize,
    },
    /// The backend (a GPU) failed; the reason is its own error, on one line.
    #[error("the {backend} backend failed: {reason}")]
    Backend {
        /// Which backend, e.g. "cuda".
        backend: &'static str,
        /// Why.
        reason: String,
    },
}
