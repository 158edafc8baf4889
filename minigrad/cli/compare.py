"""``minigrad compare {example1,example2,example3,all}``: each seed pipeline on torch and minigrad, side by side.

Both models are built right after seeding their own generator with ``--seed`` (minigrad's generator reproduces
torch's, so they start from identical parameters — checked), then trained in lockstep by
:func:`minigrad.testing.mirror.run_mirror`, which records the loss, every gradient and every parameter of both
sides at every step and judges them with the documented training tolerance. Prints a per-epoch table, each
side's final result and a one-line verdict; ``--plot DIR`` also writes PNGs (matplotlib, Agg backend).

Exit status: 0 if every step of every example is within tolerance, 1 if not, 2 if torch is not installed.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import numpy as np

from minigrad import _optional
from minigrad.examples import EXAMPLES, OPTIMIZERS, TORCH_MISSING, load, make_pipelines
from minigrad.testing.mirror import run_mirror

__all__ = ["register", "run", "compare_example", "plot_trace"]

_TITLES = {
    "example1": "linear regression on X = [1, 2, 3, 4], Y = 2X (LinearRegression(1, 1), MSELoss, SGD)",
    "example2": "linear regression on make_regression(100 x 1, noise 20) (Linear(1, 1), MSELoss, SGD)",
    "example3": "logistic regression on breast cancer, 455 train / 114 test (sigmoid(Linear(30, 1)), BCELoss, SGD)",
}


def register(subparsers: Any) -> None:
    """Add ``compare`` to the ``minigrad`` command."""
    p = subparsers.add_parser(
        "compare", help="run the seed examples on torch and minigrad side by side, step by step",
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: minigrad compare all --plot plots/",
    )
    p.add_argument("example", choices=("example1", "example2", "example3", "all"), help="which pipeline(s) to run")
    p.add_argument("--epochs", type=int, default=100, help="training steps (default 100)")
    p.add_argument("--lr", type=float, default=0.01, help="learning rate (default 0.01)")
    p.add_argument("--optimizer", choices=("sgd", "adam", "rmsprop", "adagrad"), default="sgd",
                   help="train both sides with this torch.optim optimizer (default sgd, as the examples)")
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32", help="default float32")
    p.add_argument("--seed", type=int, default=0, help="seed of both generators (default 0)")
    p.add_argument("--every", type=int, default=None, metavar="N",
                   help="print every N-th epoch and the last (default: a tenth of the epochs)")
    p.add_argument("--plot", metavar="DIR", default=None, help="write PNG plots into DIR")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """The command: 0 if all steps pass, 1 if some step leaves the tolerance, 2 if torch is missing."""
    try:
        _optional.torch()
    except ImportError:
        print(TORCH_MISSING, file=sys.stderr)
        return 2
    if args.epochs < 1:
        print("minigrad compare: --epochs must be at least 1", file=sys.stderr)
        return 2
    names = EXAMPLES if args.example == "all" else (args.example,)
    every = args.every or max(1, args.epochs // 10)
    if args.plot:
        os.makedirs(args.plot, exist_ok=True)
    ok = True
    for i, name in enumerate(names):
        if i:
            print()
        text, trace, extras = compare_example(name, epochs=args.epochs, lr=args.lr, dtype=args.dtype,
                                              seed=args.seed, every=every, optimizer=args.optimizer)
        print(text, flush=True)
        ok &= trace.ok
        if args.plot:
            for path in plot_trace(name, trace, extras, args.plot, lr=args.lr, seed=args.seed):
                print(f"  wrote {path}")
    if len(names) > 1:
        print(f"\n{'PASS' if ok else 'FAIL'}: {len(names)} examples, {args.epochs} steps each, {args.dtype}"
              + ("" if args.optimizer == "sgd" else f", {args.optimizer}"))
    return 0 if ok else 1


def compare_example(name: str, *, epochs: int = 100, lr: float = 0.01, dtype: str = "float32", seed: int = 0,
                    every: int = 10, optimizer: str = "sgd") -> tuple[str, Any, dict[str, Any]]:
    """Run example ``name`` on both engines; return (printed text, the mirror trace, final results)."""
    mine, ref = load(name)
    mg, th = make_pipelines(name, dtype=dtype, lr=lr, seed=seed, optimizer=optimizer)
    trace = run_mirror(mg, th, epochs)
    title = _TITLES[name] if optimizer == "sgd" else _TITLES[name].replace("SGD)", f"{OPTIMIZERS[optimizer]})")
    lines = [f"== {name}: {title}",
             f"   {dtype}, lr {lr}, {epochs} epochs, seed {seed}: identical initial parameters on both sides (checked)",
             f"{'epoch':>6} {'torch loss':>16} {'minigrad loss':>16} {'max |Δgrad|':>12} {'max |Δparam|':>13}"]
    for rec in trace.steps:
        if (rec.step + 1) % every and rec.step != epochs - 1:
            continue
        m_loss, t_loss = rec.loss
        lines.append(f"{rec.step + 1:>6} {float(t_loss):>16.8g} {float(m_loss):>16.8g} "
                     f"{rec.worst('grad'):>12.2e} {rec.worst('param'):>13.2e}" + ("" if rec.ok else "  OUT"))
    extras: dict[str, Any] = {}
    if name == "example1":
        f_t, f_m = ref.predict(th.model, th.test_inputs), mine.predict(mg.model, mg.test_inputs)
        extras.update(f5=(f_m, f_t))
        lines.append(f"f(5) after training: torch {f_t:.6f}   minigrad {f_m:.6f}   |Δ| {abs(f_t - f_m):.2e}")
    elif name == "example2":
        (w_t, b_t), (w_m, b_m) = ref.fitted_line(th.model), mine.fitted_line(mg.model)
        extras.update(line=((w_m, b_m), (w_t, b_t)), X=np.array(th.inputs.numpy()), y=np.array(th.targets.numpy()))
        lines.append(f"fitted line: torch y = {w_t.item():.6f}·x + {b_t.item():.6f}   "
                     f"minigrad y = {w_m.item():.6f}·x + {b_m.item():.6f}")
    else:
        acc_t, cls_t = ref.evaluate(th.model, th.test_inputs, th.test_targets)
        acc_m, cls_m = mine.evaluate(mg.model, mg.test_inputs, mg.test_targets)
        cls_t, cls_m = np.array(cls_t.numpy()).ravel(), np.array(cls_m.numpy()).ravel()
        same = int((cls_t == cls_m).sum())
        extras.update(accuracy=(acc_m, acc_t), classes=(cls_m, cls_t), y_test=np.array(th.test_targets.numpy()).ravel())
        lines.append(f"test accuracy: torch {acc_t:.4f}   minigrad {acc_m:.4f}   "
                     f"predicted classes identical for {same} of {cls_t.size} test samples")
    lines.append(trace.verdict())
    return "\n".join(lines), trace, extras


def _positive(values: list[float]) -> np.ndarray:
    """Zeros (bit-identical steps) cannot sit on a log axis: they become gaps."""
    arr = np.asarray(values, dtype=np.float64)
    return np.where(arr > 0, arr, np.nan)


def plot_trace(name: str, trace: Any, extras: dict[str, Any], directory: str, *, lr: float = 0.01,
               seed: int = 0) -> list[str]:
    """Write the PNGs of one compared example into ``directory``; return their paths."""
    _optional.matplotlib("Agg")
    plt = _optional.pyplot()
    paths = []
    steps = np.arange(1, len(trace.steps) + 1)
    setting = f"{trace.dtype}, lr {lr}, seed {seed}"

    # 1) the loss curves, overlaid
    m_loss, t_loss = trace.losses()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(steps, t_loss, "-", color="tab:blue", lw=3, alpha=0.6, label="torch")
    ax.plot(steps, m_loss, "--", color="tab:orange", lw=1.5, label="minigrad")
    ax.set(title=f"{name}: training loss, torch vs minigrad ({setting})", xlabel="epoch (training step)",
           ylabel="loss")
    if min(t_loss) > 0 and max(t_loss) / min(t_loss) > 50:
        ax.set_yscale("log")
        ax.set_ylabel("loss (log scale)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    paths.append(_save(fig, directory, f"{name}_loss.png"))

    # 2) the differences per step, and how much of the tolerance they use
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    styles = {"loss": ("tab:green", "o"), "grad": ("tab:red", "s"), "param": ("tab:purple", "^")}
    for kind, (color, marker) in styles.items():
        d = [r.worst(kind) for r in trace.steps]
        zeros = sum(1 for v in d if v == 0)
        label = f"max |Δ{kind}|" + (f" ({zeros} steps bit-identical: not drawn)" if zeros else "")
        ax1.plot(steps, _positive(d), marker=marker, ms=3, lw=1, color=color, label=label)
        ax2.plot(steps, _positive([max((c.usage for c in r.comparisons if c.kind == kind), default=0.0)
                                   for r in trace.steps]), marker=marker, ms=3, lw=1, color=color, label=kind)
    ax1.set_yscale("log")
    ax1.set(title=f"{name}: |minigrad − torch| per step ({trace.dtype})", xlabel="epoch (training step)",
            ylabel="max absolute difference (log scale)")
    ax2.axhline(1.0, color="black", ls="--", lw=1, label="tolerance (1 = limit)")
    ax2.set_yscale("log")
    ax2.set(title="fraction of the allowed difference used", xlabel="epoch (training step)",
            ylabel="max |Δ| / (atol + rtol·|torch|) (log scale)")
    for ax in (ax1, ax2):
        ax.grid(True, which="both", alpha=0.3)
    ax1.legend(fontsize=8, loc="best")
    ax2.legend(fontsize=8, loc="center right")
    for ax in (ax1, ax2):
        ax.set_xlim(0.5, len(steps) + 0.5)
    if all(r.worst() == 0 for r in trace.steps):  # nothing to draw on a log axis: say so on a sensible scale
        eps = float(np.finfo(trace.dtype).eps)
        ax1.set_ylim(eps * 1e-2, 1.0)
        ax2.set_ylim(1e-6, 10.0)
        for ax in (ax1, ax2):
            ax.text(0.45, 0.3, "minigrad and torch are bit-identical at every step (|Δ| = 0)",
                    transform=ax.transAxes, ha="center", va="center", fontsize=10,
                    bbox={"facecolor": "white", "edgecolor": "gray"})
    fig.suptitle(trace.verdict(), fontsize=8)
    paths.append(_save(fig, directory, f"{name}_diff.png"))

    if name == "example2":
        (w_m, b_m), (w_t, b_t) = extras["line"]
        x, y = extras["X"][:, 0], extras["y"].ravel()
        xs = np.linspace(x.min(), x.max(), 2)
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ax.plot(x, y, "ro", ms=4, label="data (make_regression, noise 20)")
        ax.plot(xs, w_t.item() * xs + b_t.item(), "-", color="tab:blue", lw=4, alpha=0.5,
                label=f"torch fit: y = {w_t.item():.4f}·x + {b_t.item():.4f}")
        ax.plot(xs, w_m.item() * xs + b_m.item(), "--", color="black", lw=1.5,
                label=f"minigrad fit: y = {w_m.item():.4f}·x + {b_m.item():.4f}")
        ax.set(title=f"example2: data and fitted lines after {len(trace.steps)} epochs ({setting})", xlabel="x",
               ylabel="y")
        ax.grid(True, alpha=0.3)
        ax.legend()
        paths.append(_save(fig, directory, "example2_fit.png"))
    if name == "example3":
        paths.append(_plot_confusion(plt, extras, directory, len(trace.steps), setting))
    return paths


def _plot_confusion(plt: Any, extras: dict[str, Any], directory: str, epochs: int, setting: str) -> str:
    (acc_m, acc_t), (cls_m, cls_t), y = extras["accuracy"], extras["classes"], extras["y_test"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    for ax, side, cls, acc in ((axes[0], "torch", cls_t, acc_t), (axes[1], "minigrad", cls_m, acc_m)):
        cm = np.zeros((2, 2), dtype=int)
        for truth, pred in zip(y.astype(int), cls.astype(int)):
            cm[truth, pred] += 1
        ax.imshow(cm, cmap="Blues", vmin=0, vmax=max(int(cm.max()), 1))
        for (i, j), v in np.ndenumerate(cm):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=14,
                    color="white" if v > cm.max() / 2 else "black")
        ax.set_xticks([0, 1], ["malignant (0)", "benign (1)"])
        ax.set_yticks([0, 1], ["malignant (0)", "benign (1)"])
        ax.set(title=f"{side}: test accuracy {acc:.4f}", xlabel="predicted class", ylabel="true class")
    same = int((cls_m == cls_t).sum())
    fig.suptitle(f"example3: confusion matrices on the {y.size} test samples after {epochs} epochs ({setting}); "
                 f"predictions identical for {same}/{y.size}", fontsize=9)
    return _save(fig, directory, "example3_accuracy.png")


def _save(fig: Any, directory: str, filename: str) -> str:
    plt = _optional.pyplot()
    path = os.path.join(directory, filename)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
