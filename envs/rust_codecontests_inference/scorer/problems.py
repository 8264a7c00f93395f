"""CodeContests problems as the scorer uses them: parsed from JSON lines (DeepMind's code_contests fields), and
split into what the scaffold may see (the statement and the public examples) and what judges it (every test)."""
import json

from redesk_envkit.rust import outputs_match  # noqa: F401 - the judge's comparison, used by callers here

DEFAULT_TIME_LIMIT_S = 2.0
# CodeContests limits were set for C++ on the contest's machines; a generous floor avoids judging the machine.
MIN_TIME_LIMIT_S = 1.0
MAX_TIME_LIMIT_S = 10.0


class ProblemError(Exception):
    pass


def _tests(row, key):
    block = row.get(key) or {}
    inputs, outputs = block.get("input") or [], block.get("output") or []
    if len(inputs) != len(outputs):
        raise ProblemError("%s: %s has %d inputs and %d outputs" % (row.get("name"), key, len(inputs), len(outputs)))
    return [{"input": i, "output": o} for i, o in zip(inputs, outputs)]


def time_limit_seconds(row):
    tl = row.get("time_limit")
    seconds = DEFAULT_TIME_LIMIT_S
    if isinstance(tl, dict):
        seconds = float(tl.get("seconds") or 0) + float(tl.get("nanos") or 0) / 1e9 or DEFAULT_TIME_LIMIT_S
    elif isinstance(tl, (int, float)) and tl > 0:
        seconds = float(tl)
    return min(MAX_TIME_LIMIT_S, max(MIN_TIME_LIMIT_S, seconds))


def parse_problem(row):
    """One problem: {name, description, public_tests, tests (public + private + generated), time_limit_s,
    memory_limit_bytes}. Raises ProblemError when it cannot be judged (no tests, malformed)."""
    if not isinstance(row, dict) or not isinstance(row.get("name"), str) or not isinstance(row.get("description"), str):
        raise ProblemError("a problem needs a string name and description")
    public = _tests(row, "public_tests")
    tests = public + _tests(row, "private_tests") + _tests(row, "generated_tests")
    if not tests:
        raise ProblemError("%s has no tests" % row["name"])
    return {
        "name": row["name"],
        "description": row["description"],
        "public_tests": public,
        "tests": tests,
        "time_limit_s": time_limit_seconds(row),
        "memory_limit_bytes": int(row.get("memory_limit_bytes") or 256 * 1024 * 1024),
    }


def load_problems(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(parse_problem(json.loads(line)))
            except (ValueError, ProblemError) as e:
                raise ProblemError("%s line %d: %s" % (path, n, e))
    if not out:
        raise ProblemError("%s holds no problems" % path)
    return out


def statement(problem):
    """What the scaffold is given: no private or generated tests."""
    return {"name": problem["name"], "description": problem["description"],
            "public_tests": problem["public_tests"], "time_limit_s": problem["time_limit_s"],
            "memory_limit_bytes": problem["memory_limit_bytes"]}


def fraction_solved(verdicts):
    """verdicts: one dict per problem with a boolean "solved"."""
    return sum(1 for v in verdicts if v["solved"]) / len(verdicts) if verdicts else 0.0
