"""minigrad's benchmark harness (``minigrad bench`` or ``python -m benchmarks``; README.md says what it measures).

Modules: ``config`` (subjects, settings), ``workloads``, ``subjects`` (one builder per subject), ``timing``,
``runner``, ``memory``, ``deep``, ``lower_bound``, ``report``, ``plots``, ``cli``. Importing the
package is cheap: torch, matplotlib and minigrad are imported only where needed.
"""
