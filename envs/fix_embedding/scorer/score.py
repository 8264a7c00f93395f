"""Scorer for fix_embedding: how well the expert's repaired model predicts held-out text.

    score.py --variant full|mini --workspace W --cache C [--device cuda|cpu] [--sequences N]

full: loads <workspace>/fixed_model.pt (weights only, never code), checks it has the damaged model's architecture,
and measures its loss on the held-out GPT-2 tokens (asset); raw score ln(loss − 1.5), as the paper.
mini: first runs the workspace's fix.py in a guarded child (2 threads, 5 minutes), then scores the fixed_model.pt
it wrote against the mini's held-out text; raw score ln(loss − floor), floor = the text source's entropy rate.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import evaluate  # noqa: E402
import source  # noqa: E402
from redesk_envkit import emit_loss_above_floor, invalid, run_problem, run_solution  # noqa: E402

ENV_DIR = os.path.dirname(HERE)
FIX_TIMEOUT_S = 300
FULL_EVAL_SEQUENCES = 2048  # of 1024 tokens: about 2M held-out tokens
FULL_EVAL_BATCH = 16


def score_mini(workspace, cache):
    damaged = evaluate.load_state(os.path.join(ENV_DIR, "starter_mini", "damaged_model.pt"))
    fix = os.path.join(workspace, "fix.py")
    if not os.path.isfile(fix):
        return invalid("fix.py not found in the workspace: the mini scorer runs it to make fixed_model.pt",
                       "SOLUTION_FAILED")
    out = os.path.join(workspace, "fixed_model.pt")
    if os.path.exists(out):
        os.remove(out)  # only a model made by this run of fix.py counts
    threads = {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}
    run = run_solution(workspace, [fix], timeout=FIX_TIMEOUT_S, env=dict(os.environ, **threads), env_dir=ENV_DIR,
                       deny_read=[cache], preload=("numpy", "torch"))
    problem = run_problem(run, "fix.py")
    if problem:
        return invalid(problem[0], problem[1], {"violations": run.violations})
    details = {"variant": "mini", "fixSeconds": round(run.seconds, 2), "fixOutput": run.stdout[-2000:]}
    return finish(out, damaged, True, lambda s: evaluate.mini_loss(s), source.floor_nats(), details)


def score_full(workspace, device, sequences):
    damaged = evaluate.load_state(os.path.join(ENV_DIR, "assets", "damaged_model.pt"))
    tokens = os.path.join(ENV_DIR, "assets", "val_tokens.bin")
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            return invalid("the full variant needs a CUDA GPU and torch sees none", "NO_GPU")
    measure = lambda s: evaluate.full_loss(s, tokens, sequences, FULL_EVAL_BATCH, device)  # noqa: E731
    return finish(os.path.join(workspace, "fixed_model.pt"), damaged, False, measure, evaluate.FULL_FLOOR,
                  {"variant": "full", "sequences": sequences})


def finish(path, damaged, frozen, measure, floor, details):
    try:
        state = evaluate.load_state(path)
        evaluate.check_architecture(state, damaged, frozen)
    except evaluate.BadModel as e:
        return invalid("invalid: %s" % e, "WRONG_OUTPUT", details)
    loss = measure(state)
    details.update({"loss": loss, "floor": floor})
    emit_loss_above_floor(loss, floor, "held-out loss", details)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--variant", choices=["full", "mini"], required=True)
    p.add_argument("--workspace", required=True)
    p.add_argument("--cache", required=True)
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda", help="full variant only")
    p.add_argument("--sequences", type=int, default=FULL_EVAL_SEQUENCES, help="full variant only")
    args = p.parse_args(argv)
    workspace = os.path.abspath(args.workspace)
    if args.variant == "mini":
        score_mini(workspace, os.path.abspath(args.cache))
    else:
        score_full(workspace, args.device, args.sequences)


if __name__ == "__main__":
    main()
