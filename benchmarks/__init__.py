"""minigrad's benchmark harness: ``minigrad bench`` or ``python -m benchmarks`` (README.md says what it measures)."""
