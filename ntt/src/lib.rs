//! carbide-ntt: the number-theoretic transform over any `carbide_field::TwoAdicField`.
//!
//! To live here (issue "NTT on the CPU"): a capability trait over a batch of columns, the rayon
//! CPU implementation, a naive O(n²) reference, forward/inverse/coset NTTs, low-degree extension,
//! and the `ntt`/`intt` entry points, bit-identical to ark-poly and plonky2.
