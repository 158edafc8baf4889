"""Layer 4: the torch-facing functions. Argument parsing, checks and torch's error text, one file per family;
each function checks its arguments, then calls an op from ``minigrad.ops`` (see docs/fidelity.md)."""
