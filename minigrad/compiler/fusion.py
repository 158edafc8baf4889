"""The one rewrite a captured program gets: the optimizer step reads the gradients straight from their slots.

Eagerly, the end of a training step is::

    accumulate(w.grad, g1)      # AccumulateGrad: w.grad = a copy of g1 (it was None)
    accumulate(b.grad, g2)
    optimizer.step()            # reads w.grad, b.grad; p -= update
    optimizer.zero_grad()       # w.grad = b.grad = None

Every ``.grad`` is made, read once and dropped. When an optimizer offers ``update(grads)`` (the array-level step
its own ``step()`` runs: one gradient array or None per parameter, per group), the program becomes::

    optimizer.update([[g1, g2]])       # (a plain SGD is written out: p −= lr·g, see render.py)

with the same kernels on the same values, so the same bits, minus the copies, the Tensor wrappers and the two
Python loops over the parameters. It holds only while each parameter's ``.grad`` is None when the step starts
(what ``zero_grad`` leaves), so the program checks that before each replay; and if the update raises, the
gradients are written to ``.grad`` first, as the eager step would have left them.
"""

from __future__ import annotations

from typing import Any

from minigrad.compiler.program import Instr
from minigrad.nn.module import Module
from minigrad.optim.optimizer import Optimizer

__all__ = ["fuse_optimizer_steps"]


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
        fused = [(out[j].meta["acc"], out[j].meta["slot"], out[j].meta["name"]) for j in accs]
        out[i] = Instr("fused_step", {"optimizer": opt, "slots": slots, "accs": fused, "grad_none": params})
        for j in accs:  # shown, not run: the update reads the gradient itself
            m = out[j].meta
            out[j] = Instr("note", {"text": f"# AccumulateGrad({m['name']}): fused into {type(opt).__name__}'s update "
                                            f"below (it reads g{m['slot']} directly)"})
        owner = "optimizer" if isinstance(after.meta["owner"], Optimizer) else "model"
        out[i + 1] = Instr("note", {"text": f"# {owner}.zero_grad(set_to_none=True): nothing to do, no .grad was made"})
    return out
