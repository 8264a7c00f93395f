"""Scorer for rust_codecontests_inference: runs the workspace's scaffold (solve.py) on the held-out problems'
statements in a guarded process (which may test its candidates with redesk_envkit.rust.check: the scorer compiles
and runs them), then compiles each returned Rust program with rustc and runs it on every test.

Raw score: the fraction of problems solved (compiles, and passes every public, private and generated test within
the time limit), 0..1, higher is better. The scaffold never sees the private or generated tests.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from redesk_envkit import emit, invalid, rust, run_problem, run_solution  # noqa: E402

import problems as pr  # noqa: E402

SCAFFOLD_TIMEOUT_S = 3600
JUDGE_WORKERS = max(1, min(8, (os.cpu_count() or 2) // 2))


def read_solutions(path, names):
    codes = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                codes[row["name"]] = row.get("code") or ""
    return [codes.get(n, "") for n in names]


def judge_all(problem_list, codes, rustc="rustc"):
    with ThreadPoolExecutor(JUDGE_WORKERS) as pool:
        return list(pool.map(lambda pc: rust.judge(pc[0], pc[1], rustc), zip(problem_list, codes)))


def report(verdicts):
    solved = pr.fraction_solved(verdicts)
    details = {"solved": sum(1 for v in verdicts if v["solved"]), "problems": len(verdicts),
               "verdicts": [{"name": v["name"], "verdict": v["verdict"]} for v in verdicts]}
    emit(solved, "solved %d of %d problems (%.3f)" % (details["solved"], details["problems"], solved), details)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--problems", required=True, help="held-out problems, JSON lines (code_contests fields)")
    parser.add_argument("--solutions", default=None,
                        help="judge these {name, code} JSON lines instead of running the scaffold (re-judging)")
    args = parser.parse_args(argv)
    workspace = os.path.abspath(args.workspace)
    if shutil.which("rustc") is None:
        return invalid("not scored: rustc is not on PATH", "MISSING_TOOL")
    try:
        problem_list = pr.load_problems(args.problems)
    except (OSError, pr.ProblemError) as e:
        return invalid("the problem set cannot be read (an organizer problem): %s" % e, "ASSET_UNREADABLE")
    names = [p["name"] for p in problem_list]
    if args.solutions:
        return report(judge_all(problem_list, read_solutions(args.solutions, names)))
    if not os.path.isfile(os.path.join(workspace, "solve.py")):
        return invalid("invalid: solve.py not found in the workspace", "SOLUTION_FAILED")
    tmp = tempfile.mkdtemp(prefix="rust-cc-")
    out = os.path.join(workspace, ".score_solutions.jsonl")
    try:
        statements = os.path.join(tmp, "problems.json")
        with open(statements, "w", encoding="utf-8") as f:
            json.dump([pr.statement(p) for p in problem_list], f)
        run = run_solution(workspace, [os.path.join(HERE, "scaffold_harness.py"), "--solution",
                                       os.path.join(workspace, "solve.py"), "--problems", statements, "--out", out],
                           timeout=SCAFFOLD_TIMEOUT_S, allow_read=[tmp], preload=(),
                           service=rust.answer_check, service_workers=JUDGE_WORKERS)
        problem = run_problem(run, "the scaffold")
        if problem:
            return invalid("invalid: " + problem[0], problem[1])
        codes = read_solutions(out, names)
    except (OSError, ValueError, KeyError) as e:
        return invalid("invalid: the scaffold's output cannot be read: %s" % e, "SOLUTION_FAILED")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(judge_all(problem_list, codes))


if __name__ == "__main__":
    main()
