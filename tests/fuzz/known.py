"""The fuzz's known differences from torch: each one a ``Known`` entry that names its fidelity tier
(docs/fidelity.md) and its reason.

``tier`` is the tier of the behaviour the entry departs from:

1. values, dtypes, shapes, gradients, graph nodes, RNG, printing, or an exception type (outside the parser's
   rules): a defect kept on record until it is fixed (the README lists the ones a user may meet);
2. an error of ordinary use, whose type and message must be torch's: a defect, high on the list;
3. torch's C++ argument parser: the order in which it checks arguments (which of two mistakes is reported
   first) and which argument types it refuses. Recorded, not chased: no code is written for these.

A finding no entry matches fails its test. The regressions (``test_regressions.py``) are checked without
these entries.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from fuzz.harness import Finding


@dataclass(frozen=True)
class Known:
    """A divergence from torch that the fuzz documents instead of failing on: findings whose target matches
    ``target`` (fnmatch), whose category is ``category`` and whose detail matches ``detail`` (regex)."""

    tier: int
    target: str
    category: str
    detail: str
    reason: str

    def __post_init__(self) -> None:
        if self.tier not in (1, 2, 3):
            raise ValueError(f"Known({self.target!r}): tier must be 1, 2 or 3, not {self.tier!r}")

    def matches(self, finding: Finding) -> bool:
        return ((finding.target == self.target or fnmatch.fnmatchcase(finding.target, self.target))  # (x[key]: [])
                and fnmatch.fnmatchcase(finding.category, self.category)
                and re.search(self.detail, finding.detail) is not None)


_ARGUMENT_PARSER = (
    r"torch (TypeError|ValueError): .*(argument '|invalid combination of arguments|positional argument|keyword "
    r"argument|required positional|Overflow when unpacking|must be (a )?(tuple of )?(int|bool|float|Number|Tensor|"
    r"tuple|real number|type)|can't assign a|not iterable|param_group must be a dict|not supported between "
    r"instances|unsupported operand type|is not callable|can only concatenate|has no attribute|cannot be interpreted "
    r"as|invalid data type|expected Tensor as element|requires string as left operand|can be converted to an index)"
)
_BOOL_OF_TENSOR = r"(Boolean value of Tensor|truth value of an (empty )?array)"
KNOWN: list[Known] = [
    # ---- tier 3: torch's argument parser. It checks Python types before anything else (and reports the first
    #      mistake in its own order); minigrad's functions are Python functions that take what NumPy takes (a list
    #      or an ndarray for a tuple of ints, a float for an int, an int for a bool, a NumPy array for a Tensor)
    #      and otherwise fail on the value. Recorded, not chased.
    Known(3, "*", "accepts what torch refuses", _ARGUMENT_PARSER, "torch's argument parser is stricter about types"),
    Known(3, "*", "error kind differs", _ARGUMENT_PARSER, "torch rejects the argument's type before its value"),
    Known(3, "*", "accepts what torch refuses", r"torch OverflowError", "NumPy wraps a Python int torch cannot "
          "convert (beyond int64)"),
    Known(3, "*", "accepts what torch refuses", r"Promotion for uint16, uint32, uint64 types is not supported", "a "
          "Python int in [2**63, 2**64) is a uint64 scalar for torch, which it cannot promote"),
    Known(3, "*", "accepts what torch refuses", r"torch AttributeError", "torch fails on its own attribute access "
          "for an argument of the wrong type; minigrad takes the value"),
    Known(3, "*", "accepts what torch refuses", r"torch (RuntimeError|ValueError): (Boolean value of Tensor|The "
          r"truth value of an)", "a tensor or array passed as a flag (inplace=, size_average=...): torch takes its "
          "truth value, minigrad ignores or reads it otherwise"),
    Known(3, "*", "accepts what torch refuses", r"torch RuntimeError: Boolean value of Tensor", "a tensor passed as "
          "a flag (inplace=, size_average=...): torch takes its truth value, minigrad ignores or reads it otherwise"),
    Known(3, "*", "error kind differs", _BOOL_OF_TENSOR, "the truth value of a many-element tensor or array: "
          "RuntimeError in torch, ValueError for a NumPy array"),
    Known(3, "*", "error kind differs", r"torch NotImplementedError: .*not implemented for", "torch checks the dtype's "
          "kernel before the other arguments; minigrad reports the other argument first"),
    Known(3, "x[key] = value", "error kind differs", r"leaf Variable that requires grad", "the in-place rule is "
          "checked before the index and the value"),
    Known(3, "x * y*", "refuses what torch accepts", r"operand type for a Tensor operation: '(list|tuple|str)'",
          "a sequence times a 0-d integer tensor: torch defers to Python's sequence repetition, minigrad raises"),
    Known(3, "x[key]", "error kind differs", r"step must be greater than zero", "the index is checked before the "
          "slice step"),
    Known(3, "*", "*", r"For integral input tensors, argument alpha", "alpha given as a tensor or NumPy scalar is "
          "classified differently from torch's Python-number rule"),
    Known(3, "*", "error kind differs", r"does not support bool input", "torch checks for bool before the dim"),
    Known(3, "*", "error kind differs", r"torch RuntimeError: Expected scalar.isIntegral", "a bool tensor as a size "
          "(torch's own type check, RuntimeError)"),
    Known(3, "*", "refuses what torch accepts", r"shape must be a sequence of ints, got .*(True|False)", "torch takes "
          "bools as sizes 0 and 1"),
    Known(3, "Tensor.add*", "different result", r"dtype", "alpha given as a tensor takes no part in type promotion"),
    Known(3, "Tensor.sub*", "different result", r"dtype", "alpha given as a tensor takes no part in type promotion"),
    Known(3, "*", "error kind differs", r"torch RuntimeError: mean\(\): could not infer output dtype", "torch checks "
          "the dtype before the dims"),
    Known(3, "*", "accepts what torch refuses", r"torch UFuncTypeError", "torch's own failure inside NumPy"),
    Known(3, "x[key] = value", "error kind differs", r"step must be greater than zero", "the slice step is checked "
          "before the value"),
    Known(3, "Tensor.backward", "refuses what torch accepts", r"got 1 tensors and \d+ gradients", "torch unpacks "
          "nested gradient sequences"),
    Known(3, "Tensor.backward", "error kind differs", r"got \d+ tensors and \d+ gradients", "torch iterates a string "
          "gradient as a sequence of gradients"),
    Known(3, "nn.Parameter(...)", "accepts what torch refuses", r"has no attribute 'detach'", "Parameter(data) also "
          "takes a NumPy array or list (nn.Linear builds its weight from np.empty)"),
    Known(3, "where", "unclear error", r"KeyError", "an object-dtype operand (a NumPy object array) has no minigrad "
          "dtype"),
    Known(3, "Module.to", "unclear error", r"not compiled with CUDA", "torch's parser refuses a device given twice "
          "(positionally and as device=) before it reads the device"),
    Known(3, "nn.functional.kl_div", "error kind differs", r"torch ValueError: .* is not a valid value for reduction",
          "torch reads `reduction` before it checks that input is a Tensor (check order)"),
    Known(3, "Tensor.any", "different result", r"shape \(\) != torch's", "torch's parser reads a nested empty list "
          "as dim ([[]]: an empty dim list) where minigrad reads it as no dim"),
    Known(3, "Tensor.all", "different result", r"shape \(\) != torch's", "as Tensor.any"),
    Known(3, "*", "error kind differs", r"appears multiple times in the list of dims \| torch IndexError: .*Expected "
          r"reduction dim -?\d+ to have non-zero size", "amax/amin of an empty tensor over a repeated dim: torch "
          "checks the dims' sizes before their repetition (check order)"),
    Known(3, "*norm", "*", r"torch TypeError: len\(\) of unsized object", "a 0-d NumPy array as norm's dim: torch's "
          "Python norm takes its len() (a type it refuses) before it reads the input's dtype"),
    Known(3, "*", "error kind differs", r"minigrad RuntimeError: Expected scalar.isIntegral.*\| torch IndexError: "
          r"Dimension out of range", "a dims list with a bool tensor after a dim out of range: torch checks each dim "
          "in turn, minigrad reads every element first (check order)"),
    Known(3, "*nll_loss", "error kind differs", r"target must have size .* \| torch RuntimeError: expected target "
          r"dtype to be Long or Byte", "a float target of the wrong size: torch checks the target's dtype before its "
          "size (check order)"),
    Known(3, "*", "error kind differs", r"minigrad TypeError: iteration over a 0-d tensor", "a 0-d tensor where "
          "torch's parser wants a list of ints (it reads the tensor as one int); minigrad refuses the type"),
    Known(3, "einsum", "error kind differs", r"torch ValueError: einsum\(\): must specify the equation string",
          "an equation that is not a string with an empty operand list: torch's Python einsum unpacks the list and "
          "reports the missing operands first (check order)"),
    Known(3, "split", "*", r"argument 'input' \(position 1\) must be Tensor, not str",
          "torch.split's Python code calls input.split(...): a str's own split() answers (duck typing)"),
    Known(3, "*split", "*", r"only integer tensors of a single element can be converted to "
          "an index", "torch's Python Tensor.split takes int() of a float tensor as the split size"),
    Known(3, "normal", "*", r"a size is only taken with a float mean and a float std",
          "torch's parser reads a 0-d tensor mean or std as a float when a size follows"),
    # ---- tier 2: errors of ordinary use that minigrad raises elsewhere, or not at all
    Known(2, "nn.*binary_cross_entropy*", "accepts what torch refuses", r"can't be cast to the desired output type",
          "an integer target or weight is promoted (torch refuses it)"),
    Known(2, "nn.BCE*", "accepts what torch refuses", r"can't be cast to the desired output type", "the same"),
    Known(2, "SGD.load_state_dict", "refuses what torch accepts", r"must be a tensor or None", "a momentum buffer "
          "step() could not use is refused at load (torch accepts it, then fails in step())"),
    Known(2, "nn.*ReLU*", "accepts what torch refuses",
          r"leaf Variable that requires grad is being used in an in-place",
          "ReLU(inplace=True) computes out of place, so it does not hit torch's in-place rule"),
    Known(2, "nn.functional.relu", "accepts what torch refuses", r"leaf Variable that requires grad is being used "
          r"in an in-place", "relu(inplace=True): the same"),
    Known(2, "Tensor.grad = ...", "accepts what torch refuses", r"(assigned grad|attempting to assign a gradient)",
          "grad is a plain slot (set on the hot path of every op): an assignment is not "
          "checked; optimizers check gradients at step() (test_sgd_step_with_gradients_torch_would_refuse)"),
    # ---- tier 1: values, dtypes, shapes, gradients, graph nodes, printing, exception types; features minigrad does
    #      not have (it raises a clear error instead); NumPy's and torch's own limits and bugs
    Known(1, "*_mean", "different result", r"grad_fn (VarBackward0|StdBackward0|MeanBackward1) != torch's "
          r"(Var|Std)MeanBackward0", "var_mean/std_mean record two nodes where torch records one two-output node "
          "(values and gradients agree; README, known differences)"),
    Known(1, "*", "unclear error", r"OverflowError: (Python int too large|cannot fit 'int'|Python integer -?\d+ out of "
          r"bounds|int too big|signed integer is)", "a Python int beyond the dtype's range where NumPy checks it: "
          "Python's OverflowError (torch raises its own overflow errors for these values, or wraps)"),
    Known(1, "*", "accepts what torch refuses", r"(not implemented for 'Bool'|on a bool tensor is not supported|does "
          r"not support bool input|with two bool tensors is not supported)", "NumPy computes these for bool arrays "
          "(inside losses too)"),
    Known(1, "*", "refuses what torch accepts", r"array is too big", "NumPy cannot hold a shape whose dims multiply "
          "past 2**63 even when another dim is 0 (torch holds an empty tensor of shape (0, 2**40, 2**40))"),
    Known(1, "*", "refuses what torch accepts", r"cannot allocate", "minigrad needs more temporary memory than torch "
          "for the same result (e.g. arange computes in float64, then casts): under the fuzz's memory cap it may "
          "fail where torch just fits"),
    Known(1, "x[key]", "refuses what torch accepts", r"out of bounds for axis", "torch skips the bounds check when the "
          "tensor has no elements"),
    Known(1, "*", "*", r"INTERNAL ASSERT FAILED", "torch's own bug (an internal assert: in its backward, or in its "
          "argument parser given a NumPy array as a list of dims)"),
    Known(1, "*", "different *", r"values .*nan.* != torch's .*(-?0\.0|inf)", "a Python float beyond the tensor's "
          "float range (float16/float32) is rounded to inf first; torch computes with it in double (0·1e308 is "
          "nan here, -0.0 in torch)"),
    Known(1, "x[key] = value", "refuses what torch accepts", r"out of bounds for axis", "torch skips the bounds check "
          "when nothing is selected or the tensor is empty"),
    Known(1, "x ** y (reflected)", "different backward", r"inf", "d(c**x)/dx for c = 0 and x ≤ 0 (0**x is inf or 1: "
          "torch and minigrad mask the edge differently)"),
    Known(1, "*", "accepts what torch refuses", r"cannot be converted to type c10::Half without overflow", "a float16 "
          "operand beyond float16's range becomes inf (torch refuses the scalar)"),
    Known(1, "*", "different result", r"grad_fn BmmBackward0 != torch's UnsafeViewBackward0", "batched matmul is one "
          "BmmBackward0 node (torch: bmm on a view, then an unsafe view)"),
    Known(1, "Module.load_state_dict", "different result", r"result\[1\]", "unexpected_keys are listed in the state "
          "dict's order (torch: module by module)"),
    Known(1, "x // y*", "different result", r"requires_grad False != torch's True", "// records no graph (torch: a "
          "node whose backward is not implemented)"),
    Known(1, "x % y*", "different result", r"requires_grad False != torch's True", "% records no graph (torch: "
          "RemainderBackward0)"),
    Known(1, "Tensor.sign", "different result", r"requires_grad False != torch's True", "sign records no graph "
          "(torch: SignBackward0, a zero gradient)"),
    Known(1, "list(iter)", "different result", r"grad_fn SelectBackward0 != torch's UnbindBackward0",
          "iteration selects rows one by one; torch unbinds"),
    Known(1, "Tensor.expand", "different result", r"grad_fn AddBackward0 != torch's ExpandBackward0",
          "expand is computed as x + zeros(shape), not as a view"),
    Known(1, "Tensor.all", "*", r"(takes 1 positional argument|unexpected keyword argument)",
          "all(dim) is unsupported"),
    Known(1, "Tensor.any", "*", r"(takes 1 positional argument|unexpected keyword argument)",
          "any(dim) is unsupported"),
    Known(1, "format", "accepts what torch refuses", r"Parameter.__format__", "torch formats only plain 0-d Tensors, "
          "not 0-d Parameters"),
    Known(1, "where", "refuses what torch accepts", r"missing 2 required positional",
          "where(condition) is unsupported"),
    Known(1, "*cl[ai]*", "refuses what torch accepts", r"a Tensor with \d+ elements cannot be converted to Scalar",
          "tensor bounds of clamp/clip are read as numbers: a many-element bound is refused"),
    Known(1, "*m[ai][xn]", "refuses what torch accepts",
          r"(dim must be an int or a tuple of ints, not (Tensor|Parameter)"
          r"|Dimension out of range|list assignment index out of range)", "min/max(other): the elementwise overload "
          "is unsupported (the tensor is read as a dim)"),
    Known(1, "Tensor.m*", "error kind differs", r"dim must be an int or a tuple of ints, not (Tensor|Parameter)",
          "min/max(other): the elementwise overload is unsupported"),
    Known(1, "Tensor.mT", "refuses what torch accepts", r"Dimension out of range", "mT of a 0-d tensor"),
    Known(1, "Tensor.mT", "error kind differs", r"Dimension out of range", "mT of a 1-d tensor: IndexError, torch "
          "RuntimeError"),
    Known(1, "Module.*", "refuses what torch accepts", r"positional argument", "named_buffers(prefix, recurse), "
          "modules(...) and state_dict's deprecated positional arguments are unsupported"),
    Known(1, "Module.*", "error kind differs", r"positional argument", "(the same, when torch then fails on them)"),
    Known(1, "nn.functional.relu", "different result", r"identity differs", "relu(inplace=True) computes out of "
          "place (the same values; the input is not modified)"),
    Known(1, "nn.ReLU(...)(x)", "different result", r"identity differs", "ReLU(inplace=True): the same"),
    Known(1, "*", "different backward", r"torch raises RuntimeError: value cannot be converted to type int64_t without "
          r"overflow", "an alpha beyond int64 (2**63): torch's forward takes it, its backward cannot convert it; "
          "minigrad computes the gradient"),
    Known(1, "*pow", "different backward", r"values \[?(-inf,? ?)+\]? != torch's \[?(-0\.0,? ?)+\]?", "an int64 "
          "exponent of -2**63: torch computes y - 1 in int64, which wraps around to 2**63 - 1"),
    Known(1, "set_default_device", "*", r"not compiled with CUDA", "torch records a CUDA "
          "default device and fails at the next factory call; minigrad (CPU only) refuses it at once (README, "
          "Devices)"),
    Known(1, "einsum", "different result", r"grad_fn EinsumBackward != torch's", "einsum records one node (torch: "
          "the permute/view/bmm chain it is built from; README, known differences)"),
    Known(1, "Tensor.subtract", "different result", r"grad_fn SubBackward0 != torch's SubBackward1", "torch's "
          "subtract(Scalar other, Scalar alpha) overload (two positional numbers) records SubBackward1; minigrad "
          "records SubBackward0, as for sub"),
    Known(1, "*matmul", "different result", r"grad_fn BmmBackward0 != torch's (UnsafeView|Clone|Transpose)Backward0",
          "a matrix times a batch (2-d @ ≥3-d) with gradients: torch folds the batch through transposes (its node "
          "depends on strides), minigrad records one bmm; the same values and gradients"),
    Known(1, "x @ y*", "different result", r"grad_fn BmmBackward0 != torch's (UnsafeView|Clone|Transpose)Backward0",
          "the same"),
    Known(1, "Tensor.* = ...", "unclear error", r"AttributeError: property '\w+' of '\w+' object has no setter",
          "assigning a read-only attribute is an AttributeError in Python (and in torch)"),
    Known(1, "Tensor.expand", "refuses what torch accepts", r"isn't allowed in a leading, non-existing dimension",
          "torch's expand of a 0-d tensor to sizes with a 0 among them skips its negative-size check and returns a "
          "tensor with a negative dimension (expand(-5, 0) has shape [-5, 0]); NumPy has no negative dims"),
    Known(1, "nn.functional.binary_cross_entropy_with_logits", "different *", r"values .*\[mixed float dtypes\]$",
          "logits of a lower float precision than the target (float32 logits, float64 target): torch computes "
          "log_sigmoid(logits) in the logits' dtype with its own (SLEEF) exp/log1p, then the rest in the target's "
          "float64; minigrad takes the same steps in the same dtypes, but its float32 log_sigmoid (computed in double, "
          "rounded once) differs from SLEEF's in the last bit for ~15% of values, which the float64 result shows"),
    Known(1, "nn.BCEWithLogitsLoss(...)(x)", "different *", r"values .*\[mixed float dtypes\]$", "the same"),
    Known(1, "x /= y*", "different backward", r"values .*\[mixed float dtypes\]$", "the same, in place"),
    Known(1, "x / y*", "different backward", r"values .*\[mixed float dtypes\]$", "a float16 result with a 0-d "
          "float32/float64 operand: torch's CPU kernels read a 0-d operand unrounded in float32 (opmath) where "
          "minigrad rounds it to float16 first; 1 float16 ulp in the gradient"),
    Known(1, "x % y*", "different result", r"values .*nan", "remainder where x / y overflows (1e308 % 0.5): NumPy's "
          "fmod-based remainder is exact (0), torch's kernel gives nan"),
    Known(1, "x @ y*", "accepts what torch refuses", r"expected m1 and m2 to have the same dtype", "an empty batched "
          "product of two dtypes whose batch dims need expanding: torch refuses it only when an operand requires "
          "grad; minigrad returns the empty result in the second operand's dtype"),
    Known(1, "x[key] = value", "different effect on inputs", r"requires_grad False != torch's True", "assigning a "
          "float tensor that requires grad into an (empty) integer tensor: torch marks the integer tensor as "
          "requiring grad, minigrad leaves it alone (an integer tensor cannot require grad)"),
]


def unexpected(findings: list[Finding]) -> list[Finding]:
    """The findings no ``KNOWN`` entry explains."""
    return [f for f in findings if not any(k.matches(f) for k in KNOWN)]


def assert_no_findings(findings: list[Finding]) -> None:
    bad = unexpected(findings)
    assert not bad, "\n".join(f"{f.target}: {f.category}: {f.detail}" for f in bad)
