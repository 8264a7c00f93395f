"""Scorer for restricted_mlm: masked-language-model loss of a model that uses no division and no exponentiation.

    score.py --variant full|mini --workspace W --cache C [--device cuda|cpu] [--sequences N]

Both variants first check model.py (and the workspace modules it imports) statically (rules.py); a forbidden
operation makes the result invalid with details.code FORBIDDEN_OP. mini then runs the workspace's train.py in a
guarded child (2 threads, 5 minutes); full scores the model.pt the expert trained. The model is evaluated in a
guarded child (harness.py) that records every operator of its forward passes; any forbidden one is FORBIDDEN_OP.
Raw score: ln(loss − floor); floor = 1.5 for full (the paper's), the Bayes-optimal loss on the scored positions
for mini (computed exactly from the text source).
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import rules  # noqa: E402
import source  # noqa: E402
from redesk_envkit import child_result, emit_loss_above_floor, invalid, run_problem, run_solution  # noqa: E402

ENV_DIR = os.path.dirname(HERE)
HARNESS = os.path.join(HERE, "harness.py")
TRAIN_TIMEOUT_S = 300
EVAL_TIMEOUT_S = {"mini": 180, "full": 1800}
MINI_EVAL_SEQUENCES = 256
MINI_EVAL_SEED = 2  # the shipped training text is seed 1
FULL = {"vocab": 50257, "seq_len": 128, "floor": 1.5, "sequences": 4096, "batch": 64, "seed": 27182}
THREADS = {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}


def eval_set_mini(io):
    inputs, mask, text = source.masked_set(MINI_EVAL_SEQUENCES, MINI_EVAL_SEED)
    spec = write_set(io, inputs, mask, text[mask], source.VOCAB, source.MASK_ID, source.SEQ_LEN, 64, "cpu")
    return spec, source.floor_loss(inputs, mask, text)


def eval_set_full(io, sequences, device):
    """Windows of the held-out GPT-2 tokens (asset), 15% of positions masked with a fixed seed; mask id = 50257."""
    path = os.path.join(ENV_DIR, "assets", "val_tokens.bin")
    tokens = np.memmap(path, dtype=np.uint16, mode="r")
    t = FULL["seq_len"]
    if len(tokens) < sequences * t:
        raise RuntimeError("%s holds %d tokens; the scorer needs %d" % (path, len(tokens), sequences * t))
    text = np.array(tokens[: sequences * t], dtype=np.int64).reshape(sequences, t)
    rng = np.random.default_rng(FULL["seed"])
    mask = rng.random(text.shape) < source.MASK_RATE
    mask[np.arange(sequences), rng.integers(0, t, sequences)] = True
    inputs = np.where(mask, FULL["vocab"], text)
    spec = write_set(io, inputs, mask, text[mask], FULL["vocab"] + 1, FULL["vocab"], t, FULL["batch"], device)
    return spec, FULL["floor"]


def write_set(io, inputs, mask, targets, vocab, mask_id, seq_len, batch, device):
    spec = {"vocab_size": vocab, "mask_id": mask_id, "seq_len": seq_len, "batch": batch, "device": device}
    for name, arr in (("inputs", inputs), ("mask", mask), ("targets", targets)):
        spec[name] = os.path.join(io, name + ".npy")
        np.save(spec[name], arr)
    with open(os.path.join(io, "eval.json"), "w") as f:
        json.dump(spec, f)
    return spec


def score(variant, workspace, cache, device, sequences):
    details = {"variant": variant}
    try:
        details["checkedFiles"] = rules.check_source_tree(workspace)
    except rules.Finding as e:
        return invalid("invalid: %s" % e, "FORBIDDEN_OP", details)
    guard = dict(env_dir=ENV_DIR, deny_read=[cache], preload=("numpy", "torch"), env=dict(os.environ, **THREADS))
    if variant == "mini":
        if not os.path.isfile(os.path.join(workspace, "train.py")):
            return invalid("train.py not found in the workspace: the mini scorer runs it to make model.pt",
                           "SOLUTION_FAILED", details)
        if os.path.exists(os.path.join(workspace, "model.pt")):
            os.remove(os.path.join(workspace, "model.pt"))  # only a model trained by this run counts
        run = run_solution(workspace, [os.path.join(workspace, "train.py")], timeout=TRAIN_TIMEOUT_S, **guard)
        details["trainSeconds"] = round(run.seconds, 2)
        details["trainOutput"] = run.stdout[-2000:]
        problem = run_problem(run, "train.py")
        if problem:
            return invalid(problem[0], problem[1], dict(details, violations=run.violations))
    if not os.path.isfile(os.path.join(workspace, "model.pt")):
        return invalid("model.pt not found in the workspace", "SOLUTION_FAILED", details)
    io = tempfile.mkdtemp(prefix="restricted_mlm-")
    try:
        spec, floor = eval_set_mini(io) if variant == "mini" else eval_set_full(io, sequences, device)
        run = run_solution(workspace, [HARNESS, workspace, io], timeout=EVAL_TIMEOUT_S[variant],
                           allow_read=[workspace], **guard)
    finally:
        shutil.rmtree(io, ignore_errors=True)
    problem = run_problem(run, "evaluating the model")
    if problem:
        return invalid(problem[0], problem[1], dict(details, violations=run.violations))
    result = child_result(run)
    if result is None:
        return invalid("the evaluation gave no result: " + run.stderr_tail(3), "SOLUTION_FAILED", details)
    bad = rules.runtime_violations(result.get("aten", []), result.get("functions", []))
    if bad:
        return invalid("invalid: the forward pass ran forbidden operations: %s" % ", ".join(bad[:8]), "FORBIDDEN_OP",
                       dict(details, forbidden=bad))
    if not result.get("ok"):
        return invalid("evaluating the model failed: %s" % result.get("error"), "SOLUTION_FAILED", details)
    loss = float(result["loss"])
    details.update({"loss": loss, "floor": floor, "operators": len(result.get("aten", []))})
    emit_loss_above_floor(loss, floor, "masked-token loss", details)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--variant", choices=["full", "mini"], required=True)
    p.add_argument("--workspace", required=True)
    p.add_argument("--cache", required=True)
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda", help="full variant only")
    p.add_argument("--sequences", type=int, default=FULL["sequences"], help="full variant only")
    args = p.parse_args(argv)
    device = "cpu" if args.variant == "mini" else args.device
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            return invalid("the full variant needs a CUDA GPU and torch sees none", "NO_GPU")
    score(args.variant, os.path.abspath(args.workspace), os.path.abspath(args.cache), device, args.sequences)


if __name__ == "__main__":
    main()
