use thiserror::Error;

/// Why an MSM was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MsmError {
    /// `bases` and `scalars` differ in length (arkworks truncates to the shorter; we refuse).
    #[error("{bases} bases but {scalars} scalars")]
    LengthMismatch {
        /// The number of bases given.
        bases: usize,
        /// The number of scalars given.
        scalars: usize,
    },
    /// A window size outside 1..=24 was asked for.
    #[error("window size {0} is outside 1..=24")]
    BadWindow(usize),
    /// The backend (a GPU) failed; the reason is its own error, on one line.
    #[error("the {backend} backend failed: {reason}")]
    Backend {
        /// Which backend, e.g. "cuda".
        backend: &'static str,
        /// Why.
        reason: String,
    },
}
