"""torch.utils's counterparts: ``minigrad.utils.data`` (datasets, samplers, the DataLoader)."""

from minigrad.utils import data

__all__ = ["data"]
