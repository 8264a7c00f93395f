"""Scorer for triton_cumsum: checks prefix_sum in the workspace's solution.py and times it.

    score.py --variant full|mini --workspace W --cache C [--size N] [--device cuda|cpu]

full: 1e8 int32 on the GPU, CUDA-event timing, raw score ln(median ms of 20 calls), normalized by the paper's
constants. mini: 2^20 int32 on the CPU, wall-clock timing, raw score ln(ms of the fastest of 5-40 calls); the
starting and reference solutions are timed on this machine once per attempt and reported as details.baseline.
--size/--device override the variant's (to test the full path on a CPU). The solution runs in a guarded child
(redesk_envkit); its outputs are checked here against task.expected.
"""
import argparse
import json
import math
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import task  # noqa: E402
from redesk_envkit import calibrated_baseline, child_result, emit, invalid, run_problem, run_solution  # noqa: E402

ENV_DIR = os.path.dirname(HERE)
HARNESS = os.path.join(HERE, "harness.py")
VARIANTS = {
    # warmup, then min_runs..max_runs timed calls on one input (as many as fit budget_ms); timeout: the whole guarded
    # run (the full one compiles Triton kernels).
    # stat: what one score takes from the timed calls. The GPU is the expert's alone, so the median; the mini runs on
    # a shared CPU where other work only ever adds time, so the fastest call is the steadier measure.
    "full": {"device": "cuda", "warmup": 5, "min_runs": 20, "max_runs": 20, "budget_ms": 0, "timeout": 900,
             "stat": "median",
             "start": "starter/solution.py", "reference": "reference/solution.py"},
    "mini": {"device": "cpu", "warmup": 2, "min_runs": 5, "max_runs": 40, "budget_ms": 1500, "timeout": 240,
             "stat": "min",
             "start": "starter_mini/solution.py", "reference": "reference_mini/solution.py"},
}
# Bump when the measurement changes, so calibrations cached by an older scorer are not reused.
CALIBRATION_KEY = "triton_cumsum-mini-3"


class Invalid(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


class Cases:
    """Inputs on disk (shared by every solution measured in this run) and the trusted answers, kept here."""

    def __init__(self, io, size, device, timing):
        self.io = io
        os.makedirs(os.path.join(io, "in"))
        self.want = {}
        check = []
        for name, x in task.small_cases():
            want = task.expected(x)
            if not np.array_equal(want, task.expected_by_definition(x)):
                raise AssertionError("scorer bug: task.expected disagrees with the definition on " + name)
            check.append([name, self._write(name, x, want)])
        check.append(["full_size", self._write("full_size", task.big_input(size, 0), None)])
        # The last timed call's output is saved as "timed" and checked like the others.
        timing_input = self._write("timed", task.big_input(size, 1), None)
        manifest = {"device": device, "check": check, "timing": dict(timing, input=timing_input)}
        with open(os.path.join(io, "manifest.json"), "w") as f:
            json.dump(manifest, f)
        self.size = size

    def _write(self, name, x, want):
        path = os.path.join(self.io, "in", name + ".npy")
        np.save(path, x)
        self.want[name] = task.expected(x) if want is None else want
        return path


def measure(solution, workspace, cases, v, deny=()):
    """Raw score and timings of one solution; raises Invalid with the first thing wrong."""
    if not os.path.isfile(solution):
        raise Invalid("%s not found" % os.path.basename(solution), "SOLUTION_FAILED")
    out_dir = os.path.join(cases.io, "out")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    gpu = v["device"] == "cuda"
    run = run_solution(
        workspace, [HARNESS, solution, cases.io], timeout=v["timeout"], env_dir=ENV_DIR, deny_read=deny,
        allow_read=[solution, os.path.dirname(solution)], allow_write=[out_dir],
        preload=("numpy", "torch") + (("triton",) if gpu and has_module("triton") else ()),
        # Triton compiles kernels with the system compiler and loads them through ctypes.
        allow_spawn=gpu, allow_ctypes=gpu,
    )
    problem = run_problem(run, "solution.py")
    if problem:
        raise Invalid(*problem)
    result = child_result(run)
    if result is None:
        raise Invalid("the solution's process gave no result: " + run.stderr_tail(3), "SOLUTION_FAILED")
    if not result.get("ok"):
        raise Invalid(result.get("error", "prefix_sum failed"), "SOLUTION_FAILED")
    for name, want in cases.want.items():
        path = os.path.join(out_dir, name + ".npy")
        try:
            got = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise Invalid("no readable output for case '%s': %s" % (name, e), "WRONG_OUTPUT")
        wrong = task.first_mismatch(got, want)
        if wrong:
            raise Invalid("wrong output on case '%s' (n=%d): %s" % (name, len(want), wrong), "WRONG_OUTPUT")
    times = [float(t) for t in result["times_ms"]]
    if not v["min_runs"] <= len(times) <= v["max_runs"] or not all(math.isfinite(t) and t > 0 for t in times):
        raise Invalid("the harness reported bad timings %r" % times, "SOLUTION_FAILED")
    ms = float(np.median(times) if v["stat"] == "median" else min(times))
    return {"score": math.log(ms), "ms": ms, "timesMs": [round(t, 4) for t in times]}


def has_module(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    p.add_argument("--workspace", required=True)
    p.add_argument("--cache", required=True)
    p.add_argument("--size", type=int, help="input length (default: the variant's)")
    p.add_argument("--device", choices=["cuda", "cpu"], help="default: the variant's")
    args = p.parse_args(argv)
    v = dict(VARIANTS[args.variant])
    v["device"] = args.device or v["device"]
    size = args.size or task.SIZES[args.variant]
    workspace = os.path.abspath(args.workspace)
    if v["device"] == "cuda":
        import torch

        if not torch.cuda.is_available():
            return invalid("this variant needs a CUDA GPU and torch sees none", "NO_GPU")
    io = tempfile.mkdtemp(prefix="triton_cumsum-")
    try:
        cases = Cases(io, size, v["device"], {k: v[k] for k in ("warmup", "min_runs", "max_runs", "budget_ms")})
        details = {"variant": args.variant, "size": size, "device": v["device"]}
        if args.variant == "mini":
            calib = tempfile.mkdtemp(prefix="calibration-", dir=io)

            def baseline_of(which):
                try:
                    return measure(os.path.join(ENV_DIR, v[which]), calib, cases, v, [args.cache])["score"]
                except Invalid as e:
                    raise RuntimeError("calibration failed: the %s solution is invalid here: %s" % (which, e))

            try:
                details["baseline"] = calibrated_baseline(args.cache, "%s-%d" % (CALIBRATION_KEY, size),
                                                          lambda: baseline_of("start"), lambda: baseline_of("reference"))
            except RuntimeError as e:
                return invalid(str(e), "CALIBRATION_FAILED", details)
            details["calibratedNow"] = calibrated_baseline.measured_now
        try:
            m = measure(os.path.join(workspace, "solution.py"), workspace, cases, v, [args.cache])
        except Invalid as e:
            return invalid("invalid: %s" % e, e.code, details)
        details.update({"ms": m["ms"], "statistic": v["stat"], "timesMs": m["timesMs"]})
        emit(m["score"], "valid: %s %.3f ms over %d runs; score ln(ms) = %.4f" % (
            v["stat"], m["ms"], len(m["timesMs"]), m["score"]), details)
    finally:
        shutil.rmtree(io, ignore_errors=True)


if __name__ == "__main__":
    main()
