"""Rust contest programs: compiled with rustc and run on tests, each under a time and memory limit.

The scorer judges with `judge`. A scaffold tests its candidates with `check(code, tests)`: in the attempt's
terminal it compiles and runs here; under the scorer's guard (which lets no process start) the scorer answers it
through `redesk_envkit.service`, with the same rules, so a scaffold that tests candidates scores as it develops.
"""
import os
import re
import resource
import shutil
import subprocess
import tempfile

from . import service

COMPILE_TIMEOUT_S = 60
# A contest program needs stdin and stdout only. The programs come from the expert's scaffold and run as native
# code that no audit hook sees, so anything that reaches files (the held-out tests live on this machine), other
# processes, the network or raw memory is refused before compiling: at compile time include_str!/include_bytes!/
# include!/#[path] would read files, at run time std::fs, std::process, std::net, std::env, FFI and unsafe code.
FORBIDDEN = [
    (re.compile(r"\binclude(_str|_bytes)?\s*!"), "include!/include_str!/include_bytes! (reads files at compile time)"),
    (re.compile(r"#\s*!?\s*\[\s*path\b"), "#[path] (reads files at compile time)"),
    # std::fs by path, or any of these modules brought in by a use (use std::{io, fs}).
    (re.compile(r"\bstd\s*::\s*(fs|process|net|env|os|ffi)\b|\b(fs|process|net|env|os|ffi)\s*::"
                r"|\buse\s[^;]*\b(fs|process|net|env|os|ffi)\b[^;]*;"), "std::fs/process/net/env/os/ffi"),
    (re.compile(r"\b(File|OpenOptions|Command|TcpStream|UdpSocket|read_dir|read_to_string\s*\(\s*\")\b"),
     "file, process or network access"),
    (re.compile(r"\b(unsafe|extern|asm|global_asm|link)\b"), "unsafe code, FFI or inline assembly"),
]


def forbidden(code):
    """Why the program may not run here, or None. Comments and strings are not stripped: a false alarm costs one
    problem, a miss could leak every test."""
    for pattern, what in FORBIDDEN:
        if pattern.search(code):
            return "forbidden: %s" % what
    return None


def _limit_memory(limit):
    def apply():
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    return apply


def compile_rust(code, workdir, rustc="rustc"):
    """(binary path or None, message)."""
    src = os.path.join(workdir, "main.rs")
    binary = os.path.join(workdir, "main")
    with open(src, "w", encoding="utf-8") as f:
        f.write(code)
    try:
        proc = subprocess.run([rustc, "--edition", "2021", "-O", "-o", binary, src], cwd=workdir,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=COMPILE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "compilation took longer than %d s" % COMPILE_TIMEOUT_S
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        first_error = next((l for l in lines if l.startswith("error")), lines[0] if lines else "")
        return None, "compile error: " + first_error[:300]
    return binary, "compiled"


def run_test(binary, test, time_limit_s, memory_limit_bytes):
    """'ok', 'wrong answer', 'time limit exceeded' or 'runtime error (...)'."""
    # Address space: the problem's memory limit plus room for the Rust runtime's own mappings.
    try:
        proc = subprocess.run([binary], input=test["input"].encode(), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=time_limit_s, env={}, cwd=os.path.dirname(binary),
                              preexec_fn=_limit_memory(memory_limit_bytes + (64 << 20)))
    except subprocess.TimeoutExpired:
        return "time limit exceeded"
    if proc.returncode != 0:
        return "runtime error (exit %d)" % proc.returncode
    return "ok" if outputs_match(proc.stdout.decode("utf-8", "replace"), test["output"]) else "wrong answer"


def outputs_match(got, want):
    """Token-wise equality (whitespace and line breaks are not significant), as CodeContests' checker does for
    exact-output problems."""
    return got.split() == want.split()


DEFAULT_TIME_LIMIT_S = 2.0
DEFAULT_MEMORY_LIMIT_BYTES = 256 << 20
CHECK_OP = "rust.check"
# What one check may ask: a scaffold's candidates are tested on a problem's public examples, not on a data set.
MAX_CHECK_TESTS = 50
MAX_CHECK_TIME_LIMIT_S = 10.0


def check(code, tests, time_limit_s=DEFAULT_TIME_LIMIT_S, memory_limit_bytes=DEFAULT_MEMORY_LIMIT_BYTES):
    """Compiles `code` and runs it on `tests` ([{input, output}]), stopping at the first failure.

    Returns {"verdict": "accepted" | "no code" | "forbidden: ..." | "compile error: ..." | "test N: ...",
    "passed": int, "tests": int}. Works in the terminal (rustc on PATH) and while scoring (the scorer runs it).
    """
    request = {"op": CHECK_OP, "code": code, "tests": tests, "time_limit_s": time_limit_s,
               "memory_limit_bytes": memory_limit_bytes}
    if service.available():
        return service.call(request)
    return answer_check(request)


def answer_check(request, rustc="rustc"):
    """A check request answered here (the scorer's service handler, or check() outside scoring)."""
    if not isinstance(request, dict) or request.get("op") != CHECK_OP:
        raise ValueError("not a %s request" % CHECK_OP)
    tests = request.get("tests")
    if not isinstance(tests, list) or len(tests) > MAX_CHECK_TESTS or not all(
            isinstance(t, dict) and isinstance(t.get("input"), str) and isinstance(t.get("output"), str) for t in tests):
        raise ValueError("tests must be a list of at most %d {input, output} strings" % MAX_CHECK_TESTS)
    limit = float(request.get("time_limit_s") or DEFAULT_TIME_LIMIT_S)
    memory = int(request.get("memory_limit_bytes") or DEFAULT_MEMORY_LIMIT_BYTES)
    problem = {"name": "check", "tests": tests, "time_limit_s": min(max(limit, 0.1), MAX_CHECK_TIME_LIMIT_S),
               "memory_limit_bytes": memory}
    r = judge(problem, request.get("code") if isinstance(request.get("code"), str) else "", rustc)
    return {"verdict": r["verdict"], "passed": r["passed"], "tests": r["tests"]}


def judge(problem, code, rustc="rustc"):
    """{name, solved, verdict, passed, tests}: solved when it compiles and passes every test."""
    result = {"name": problem["name"], "solved": False, "passed": 0, "tests": len(problem["tests"])}
    if not code or not code.strip():
        result["verdict"] = "no code"
        return result
    refused = forbidden(code)
    if refused:
        result["verdict"] = refused
        return result
    workdir = tempfile.mkdtemp(prefix="rust-judge-")
    try:
        binary, message = compile_rust(code, workdir, rustc)
        if binary is None:
            result["verdict"] = message
            return result
        for i, test in enumerate(problem["tests"]):
            verdict = run_test(binary, test, problem["time_limit_s"], problem["memory_limit_bytes"])
            if verdict != "ok":
                result["verdict"] = "test %d: %s" % (i + 1, verdict)
                return result
            result["passed"] += 1
        result["solved"] = True
        result["verdict"] = "accepted"
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
