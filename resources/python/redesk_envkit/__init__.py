"""Shared kit for redesk environment scorers.

A scorer prints ONE JSON line on stdout, {"score": number|null, "message": str, "details": {...}}: `emit` or
`invalid` does that. Expert code runs in a guarded child process (`run_solution`, see guard.py). Timing-based
scores calibrate against the starting and reference solutions once per attempt (`calibrated_baseline`).
"""
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from . import service as _service

__all__ = [
    "emit", "invalid", "run_solution", "SolutionRun", "median_time", "calibrated_baseline", "load_module_from",
    "KIT_DIR", "child_channel", "child_result", "run_problem",
]

KIT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _finite_or_none(x):
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


def emit(score, message="", details=None):
    """Print the scorer's one result line and flush. A non-finite score is reported as null."""
    score = None if score is None else _finite_or_none(float(score))
    line = json.dumps({"score": score, "message": str(message), "details": details or {}}, allow_nan=False,
                      default=str)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def invalid(message, code, details=None):
    """An invalid solution: score null, details.code says why (FORBIDDEN_OP, WRONG_OUTPUT, SANDBOX_VIOLATION...)."""
    d = dict(details or {})
    d["code"] = code
    emit(None, message, d)


class SolutionRun:
    """What a guarded run did: exit code, output (last 1 MiB each), the first refusal, and how long it took."""

    def __init__(self, returncode, stdout, stderr, violations, timed_out, seconds):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.violations = violations
        self.violation = violations[0] if violations else None
        self.timed_out = timed_out
        self.seconds = seconds

    def stderr_tail(self, lines=5):
        return "\n".join(self.stderr.strip().splitlines()[-lines:])

    def __repr__(self):
        return "SolutionRun(returncode=%r, violation=%r, timed_out=%r)" % (self.returncode, self.violation,
                                                                          self.timed_out)


_OUTPUT_LIMIT = 1 << 20


def _drain(stream, sink):
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        sink.append(chunk)
        while sum(len(c) for c in sink) > 2 * _OUTPUT_LIMIT and len(sink) > 1:
            sink.pop(0)


def run_solution(workspace, argv, *, timeout, env=None, cwd=None, allow_read=(), deny_read=(), env_dir=None,
                 preload=("numpy",), allow_spawn=False, allow_ctypes=False, allow_write=(), service=None,
                 service_workers=4):
    """Run argv (a Python file and its arguments, or ["-m", module, ...]) in a guarded child Python.

    The child may write only inside `workspace`, a private temp dir (TMPDIR, removed afterwards) and the
    `allow_write` folders (where a harness leaves outputs for the scorer to check), may not read the environment folder
    (env_dir, default $REDESK_ENV_DIR or the scorer's cwd, which the app sets to the environment folder) nor any
    `deny_read` folder except the `allow_read` paths, may not use ctypes or start processes. `preload` modules are
    imported before the guard starts (numpy and torch load native code through ctypes while importing).
    `service`, a function of one JSON request, answers the child's `redesk_envkit.service.call` outside the guard
    (in `service_workers` threads): a tool the harness trusts, run on the solution's behalf.
    On timeout the whole process group is killed. Returns a SolutionRun.
    """
    workspace = os.path.realpath(workspace)
    env_dir = os.path.realpath(env_dir or os.environ.get("REDESK_ENV_DIR") or os.getcwd())
    tmp = tempfile.mkdtemp(prefix="redesk-solution-")
    child_env = dict(os.environ if env is None else env)
    child_env.update({"TMPDIR": tmp, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
                      "REDESK_ENV_DIR": env_dir})
    child_env["PYTHONPATH"] = os.pathsep.join([KIT_DIR] + [p for p in child_env.get("PYTHONPATH", "").split(os.pathsep) if p])
    server = _service.Server(service, service_workers) if service else None
    service_fds = ()
    if server:
        service_fds, service_env = server.child_fds()
        child_env.update(service_env)
    read_end, write_end = os.pipe()
    cmd = [sys.executable, "-m", "redesk_envkit.guard", "--workspace", workspace, "--report-fd", str(write_end),
           "--env-dir", env_dir]
    for d in deny_read:
        cmd += ["--deny", os.path.realpath(d)]
    for p in allow_read:
        cmd += ["--allow-read", os.path.realpath(p)]
    for p in allow_write:
        cmd += ["--allow-write", os.path.realpath(p)]
    for m in preload:
        cmd += ["--preload", m]
    if allow_spawn:
        cmd.append("--allow-spawn")
    if allow_ctypes:
        cmd.append("--allow-ctypes")
    cmd += ["--"] + list(argv)
    started = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, cwd=cwd or workspace, env=child_env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(write_end,) + service_fds,
                                start_new_session=True)
    finally:
        os.close(write_end)
        if server:
            server.start()
    out, err, report = [], [], []
    readers = [threading.Thread(target=_drain, args=(proc.stdout, out), daemon=True),
               threading.Thread(target=_drain, args=(proc.stderr, err), daemon=True),
               threading.Thread(target=_drain, args=(os.fdopen(read_end, "rb"), report), daemon=True)]
    for t in readers:
        t.start()
    # The group goes too: whatever the solution left running (it may not spawn, but with allow_spawn it can).
    timed_out = wait_group(proc, timeout)
    seconds = time.monotonic() - started
    if server:
        server.close()
    for t in readers:
        t.join(timeout=5)
    _rmtree(tmp)
    text = lambda chunks: b"".join(chunks)[-_OUTPUT_LIMIT:].decode("utf-8", "replace")  # noqa: E731
    violations = [v for v in text(report).splitlines() if v.strip()]
    return SolutionRun(proc.returncode, text(out), text(err), violations, timed_out, seconds)


def wait_group(proc, timeout):
    """Waits for a process started with start_new_session=True, at most `timeout` seconds; then kills its whole
    process group (whatever it left running) and reaps it. True when it ran past the timeout."""
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
    return timed_out


def _rmtree(path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def median_time(fn, repeats, warmup=1):
    """Median wall-clock seconds of fn() over `repeats` calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    mid = len(times) // 2
    return times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2.0


def calibrated_baseline(cache_dir, key, measure_start, measure_reference):
    """{start, reference} raw scores for this machine: measured once per attempt, then read from cache_dir.

    `key` names what was measured (bump it when the measurement changes). measure_* return a finite raw score;
    an exception from either propagates and nothing is cached. Sets calibrated_baseline.measured_now.
    """
    path = os.path.join(cache_dir, "baseline-%s.json" % key)
    try:
        with open(path) as f:
            cached = json.load(f)
        if all(_finite_or_none(cached.get(k)) is not None for k in ("start", "reference")):
            calibrated_baseline.measured_now = False
            return {"start": float(cached["start"]), "reference": float(cached["reference"])}
    except (OSError, ValueError, AttributeError):
        pass
    result = {"start": float(measure_start()), "reference": float(measure_reference())}
    for k, v in result.items():
        if not math.isfinite(v):
            raise ValueError("calibration of %s gave %r" % (k, v))
    os.makedirs(cache_dir, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, path)
    calibrated_baseline.measured_now = True
    return dict(result)


calibrated_baseline.measured_now = False


def load_module_from(path, name):
    """Import the Python file at `path` as module `name`, its folder first on sys.path (for its own helpers)."""
    import importlib.util

    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot import %s" % path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def child_channel():
    """In a guarded harness, before importing the solution: a private writer to the real stdout, with fd 1 and
    sys.stdout sent to stderr, so the solution's prints cannot forge the harness's result line."""
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return replies


def child_result(run):
    """The last JSON object line a harness wrote on its private channel, or None."""
    for line in reversed(run.stdout.strip().splitlines()):
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            return obj
    return None


def run_problem(run, what="the solution"):
    """(message, code) for a guarded run that broke a rule, timed out or failed; None when it ran cleanly."""
    if run.violation:
        extra = " (and %d more)" % (len(run.violations) - 1) if len(run.violations) > 1 else ""
        return "%s broke the workspace rules: %s%s" % (what, run.violation, extra), "SANDBOX_VIOLATION"
    if run.timed_out:
        return "%s did not finish within its time limit (%.0f s)" % (what, run.seconds), "TIMEOUT"
    if run.returncode != 0:
        tail = run.stderr_tail(3)
        return "%s exited with code %s%s" % (what, run.returncode, ": " + tail if tail else ""), "SOLUTION_FAILED"
    return None


def last_line(e: BaseException) -> str:
    """The exception's last line ("ValueError: ..."), for a score message."""
    lines = traceback.format_exception_only(type(e), e)
    return lines[-1].strip() if lines else type(e).__name__


def traceback_tail(e: BaseException, limit: int = 4000) -> str:
    """The end of the exception's traceback, for details."""
    return "".join(traceback.format_exception(type(e), e, e.__traceback__))[-limit:]


def emit_loss_above_floor(loss, floor, label, details=None):
    """The RE-Bench loss score ln(loss − floor): emitted, or invalid (WRONG_OUTPUT) when loss is not above floor."""
    if not math.isfinite(loss) or loss - floor <= 1e-9:
        return invalid("invalid: loss %r is not above the floor %.4f" % (loss, floor), "WRONG_OUTPUT", details)
    raw = math.log(loss - floor)
    return emit(raw, "valid: %s %.4f; score ln(loss − %.4f) = %.4f" % (label, loss, floor, raw), details)
