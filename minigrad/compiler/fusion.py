"""The one rewrite a captured program gets: the optimizer step reads the gradients straight from their slots.

Eagerly, the end of a training step is::

    accumulate(w.grad, g1)      # AccumulateGrad: w.grad = a copy of g1 (it was None)
    accumulate(b.grad, g2)
    optimizer.step()            # reads w.grad, b.grad; p -= update
    optimizer.zero_grad()       # w.grad = b.grad = None

Every ``.grad`` is made, read once and dropped. When an optimizer offers ``update(grads)`` (the array-level step
its own ``step()`` runs: one gradient array or None per parameter, per group), the program becomes::

    optimizer.update([[g1, g2]])

with the same kernels on the same values, so the same bits, minus the copies, the Tensor wrappers and the two
Python loops over the parameters. It holds only while each parameter's ``.grad`` is None when the step starts
(what ``zero_grad`` leaves), so the program checks that before each replay; and if the update raises, the
gradients are written to ``.grad`` first, as the eager step would have left them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from minigrad.nn.module import Module
from minigrad.optim.optimizer import Optimizer

__all__ = ["Instr", "fuse_optimizer_steps"]


@dataclass
class Instr:
    """One instruction of a captured program: its kind, the line that shows it, what replay runs (None for a
    load, which runs before the steps), and what a rewrite needs to know about it."""

    kind: str  # load, forward, backward, engine, accumulate, step, zero_grad, fused_step, note (a comment)
    line: str
    step: Callable[[list[Any]], None] | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _parameters(owner: Any) -> list[Any]:
    if isinstance(owner, Optimizer):
        return [p for group in owner.param_groups for p in group["params"]]
    if isinstance(owner, Module):
        return list(owner.parameters())
    return []


def fuse_optimizer_steps(instrs: list[Instr]) -> list[Instr]:
    """``accumulate… step() zero_grad()`` → ``update(grads)`` where it is exact (see the module docstring)."""
    out = list(instrs)
    for i, ins in enumerate(out):
        if ins.kind != "step" or i + 1 >= len(out):
            continue
        opt, after = ins.meta["optimizer"], out[i + 1]
        update = getattr(opt, "update", None)
        if update is None or after.kind != "zero_grad" or not after.meta["set_to_none"]:
            continue
        params = _parameters(opt)
        zeroed = {id(p) for p in _parameters(after.meta["owner"])}
        if not all(id(p) in zeroed for p in params):
            continue
        own = {id(p) for p in params}
        accs = [j for j in range(i) if out[j].kind == "accumulate" and id(out[j].meta["leaf"]) in own]
        leaves = [id(out[j].meta["leaf"]) for j in accs]
        if len(set(leaves)) != len(leaves):  # a parameter accumulated twice: keep eager's copy then +=
            continue
        slot_of = {id(out[j].meta["leaf"]): out[j].meta["slot"] for j in accs}
        slots = [[slot_of.get(id(p)) for p in group["params"]] for group in opt.param_groups]
        undo = [(out[j].step, out[j].meta["slot"]) for j in accs]  # AccumulateGrad, run only if update raises

        def fused(env: list[Any], update: Any = update, slots: list[list[Any]] = slots, undo: list[Any] = undo) -> None:
            try:
                update([[None if s is None else env[s] for s in group] for group in slots])
            except BaseException:
                for accumulate, _ in undo:  # leave .grad as the eager step would have left it
                    accumulate(env)
                raise

        shown = ", ".join("[" + ", ".join("None" if s is None else f"g{s}" for s in group) + "]" for group in slots)
        names = ", ".join(out[j].meta["name"] for j in accs)
        out[i] = Instr("fused_step", f"optimizer.update([{shown}])  # {type(opt).__name__}: p -= update(g) for "
                       f"{names}", fused, {"grad_none": params})
        for j in accs:  # shown, not run: the update reads the gradient itself
            out[j] = Instr("note", f"# {out[j].line}  -> fused into {type(opt).__name__}'s update below")
        out[i + 1] = Instr("note", f"# {after.line}  -> nothing to do: no .grad was made")
    return out
