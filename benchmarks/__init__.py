"""minigrad's benchmark harness (``minigrad bench`` or ``python -m benchmarks``; README.md says what it measures).
torch, matplotlib, threadpoolctl and scikit-learn are imported only where needed."""
