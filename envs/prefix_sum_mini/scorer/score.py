"""Scorer for prefix_sum_mini: checks the workspace's solution.py and times it.

Prints exactly one JSON line on stdout: {"score": ln(median ms) or null, "message": ..., "details": {...}}.
On the first run for an attempt it also times the starting and reference solutions on this machine, the same way,
and caches them in <cache>/calibration.json; details.baseline = {"start", "reference"} lets the app normalize.
"""
import argparse
import json
import math
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from typing import Dict, List, Optional, Tuple

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import task  # noqa: E402

ENV_DIR = os.path.dirname(HERE)
HARNESS = os.path.join(HERE, "harness.py")
STARTER = os.path.join(ENV_DIR, "starter", "solution.py")
REFERENCE = os.path.join(ENV_DIR, "reference", "solution.py")

# Bump when anything that changes timings changes (input size, timing method), so old calibrations are not reused.
CALIBRATION_FORMAT = 1
IMPORT_TIMEOUT_S = 60
# One call may take this long; beyond it the solution is invalid (keeps the scorer well inside its 300 s timeout).
CALL_TIMEOUT_S = 30
# Timed runs after one warm-up: enough for a stable median, bounded for slow solutions.
TIMING_BUDGET_S = 2.0
MIN_RUNS = 3
MAX_RUNS = 15


class Invalid(Exception):
    """The solution is wrong or broke; the message says how."""


class Inputs:
    """Input files on disk (shared by every solution measured in this run) and their trusted answers."""

    def __init__(self, tmp: str) -> None:
        self.tmp = tmp
        self.small = []  # type: List[Tuple[str, str, np.ndarray]]
        for i, (name, x) in enumerate(task.small_cases()):
            want = task.expected_by_definition(x)
            fast = task.expected_fast(x)
            if want.shape != fast.shape or not (want == fast).all():
                raise AssertionError("scorer bug: expected_fast disagrees with the definition on case " + name)
            self.small.append((name, self._write("small_%d" % i, x), want))
        self.full = {}  # type: Dict[int, Tuple[str, np.ndarray]]

    def full_case(self, k: int) -> Tuple[str, np.ndarray]:
        if k not in self.full:
            x = task.full_input(k)
            self.full[k] = (self._write("full_%d" % k, x), task.expected_fast(x))
        return self.full[k]

    def _write(self, name: str, x: np.ndarray) -> str:
        path = os.path.join(self.tmp, name + ".npy")
        np.save(path, x)
        return path


class Harness:
    """One solution, imported in its own process (harness.py)."""

    def __init__(self, solution: str, tmp: str) -> None:
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen(
            [sys.executable, HARNESS, solution],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=os.path.dirname(solution),
        )
        self.out_path = os.path.join(tmp, "out.npy")
        self.replies = queue.Queue()  # type: queue.Queue
        self.stderr_tail = b""
        threading.Thread(target=self._read_replies, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        ready = self._reply(IMPORT_TIMEOUT_S, "importing solution.py")
        if not ready.get("ready"):
            raise Invalid(ready.get("error", "solution.py could not be imported"))

    def run(self, input_path: str) -> Tuple[np.ndarray, float]:
        request = json.dumps({"input": input_path, "output": self.out_path}) + "\n"
        try:
            self.proc.stdin.write(request.encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self._died()
        reply = self._reply(CALL_TIMEOUT_S, "one call of prefix_sum")
        if not reply.get("ok"):
            raise Invalid(reply.get("error", "prefix_sum failed"))
        return np.load(self.out_path, allow_pickle=False), float(reply["ms"])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def _reply(self, timeout: float, what: str) -> dict:
        try:
            line = self.replies.get(timeout=timeout)
        except queue.Empty:
            self.close()
            raise Invalid("%s took longer than %d s" % (what, timeout))
        if line is None:
            self._died()
        return json.loads(line)

    def _died(self) -> None:
        code = self.proc.wait()
        tail = self.stderr_tail.decode("utf-8", "replace").strip().splitlines()
        why = (": " + tail[-1]) if tail else ""
        raise Invalid("the solution's process exited with code %s%s" % (code, why))

    def _read_replies(self) -> None:
        for line in self.proc.stdout:
            self.replies.put(line)
        self.replies.put(None)

    def _read_stderr(self) -> None:
        for chunk in iter(lambda: self.proc.stderr.read(4096), b""):
            self.stderr_tail = (self.stderr_tail + chunk)[-8192:]


def measure(solution: str, inputs: Inputs) -> dict:
    """Check, then time, one solution. Raises Invalid with the first thing wrong."""
    if not os.path.isfile(solution):
        raise Invalid("%s not found" % os.path.basename(solution))
    harness = Harness(solution, inputs.tmp)
    try:
        for name, path, want in inputs.small:
            got, _ = harness.run(path)
            check(got, want, "case '%s' (n=%d)" % (name, len(want)))
        path, want = inputs.full_case(0)
        got, warm_ms = harness.run(path)
        check(got, want, "the full-size input")
        runs = max(MIN_RUNS, min(MAX_RUNS, int(math.ceil(TIMING_BUDGET_S * 1000.0 / max(warm_ms, 1e-3)))))
        times = []
        # A new input each run, so a solution cannot return a remembered answer.
        for k in range(1, runs + 1):
            path, want = inputs.full_case(k)
            got, ms = harness.run(path)
            check(got, want, "full-size input #%d" % k)
            times.append(ms)
    finally:
        harness.close()
    median = float(np.median(times))
    return {"median_ms": median, "score": math.log(max(median, 1e-6)), "times_ms": [round(t, 4) for t in times]}


def check(got: np.ndarray, want: np.ndarray, where: str) -> None:
    wrong = task.first_mismatch(got, want)
    if wrong:
        raise Invalid("wrong output on %s: %s" % (where, wrong))


def calibration(cache_dir: str, inputs: Inputs) -> Tuple[dict, bool]:
    """{start, reference} for this machine, from the cache or measured now; and whether it was measured now."""
    path = os.path.join(cache_dir, "calibration.json")
    try:
        with open(path) as f:
            cached = json.load(f)
        if cached.get("format") == CALIBRATION_FORMAT and all(
            isinstance(cached.get(k), float) and math.isfinite(cached[k]) for k in ("start", "reference")
        ):
            return cached, False
    except (OSError, ValueError, AttributeError):
        pass
    result = {"format": CALIBRATION_FORMAT, "size": task.FULL_SIZE}
    for key, solution in (("start", STARTER), ("reference", REFERENCE)):
        try:
            m = measure(solution, inputs)
        except Invalid as e:
            raise RuntimeError("calibration failed: the %s solution is invalid on this machine: %s" % (key, e))
        result[key] = m["score"]
        result[key + "_median_ms"] = m["median_ms"]
    os.makedirs(cache_dir, exist_ok=True)
    tmp_path = path + ".tmp"
    with open(tmp_path, "w") as f:
        json.dump(result, f, indent=2)
    os.replace(tmp_path, path)
    return result, True


def score(workspace: str, cache_dir: str) -> dict:
    tmp = tempfile.mkdtemp(prefix="prefix_sum_mini-")
    try:
        inputs = Inputs(tmp)
        try:
            cal, measured_now = calibration(cache_dir, inputs)
        except RuntimeError as e:
            return {"score": None, "message": str(e), "details": {"error": "calibration"}}
        details = {
            "baseline": {"start": cal["start"], "reference": cal["reference"]},
            "calibratedNow": measured_now,
            "size": task.FULL_SIZE,
        }  # type: dict
        try:
            m = measure(os.path.join(workspace, "solution.py"), inputs)
        except Invalid as e:
            return {"score": None, "message": "invalid: %s" % e, "details": details}
        details.update({"medianMs": m["median_ms"], "runs": len(m["times_ms"]), "timesMs": m["times_ms"]})
        message = "valid: median %.3f ms over %d runs; score ln(ms) = %.4f" % (m["median_ms"], len(m["times_ms"]), m["score"])
        return {"score": m["score"], "message": message, "details": details}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", required=True, help="folder holding solution.py")
    parser.add_argument("--cache", required=True, help="per-attempt folder for calibration.json")
    args = parser.parse_args(argv)
    result = score(os.path.abspath(args.workspace), os.path.abspath(args.cache))
    sys.stdout.write(json.dumps(result, allow_nan=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
