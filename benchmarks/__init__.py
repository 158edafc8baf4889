"""minigrad's benchmark harness: minigrad against torch eager and a hand-written NumPy floor.

Run it with ``minigrad bench`` or ``python -m benchmarks`` (``--quick`` for a run under a minute). It times one
full training step (forward, loss, backward, optimizer step, zero_grad) and whole 100-epoch runs on the three
seed examples and on a size sweep, measures each subject's peak memory in its own process, times backward over
deep chains, sets minigrad beside the tiny engine (``docs/tiny_engine.py``: the lower bound of an eager engine
with torch's graph), and writes a JSON file of raw samples and metadata, PNG plots and a printed table.

The modules: ``config`` (subjects, settings), ``workloads``, ``subjects`` (one builder per subject: the place to
add one), ``timing``, ``runner``, ``memory``, ``deep``, ``lower_bound``, ``report``, ``plots``, ``profiling``,
``cli``. Importing this package is cheap: torch, matplotlib and minigrad are imported only where needed.
"""
