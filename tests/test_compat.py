"""minigrad.torch_compat and ``minigrad run-as-torch``: the import swap, the Unsupported errors, the runner."""

from __future__ import annotations

import difflib
import importlib.util
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

import minigrad
from minigrad import torch_compat
from minigrad.cli import main as cli_main
from minigrad.torch_compat import Unsupported, UnsupportedAttribute, UnsupportedImport, enabled

ROOT = Path(__file__).resolve().parents[1]
SUFFIX = "is not supported by minigrad (run-as-torch)"


def _exec(code: str) -> dict[str, object]:
    """Run ``code`` (real import statements) in a fresh namespace while the swap is on."""
    namespace: dict[str, object] = {}
    with enabled():
        exec(compile(textwrap.dedent(code), "<script>", "exec"), namespace)
    return namespace


# ---------------------------------------------------------------------- the import swap
def test_every_import_form_resolves_to_minigrad() -> None:
    ns = _exec("""
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim
        import torch.autograd
        import torch.nn.init
        from torch import nn as nn2, optim as optim2
        from torch.autograd import grad
        from torch.nn import Linear, MSELoss
        from torch.optim import SGD
        t = torch.tensor([1.0, 2.0], requires_grad=True)
        parts = (torch, torch.nn, torch.optim, torch.autograd, F, torch.nn.init)
    """)
    torch, nn, F, optim = ns["torch"], ns["nn"], ns["F"], ns["optim"]
    assert isinstance(torch, types.ModuleType) and torch.__name__ == "torch"  # type: ignore[attr-defined]
    assert torch.tensor is minigrad.tensor and torch.Tensor is minigrad.Tensor  # type: ignore[attr-defined]
    assert torch.no_grad is minigrad.no_grad and torch.Size is minigrad.Size  # type: ignore[attr-defined]
    assert isinstance(ns["t"], minigrad.Tensor)
    assert nn.Linear is minigrad.nn.Linear is ns["Linear"] and ns["nn2"] is nn  # type: ignore[attr-defined]
    assert ns["MSELoss"] is minigrad.nn.MSELoss
    assert F.mse_loss is minigrad.nn.functional.mse_loss  # type: ignore[attr-defined]
    assert optim.SGD is minigrad.optim.SGD is ns["SGD"] and ns["optim2"] is optim  # type: ignore[attr-defined]
    assert ns["grad"] is minigrad.autograd.grad
    assert [m.__name__ for m in ns["parts"]] == [  # type: ignore[attr-defined]
        "torch", "torch.nn", "torch.optim", "torch.autograd", "torch.nn.functional", "torch.nn.init"]
    assert "torch" not in sys.modules or sys.modules["torch"] is not torch, "the alias outlived enabled()"


def test_star_import_gives_minigrads_names() -> None:
    ns = _exec("from torch import *\nfrom torch.nn import *\n")
    assert ns["tensor"] is minigrad.tensor and ns["no_grad"] is minigrad.no_grad and ns["float32"] is minigrad.float32
    assert ns["Linear"] is minigrad.nn.Linear and ns["MSELoss"] is minigrad.nn.MSELoss
    assert "ops" not in ns and "functional_api" not in ns


def test_a_real_torch_already_imported_is_hidden_then_put_back(monkeypatch: pytest.MonkeyPatch) -> None:
    real, real_nn = types.ModuleType("torch"), types.ModuleType("torch.nn")
    monkeypatch.setitem(sys.modules, "torch", real)
    monkeypatch.setitem(sys.modules, "torch.nn", real_nn)
    ns = _exec("import torch\nimport torch.nn as nn\n")
    assert ns["torch"] is not real and ns["nn"] is not real_nn
    assert ns["nn"].Linear is minigrad.nn.Linear  # type: ignore[attr-defined]
    assert sys.modules["torch"] is real and sys.modules["torch.nn"] is real_nn


def test_minigrad_only_modules_are_not_exposed_under_torch_names() -> None:
    with enabled():
        import torch

        assert not hasattr(torch, "ops")  # minigrad.ops is not torch.ops
        assert not hasattr(torch, "functional_api")
        with pytest.raises(UnsupportedAttribute, match=r"torch\.random "):
            torch.random  # minigrad.random is not torch.random's API


# ---------------------------------------------------------------------- Unsupported
@pytest.mark.parametrize(
    ("expression", "feature"),
    [
        ("torch.nn.Conv3d", "torch.nn.Conv3d"),
        ("nn.TransformerEncoderLayer(8, 2)", "torch.nn.TransformerEncoderLayer"),
        ("torch.nn.functional.ctc_loss", "torch.nn.functional.ctc_loss"),
        ("torch.optim.LBFGS", "torch.optim.LBFGS"),
        ("torch.BFloat16Tensor([1.0])", "torch.BFloat16Tensor"),
        ("torch.ones(2).unfold(0, 1, 1)", "torch.Tensor.unfold"),
        ("torch.ones(2, requires_grad=True).pin_memory()", "torch.Tensor.pin_memory"),
        ("nn.Linear(1, 1).register_forward_hook", "torch.nn.Module.register_forward_hook"),
        ("torch.cuda.manual_seed(0)", "torch.cuda.manual_seed"),
    ],
)
def test_a_missing_torch_feature_raises_unsupported_naming_it(expression: str, feature: str) -> None:
    with enabled():
        import torch
        import torch.nn as nn

        with pytest.raises(UnsupportedAttribute) as info:
            eval(expression, {"torch": torch, "nn": nn})
    assert str(info.value) == f"{feature} {SUFFIX}"
    assert isinstance(info.value, AttributeError) and isinstance(info.value, Unsupported)


def test_hasattr_stays_false_for_unsupported_features() -> None:
    with enabled():
        import torch

        assert not hasattr(torch.nn, "Conv3d") and not hasattr(torch.ones(1), "unfold")
        assert getattr(torch.optim, "LBFGS", None) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("torch.no_such_thing", "module 'torch' has no attribute 'no_such_thing'"),
        ("torch.nn.no_such_layer", "module 'torch.nn' has no attribute 'no_such_layer'"),
        ("torch.ones(2).no_such_method", "'Tensor' object has no attribute 'no_such_method'"),
        ("torch.nn.Linear(1, 1).no_such_attr", "'Linear' object has no attribute 'no_such_attr'"),
    ],
)
def test_a_name_torch_lacks_too_gets_torchs_plain_attribute_error(expression: str, message: str) -> None:
    with enabled():
        import torch

        with pytest.raises(AttributeError) as info:
            eval(expression, {"torch": torch})
    assert not isinstance(info.value, Unsupported)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("code", "feature"),
    [
        ("import torch.distributions", "torch.distributions"),
        ("from torch.distributions import Normal", "torch.distributions"),
        ("import torchvision", "torchvision"),
        ("import torchvision.transforms as T", "torchvision.transforms"),
        ("from torchvision import datasets", "torchvision"),
        ("from torch import BFloat16Tensor", "torch.BFloat16Tensor"),
        ("from torch.autograd import Function, forward_ad", "torch.autograd.forward_ad"),
        ("import torch.optim.swa_utils", "torch.optim.swa_utils"),
        ("from torch.nn import Conv3d", "torch.nn.Conv3d"),
    ],
)
def test_an_unsupported_import_says_which(code: str, feature: str) -> None:
    with pytest.raises(UnsupportedImport) as info:
        _exec(code)
    assert str(info.value) == f"{feature} {SUFFIX}"
    assert isinstance(info.value, ImportError) and isinstance(info.value, Unsupported)


def test_an_optional_torchvision_import_can_be_caught_as_import_error() -> None:
    ns = _exec("""
        try:
            import torchvision
        except ImportError:
            torchvision = None
    """)
    assert ns["torchvision"] is None


def test_imports_torch_lacks_too_get_the_usual_errors() -> None:
    with pytest.raises(ModuleNotFoundError, match=r"No module named 'torch\.no_such_module'") as info:
        _exec("import torch.no_such_module")
    assert not isinstance(info.value, Unsupported)
    with pytest.raises(ImportError, match="cannot import name 'no_such_name'") as info2:
        _exec("from torch import no_such_name")
    assert not isinstance(info2.value, Unsupported)


# ---------------------------------------------------------------------- reprs and switch-off
def test_reprs_say_torch_while_enabled_and_minigrad_after() -> None:
    t = minigrad.tensor([[1], [2]], dtype=minigrad.int32)
    with enabled():
        assert repr(t.shape) == "torch.Size([2, 1])" and str(t.shape) == "torch.Size([2, 1])"
        assert repr(t.dtype) == "torch.int32" and f"{minigrad.float32}" == "torch.float32"
        assert repr(t) == "tensor([[1],\n        [2]], dtype=torch.int32)"
        assert t.float().type() == "torch.FloatTensor"
        assert t.shape == (2, 1) and t.shape[0] == 2 and isinstance(t.shape, tuple)
    assert repr(t.shape) == "minigrad.Size([2, 1])" and repr(t.dtype) == "minigrad.int32"
    assert repr(t) == "tensor([[1],\n        [2]], dtype=minigrad.int32)"
    assert "__getattr__" not in vars(minigrad.Tensor)
    with pytest.raises(AttributeError) as info:
        minigrad.ones(1).unfold
    assert not isinstance(info.value, Unsupported)


def test_enable_and_disable_nest_and_are_idempotent() -> None:
    with enabled():
        with enabled():
            assert torch_compat.is_enabled()
        assert torch_compat.is_enabled(), "an inner block must not switch the outer one off"
        torch_compat.enable()
    assert not torch_compat.is_enabled()
    torch_compat.disable()
    assert repr(minigrad.float32) == "minigrad.float32"


def test_cuda_probe_and_cpu_device() -> None:
    ns = _exec("""
        import torch
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        x = torch.ones(2).to(device)
        shown = (str(device), repr(device), torch.cuda.device_count())
    """)
    assert ns["shown"] == ("cpu", "device(type='cpu')", 0)
    # torch's CPU build makes the device object; only allocating on it fails
    assert _exec("import torch\nd = torch.device('cuda', 0)\n")["d"].__repr__() == "device(type='cuda', index=0)"
    with pytest.raises(AssertionError):
        _exec("import torch\ntorch.ones(2, device=torch.device('cuda'))\n")
    # .cuda() and device="cuda" fail as on torch's CPU build (an AssertionError), not with a missing attribute
    for code in ("torch.ones(2).cuda()", "torch.nn.Linear(1, 1).cuda()", "torch.zeros(2, device='cuda')"):
        with pytest.raises(AssertionError, match="not compiled with CUDA enabled"):
            _exec(f"import torch\n{code}\n")


# ---------------------------------------------------------------------- API bits added for parity
def test_sgd_takes_torchs_keyword_arguments_and_records_them() -> None:
    torch = pytest.importorskip("torch")
    mine = minigrad.optim.SGD([minigrad.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    ref = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    assert repr(mine) == repr(ref)
    assert {k: v for k, v in mine.param_groups[0].items() if k != "params"} == {
        k: v for k, v in ref.param_groups[0].items() if k != "params"}
    minigrad.optim.SGD([minigrad.zeros(1, requires_grad=True)], lr=0.1, foreach=True)
    with pytest.raises(RuntimeError, match="`fused` and `foreach` cannot be `True` together"):
        minigrad.optim.SGD([minigrad.zeros(1, requires_grad=True)], fused=True, foreach=True)
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        minigrad.optim.SGD([minigrad.zeros(1, requires_grad=True)], differentiable=True)


def test_max_and_min_along_a_dim_print_like_torch_return_types() -> None:
    torch = pytest.importorskip("torch")
    data = [[1.0, 5.0, 2.0], [7.0, 0.5, 3.0]]
    for op in ("max", "min"):
        ref = getattr(torch.tensor(data), op)(1)
        mine = getattr(minigrad.tensor(data), op)(1)
        expected = repr(ref)  # outside enabled(): the real torch's lazy imports would meet the alias
        assert repr(mine) == expected.replace("torch.", "minigrad.")
        with enabled():
            assert repr(mine) == expected
        values, indices = mine
        assert values is mine.values and indices is mine[1] and indices.tolist() == ref.indices.tolist()


# ---------------------------------------------------------------------- the runner
def test_run_script_runs_as_main_with_argv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "show.py"
    script.write_text(textwrap.dedent("""
        import sys
        import torch
        import helper  # a module next to the script, as `python show.py` finds it
        print(__name__, sys.argv[1:], torch.__name__, helper.VALUE)
        print(torch.zeros(3, 1).shape)
    """))
    (tmp_path / "helper.py").write_text("VALUE = 7\n")
    argv, path = list(sys.argv), list(sys.path)
    torch_compat.run_script(str(script), ["--lr", "0.1", "x"])
    out = capsys.readouterr().out
    assert out == "__main__ ['--lr', '0.1', 'x'] torch 7\ntorch.Size([3, 1])\n"
    assert sys.argv == argv and sys.path == path and not torch_compat.is_enabled()
    sys.modules.pop("helper", None)


def test_cli_missing_script_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["run-as-torch", str(tmp_path / "missing.py")]) == 2
    assert "can't open file" in capsys.readouterr().err


def test_cli_end_to_end(tmp_path: Path) -> None:
    """The ``minigrad run-as-torch`` command in a fresh process: argv and exit status pass through, and an
    Unsupported feature is reported like a Python error whose last frame is the script's line."""
    ok = tmp_path / "ok.py"
    ok.write_text(textwrap.dedent("""
        import sys
        import torch
        from torch import nn, optim

        if __name__ == "__main__":
            print(sys.argv[1:], torch.ones(2, 1).shape, torch.float32)
            sys.exit(int(sys.argv[1]))
    """))
    bad = tmp_path / "bad.py"
    bad.write_text("import torch.nn as nn\n\nmodel = nn.Conv3d(1, 8, 3)\n")
    cmd = [sys.executable, "-m", "minigrad.cli", "run-as-torch"]
    p = subprocess.run([*cmd, str(ok), "3", "--flag"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert (p.returncode, p.stdout) == (3, "['3', '--flag'] torch.Size([2, 1]) torch.float32\n"), p.stderr
    p = subprocess.run([*cmd, str(bad)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 1 and p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1].endswith("line 3, in <module>") and lines[2].strip() == "model = nn.Conv3d(1, 8, 3)"
    assert lines[-1] == f"minigrad.torch_compat.UnsupportedAttribute: torch.nn.Conv3d {SUFFIX}"
    assert "runpy" not in p.stderr


# ---------------------------------------------------------------------- the stored torch names
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs the reference torch")
def test_stored_torch_names_match_the_installed_torch() -> None:
    """``_torch_names.py`` decides Unsupported vs plain AttributeError: it must list the installed torch's names
    (regenerate with ``python -m minigrad.torch_compat._gen_names --write``)."""
    p = subprocess.run([sys.executable, "-m", "minigrad.torch_compat._gen_names"], capture_output=True, text=True,
                       cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    stored = (ROOT / "minigrad" / "torch_compat" / "_torch_names.py").read_text()
    diff = list(difflib.unified_diff(stored.splitlines(), p.stdout.splitlines(), "stored", "installed torch",
                                     lineterm="", n=0))
    assert not diff, "minigrad/torch_compat/_torch_names.py is stale: regenerate it\n" + "\n".join(diff[:40])
