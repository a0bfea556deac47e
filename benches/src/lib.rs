//! carbide-benches: shared input generation for the criterion benches in `benches/`.
