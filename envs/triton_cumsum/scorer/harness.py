"""Runs one solution's prefix_sum inside the guarded child (started by score.py through redesk_envkit.run_solution).

Reads <io>/manifest.json: {"device", "check": [[name, input.npy], ...],
"timing": {"input", "warmup", "min_runs", "max_runs", "budget_ms"}}.
Writes <io>/out/<name>.npy for every check case and for the last timed call ("timed"), and one JSON line on the
private channel: {"ok": true, "times_ms": [...]} or {"ok": false, "error": ...}. The scorer compares the outputs
with its own answers; nothing here is trusted beyond the timings.
"""
import json
import os
import sys
from time import perf_counter  # bound before the solution is imported

import numpy as np
import torch

from redesk_envkit import child_channel, last_line, load_module_from
from redesk_envkit import traceback_tail as tb


def main() -> None:
    solution, io = sys.argv[1], sys.argv[2]
    replies = child_channel()

    def reply(obj):
        replies.write(json.dumps(obj) + "\n")
        replies.flush()

    with open(os.path.join(io, "manifest.json")) as f:
        manifest = json.load(f)
    device = torch.device(manifest["device"])
    cuda = device.type == "cuda"
    try:
        module = load_module_from(solution, "solution")
        fn = getattr(module, "prefix_sum", None)
        if not callable(fn):
            return reply({"ok": False, "error": "solution.py does not define a function prefix_sum(x)"})
    except BaseException as e:  # noqa: BLE001 - the solution's failure, reported to the expert
        return reply({"ok": False, "error": "importing solution.py failed: " + last_line(e), "traceback": tb(e)})

    def call(x, where):
        out = fn(x)
        if not isinstance(out, torch.Tensor):
            raise TypeError("prefix_sum returned %s on %s; expected a torch.Tensor" % (type(out).__name__, where))
        if out.device != device:
            raise TypeError("prefix_sum returned a tensor on %s for %s; expected one on %s" % (out.device, where, device))
        return out

    def save(name, out):
        np.save(os.path.join(io, "out", name + ".npy"), out.detach().cpu().numpy(), allow_pickle=False)

    def load(path):
        return torch.from_numpy(np.load(path)).to(device)

    try:
        for name, path in manifest["check"]:
            save(name, call(load(path), "case '%s'" % name))
        timing = manifest["timing"]
        x = load(timing["input"])
        times = []
        # As many timed calls as fit the budget (judged from the last warm-up), within [min_runs, max_runs]: a fast
        # solution gets more calls, so the fastest of them is a steadier figure.
        runs, i = timing["max_runs"], 0
        while i < timing["warmup"] + runs:
            # A fresh copy each call: the timed call cannot reuse work done on its own input before.
            xi = x.clone()
            if cuda:
                torch.cuda.synchronize()
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                out = call(xi, "the timing input")
                end.record()
                torch.cuda.synchronize()
                ms = start.elapsed_time(end)
            else:
                t0 = perf_counter()
                out = call(xi, "the timing input")
                ms = (perf_counter() - t0) * 1000.0
            if i >= timing["warmup"]:
                times.append(ms)
            elif i == timing["warmup"] - 1:
                runs = max(timing["min_runs"], min(timing["max_runs"], int(timing["budget_ms"] // max(ms, 1e-3))))
            i += 1
        save("timed", out)
    except BaseException as e:  # noqa: BLE001
        return reply({"ok": False, "error": "prefix_sum raised " + last_line(e), "traceback": tb(e)})
    reply({"ok": True, "times_ms": times})


if __name__ == "__main__":
    main()
