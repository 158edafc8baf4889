"""``minigrad run-as-torch script.py [args...]``: run an unmodified torch script on minigrad."""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from minigrad import torch_compat


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run-as-torch",
        help="run a torch script unchanged on minigrad (import torch -> minigrad)",
        description="Run SCRIPT as __main__ with `import torch` (torch.nn, torch.optim, torch.autograd, "
        "torch.nn.functional) resolving to minigrad. A torch feature minigrad lacks raises "
        "minigrad.torch_compat.Unsupported naming it.",
    )
    p.add_argument("script", help="path of the torch script")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script (its sys.argv[1:])")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the script; an error it raises is reported as ``python script.py`` would (exit status 1)."""
    if not os.path.isfile(args.script):
        print(f"minigrad run-as-torch: can't open file {args.script!r}: no such file", file=sys.stderr)
        return 2
    try:
        torch_compat.run_script(args.script, args.args)
    except Exception as e:  # the script's own error: printed as Python would
        print_script_error(e, args.script, torch_compat.__file__)
        return 1
    return 0


def print_script_error(error: BaseException, script: str, compat_file: str) -> None:
    """Print ``error``'s traceback from the script's first frame on, without this runner's frames around it
    (runpy and run_script before, torch_compat's raise sites after), so the last frame is the script's line."""
    target = os.path.abspath(script)
    tb = error.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != target:
        tb = tb.tb_next
    te = traceback.TracebackException(type(error), error, tb or error.__traceback__)
    while len(te.stack) > 1 and te.stack[-1].filename == compat_file:
        te.stack.pop()
    sys.stderr.write("".join(te.format()))
