"""Evaluates the workspace's model inside the guarded child (started by score.py through redesk_envkit).

    harness.py <workspace> <io>

<io>/eval.json names the masked inputs (.npy, N×T int64), the masked positions (.npy bool) and the targets
(.npy, one per masked position, row-major). The model is built with model.build_model(vocab_size, mask_id,
seq_len), loaded from <workspace>/model.pt (weights only) and run under a TorchDispatchMode and a
TorchFunctionMode that record every operator of its forward passes. Only after the last forward pass are the
targets read and the loss computed, with functions bound before the model code was imported. Writes one JSON
line on the private channel: {"ok", "loss", "aten": [...], "functions": [...]} or {"ok": false, "error"}.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from redesk_envkit import child_channel, last_line, load_module_from
from redesk_envkit import traceback_tail as tb

# Bound before the solution's code runs, so nothing it does can change how the loss is computed.
cross_entropy = F.cross_entropy
as_tensor = torch.from_numpy
no_grad = torch.no_grad
Tensor = torch.Tensor


class RecordAten(TorchDispatchMode):
    def __init__(self, seen):
        super().__init__()
        self.seen = seen

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        packet = getattr(func, "overloadpacket", None)
        self.seen.add(getattr(packet, "__name__", None) or str(func))
        return func(*args, **(kwargs or {}))


class RecordFunctions(TorchFunctionMode):
    def __init__(self, seen):
        super().__init__()
        self.seen = seen

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.seen.add(getattr(func, "__name__", None) or str(func))
        return func(*args, **(kwargs or {}))


def main() -> None:
    workspace, io = sys.argv[1], sys.argv[2]
    replies = child_channel()

    def reply(obj):
        replies.write(json.dumps(obj) + "\n")
        replies.flush()

    with open(os.path.join(io, "eval.json")) as f:
        spec = json.load(f)
    device = torch.device(spec.get("device", "cpu"))
    inputs = as_tensor(np.load(spec["inputs"]))
    mask = as_tensor(np.load(spec["mask"]))
    aten, functions = set(), set()
    try:
        module = load_module_from(os.path.join(workspace, "model.py"), "model")
        build = module.__dict__.get("build_model")
        if not callable(build):
            return reply({"ok": False, "error": "model.py does not define build_model(vocab_size, mask_id, seq_len)"})
        model = build(spec["vocab_size"], spec["mask_id"], spec["seq_len"])
        state = torch.load(os.path.join(workspace, "model.pt"), map_location="cpu", weights_only=True)
        model.load_state_dict(state)
        model.to(device).eval()
        picked = []
        with no_grad():
            for start in range(0, inputs.shape[0], spec["batch"]):
                x = inputs[start : start + spec["batch"]].to(device)
                with RecordFunctions(functions), RecordAten(aten):
                    logits = model(x)
                if not isinstance(logits, Tensor) or tuple(logits.shape) != (x.shape[0], x.shape[1], spec["vocab_size"]):
                    shape = tuple(logits.shape) if isinstance(logits, Tensor) else type(logits).__name__
                    return reply({"ok": False, "error": "the model returned %s; expected logits of shape %s" % (
                        shape, (x.shape[0], x.shape[1], spec["vocab_size"]))})
                picked.append(logits[mask[start : start + spec["batch"]].to(device)].float())
        targets = as_tensor(np.load(spec["targets"]))
        loss = float(cross_entropy(torch.cat(picked), targets.to(device)))
    except BaseException as e:  # noqa: BLE001 - the solution's failure, reported to the expert
        return reply({"ok": False, "error": last_line(e), "traceback": tb(e), "aten": sorted(aten),
                      "functions": sorted(functions)})
    reply({"ok": True, "loss": loss, "aten": sorted(aten), "functions": sorted(functions)})


if __name__ == "__main__":
    main()
