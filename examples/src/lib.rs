//! carbide-examples: the programs in `examples/` are what a new user reads first.
