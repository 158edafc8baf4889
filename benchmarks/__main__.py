"""``python -m benchmarks``: the same as ``minigrad bench``."""

from benchmarks.cli import main

raise SystemExit(main())
