"""Autograd: ``Function`` (write your own op), the backward engine, grad mode, ``grad`` and ``backward``."""

from minigrad.autograd.anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from minigrad.autograd.engine import backward, grad
from minigrad.autograd.function import AccumulateGrad, BackwardNode, Function, FunctionCtx, Node
from minigrad.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minigrad.autograd.gradcheck import GradcheckError, gradcheck
from minigrad.autograd.inference_mode import inference_mode
from minigrad.autograd.trace import Trace, TraceRecord, trace
from minigrad.autograd.variable import Variable

__all__ = [
    "Function", "FunctionCtx", "Node", "BackwardNode", "AccumulateGrad", "backward", "grad",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
    "gradcheck", "GradcheckError", "trace", "Trace", "TraceRecord",
    "Variable", "inference_mode",
]
