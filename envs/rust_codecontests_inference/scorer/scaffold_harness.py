"""Runs the workspace's scaffold (solve.py) on every problem statement, inside redesk_envkit's guard.

    scaffold_harness.py --solution <workspace>/solve.py --problems P.json --out <workspace>/.score_solutions.jsonl

solve.py defines either generate_solutions(problems) -> list of Rust sources (one per problem, in order), or
generate_solution(problem) -> Rust source, which is called for WORKERS problems at a time in threads.
A problem whose call raises gets no code (and the error is recorded).
"""
import argparse
import json
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

from redesk_envkit import load_module_from

WORKERS = 8


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--solution", required=True)
    parser.add_argument("--problems", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.problems, encoding="utf-8") as f:
        problems = json.load(f)
    solve = load_module_from(args.solution, "solve")
    errors = [None] * len(problems)
    if callable(getattr(solve, "generate_solutions", None)):
        codes = list(solve.generate_solutions(problems))
        if len(codes) != len(problems):
            sys.exit("generate_solutions returned %d sources for %d problems" % (len(codes), len(problems)))
    elif callable(getattr(solve, "generate_solution", None)):
        def one(i):
            try:
                return solve.generate_solution(problems[i])
            except Exception as e:  # noqa: BLE001 - one problem's failure is recorded, the rest go on
                errors[i] = traceback.format_exception_only(type(e), e)[-1].strip()
                return ""
        with ThreadPoolExecutor(WORKERS) as pool:
            codes = list(pool.map(one, range(len(problems))))
    else:
        sys.exit("solve.py defines neither generate_solution(problem) nor generate_solutions(problems)")
    with open(args.out, "w", encoding="utf-8") as f:
        for p, code, err in zip(problems, codes, errors):
            f.write(json.dumps({"name": p["name"], "code": code if isinstance(code, str) else "", "error": err}) + "\n")


if __name__ == "__main__":
    main()
