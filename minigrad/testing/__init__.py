"""The gradient-equivalence kit: one tolerance policy, comparisons with clear reports, ULP distances."""

from minigrad.testing.tolerances import (
    TOLERANCES,
    Tolerance,
    assert_close,
    max_abs_diff,
    max_rel_diff,
    max_ulp_distance,
    tolerance,
    ulp_distance,
)

__all__ = [
    "TOLERANCES", "Tolerance", "tolerance", "assert_close", "ulp_distance", "max_ulp_distance", "max_abs_diff",
    "max_rel_diff",
]
