"""``python -m benchmarks``: the same as ``minigrad bench``."""

import sys

from benchmarks.cli import main

sys.exit(main())
