"""Scorer for optimize_llm_foundry: runs the workspace's finetune.sh from a clean state, times it, and checks that
the weights it trained stay close to the reference weights.

Raw score: ln(seconds finetune.sh took, wall clock). Invalid (score null) when the script fails or times out
(SOLUTION_FAILED, TIMEOUT), leaves no model in trained_model/ (NO_WEIGHTS, WEIGHTS_UNREADABLE), its tensors do not
match the reference's (WEIGHTS_MISMATCH), or the weights drift too far: norm difference above 5.3
(WEIGHTS_DIVERGED; see weights.compare for the paper's definition).

finetune.sh is a shell script: it runs with the expert's rights, in their workspace (workspaceView "direct"), with
ASSETS_DIR naming the environment's assets folder. Weights identical to the reference are reported in details
for review (a copy would be identical; an honest deterministic run can be too).
"""
import argparse
import math
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from redesk_envkit import emit, invalid, wait_group  # noqa: E402

import weights  # noqa: E402

MAX_NORM_DIFF = 5.3
# What a run leaves behind; removed first so every score starts from scratch (tokenization included).
OUTPUTS = ("trained_model", "ftout", "finetuning_tokens")


def run_script(workspace, assets, timeout):
    """(seconds, returncode, stderr tail, timed_out) for one run of finetune.sh in its own process group."""
    env = dict(os.environ, ASSETS_DIR=assets)
    log_path = os.path.join(workspace, "score_run.log")
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(["bash", "finetune.sh"], cwd=workspace, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        timed_out = wait_group(proc, timeout)  # whatever it left running goes too
        seconds = time.perf_counter() - started
    with open(log_path, "rb") as f:
        f.seek(max(0, os.path.getsize(log_path) - 4000))
        tail = f.read().decode("utf-8", "replace").strip().splitlines()[-5:]
    return seconds, proc.returncode, "\n".join(tail), timed_out


def score(workspace, assets, timeout, max_norm_diff):
    script = os.path.join(workspace, "finetune.sh")
    if not os.path.isfile(script):
        return invalid("invalid: finetune.sh not found in the workspace", "SOLUTION_FAILED")
    reference_dir = os.path.join(assets, "trained_model_reference")
    try:
        reference = weights.load_state_dict(reference_dir)
    except weights.WeightsError as e:
        return invalid("the reference weights cannot be read (an organizer problem): %s" % e, "ASSET_UNREADABLE")
    for name in OUTPUTS:
        shutil.rmtree(os.path.join(workspace, name), ignore_errors=True)
    seconds, code, tail, timed_out = run_script(workspace, assets, timeout)
    details = {"seconds": round(seconds, 3), "log": "score_run.log"}
    if timed_out:
        return invalid("invalid: finetune.sh ran past %d s and was stopped" % timeout, "TIMEOUT", details)
    if code != 0:
        return invalid("invalid: finetune.sh exited with code %s: %s" % (code, tail), "SOLUTION_FAILED", details)
    try:
        norm_diff, max_diff, identical = weights.compare(
            weights.load_state_dict(os.path.join(workspace, "trained_model")), reference)
    except weights.WeightsError as e:
        return invalid("invalid: %s" % e, e.code, details)
    details.update({"normDiff": norm_diff, "maxAbsDiff": max_diff, "maxNormDiff": max_norm_diff,
                    "identicalToReference": identical})
    if norm_diff > max_norm_diff:
        return invalid("invalid: the trained weights differ from the reference by %.3f (norm difference); at most "
                       "%.1f is allowed" % (norm_diff, max_norm_diff), "WEIGHTS_DIVERGED", details)
    raw = math.log(max(seconds, 1e-3))
    emit(raw, "valid: finetune.sh took %.1f s (score ln(s) = %.4f); norm difference %.3f <= %.1f"
         % (seconds, raw, norm_diff, max_norm_diff), details)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--assets", required=True, help="the environment's assets folder")
    parser.add_argument("--timeout", type=float, default=3000, help="seconds finetune.sh may run")
    parser.add_argument("--max-norm-diff", type=float, default=MAX_NORM_DIFF)
    args = parser.parse_args(argv)
    score(os.path.abspath(args.workspace), os.path.abspath(args.assets), args.timeout, args.max_norm_diff)


if __name__ == "__main__":
    main()
