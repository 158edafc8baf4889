"""The gradient-equivalence kit: hold your own op against torch and against finite differences.

- :func:`assert_matches_torch` / :func:`compare_with_torch`: values, dtypes, shapes, gradients (with a random
  cotangent) and optionally graph node names, judged by the one tolerance policy (:mod:`.tolerances`).
- :func:`assert_matches_finite_differences` / :func:`gradcheck`: gradients without torch.
- :mod:`minigrad.testing.strategies`: hypothesis strategies for inputs (imports hypothesis when imported).
- :mod:`minigrad.testing.pytest_plugin`: ``--torch-ref``, the ``matches_torch`` fixture, hypothesis profiles.
- :mod:`minigrad.testing.mirror`: a whole training pipeline against its torch twin, step by step.

torch and hypothesis are imported only by the functions and modules that need them.
"""

from minigrad.autograd.gradcheck import GradcheckError, gradcheck
from minigrad.testing.compare import (
    MatchReport,
    assert_matches_torch,
    compare_with_torch,
    dtype_name,
    minigrad_dtype,
    random_cotangent,
    to_numpy,
    torch_dtype,
    twins,
)
from minigrad.testing.errors import assert_same_error, capture_error, normalize_message, warnings_of
from minigrad.testing.finite_differences import (
    assert_matches_finite_differences,
    central_difference,
    compare_with_finite_differences,
    fd_step,
)
from minigrad.testing.graphs import assert_same_graph, graph_signature
from minigrad.testing.report import Check, Report
from minigrad.testing.tolerances import (
    ELEMENTWISE,
    GRAD_OF_TRANSCENDENTAL,
    TOLERANCES,
    TRANSCENDENTAL,
    Tolerance,
    assert_close,
    max_abs_diff,
    max_rel_diff,
    max_ulp_distance,
    sum_ops,
    tolerance,
    ulp_distance,
)

__all__ = [
    "TOLERANCES", "Tolerance", "tolerance", "assert_close", "ulp_distance", "max_ulp_distance", "max_abs_diff",
    "max_rel_diff", "ELEMENTWISE", "TRANSCENDENTAL", "GRAD_OF_TRANSCENDENTAL", "sum_ops",
    "assert_matches_torch", "compare_with_torch", "MatchReport", "Report", "Check",
    "assert_matches_finite_differences", "compare_with_finite_differences", "central_difference", "fd_step",
    "gradcheck", "GradcheckError",
    "twins", "to_numpy", "dtype_name", "torch_dtype", "minigrad_dtype", "random_cotangent",
    "assert_same_error", "capture_error", "normalize_message", "warnings_of", "assert_same_graph", "graph_signature",
]
