"""Scorer for small_scaling_law (full and mini): reads the workspace's answer.json and scores it against the
ground-truth loss sweep at the target budget.

    score = 1 - gap - error
    gap   = L(answer) - L*            L(answer): the ground-truth loss at the answer's max_iters, interpolated
                                      linearly in log(max_iters) between the sweep's runs (held at the end values
                                      outside the sweep); L*: the lowest loss in the sweep
    error = |loss_prediction - L(answer)|

Losses are in nats. The score is not clipped (it can be negative). The answer must spend the target budget: its
FLOPs must be within [0.5, 1.1] x target, else it is invalid (BUDGET_MISMATCH). No code from the workspace runs.
"""
import argparse
import hashlib
import json
import math
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ENV_DIR = os.path.dirname(HERE)

from redesk_envkit import emit, invalid  # noqa: E402

# The answer must spend most of the target budget and not more (the paper allows 10% over for rounding).
BUDGET_MIN, BUDGET_MAX = 0.5, 1.1


class BadInput(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def full_flops(n_embd, max_iters):
    """The paper's count for its 4-layer GPT-2 variant (block 1024, batch 64); the full starter's train.py uses it."""
    n_layer, block_size, batch_size = 4, 1024, 64
    return float(n_layer * n_embd * n_embd * 12 * 6 * block_size * batch_size * max_iters)


def mini_flops():
    sys.path.insert(0, os.path.join(ENV_DIR, "starter_mini"))
    import train  # the environment's own copy, never the workspace's

    with open(train.__file__, "rb") as f:
        code_sha256 = hashlib.sha256(f.read()).hexdigest()
    return train.compute_flops, float(train.TARGET_FLOPS), code_sha256


VARIANTS = {
    # (FLOP count, target budget, sha256 of the training code the sweep must come from; None: organizer's asset)
    "full": lambda: (full_flops, 5e17, None),
    "mini": mini_flops,
}


def load_grid(path, target_flops, code_sha256=None):
    """The sweep: points {max_iters, loss} (and n_embd) on the target isoFLOP curve, sorted by max_iters."""
    try:
        with open(path) as f:
            doc = json.load(f)
        points = sorted(((int(p["max_iters"]), float(p["loss"])) for p in doc["points"]), key=lambda p: p[0])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise BadInput("the ground-truth sweep %s cannot be read: %s" % (path, e), "GROUND_TRUTH_UNREADABLE")
    if len(points) < 2 or any(i <= 0 or not math.isfinite(l) for i, l in points):
        raise BadInput("the ground-truth sweep %s needs at least two runs with positive max_iters" % path,
                       "GROUND_TRUTH_UNREADABLE")
    if len({i for i, _ in points}) != len(points):
        raise BadInput("the ground-truth sweep %s has two runs with the same max_iters" % path, "GROUND_TRUTH_UNREADABLE")
    if code_sha256 and doc.get("trainPySha256") != code_sha256:
        raise BadInput("the ground-truth sweep was made with another train.py; regenerate it with "
                       "scorer/make_mini_grid.py", "GROUND_TRUTH_STALE")
    declared = doc.get("targetFlops")
    if declared is not None and abs(float(declared) / target_flops - 1) > 1e-9:
        raise BadInput("the ground-truth sweep is for %.3g FLOPs, not the target %.3g" % (declared, target_flops),
                       "GROUND_TRUTH_UNREADABLE")
    return points


def interpolate(points, max_iters):
    """Piecewise-linear in log(max_iters); held at the end values outside the sweep."""
    x = math.log(max_iters)
    xs = [math.log(i) for i, _ in points]
    ys = [l for _, l in points]
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    for k in range(1, len(xs)):
        if x <= xs[k]:
            t = (x - xs[k - 1]) / (xs[k] - xs[k - 1])
            return ys[k - 1] + t * (ys[k] - ys[k - 1])
    return ys[-1]


def read_answer(path):
    if not os.path.isfile(path):
        raise BadInput("answer.json not found in the workspace", "BAD_ANSWER")
    try:
        with open(path) as f:
            answer = json.load(f)
    except (OSError, ValueError) as e:
        raise BadInput("answer.json is not valid JSON: %s" % e, "BAD_ANSWER")
    if not isinstance(answer, dict):
        raise BadInput("answer.json must hold an object {n_embd, max_iters, loss_prediction}", "BAD_ANSWER")
    out = {}
    for key in ("n_embd", "max_iters"):
        v = answer.get(key)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or v < 1:
            raise BadInput("answer.json: %s must be a positive integer, got %r" % (key, v), "BAD_ANSWER")
        out[key] = int(v)
    p = answer.get("loss_prediction")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not math.isfinite(p) or p <= 0:
        raise BadInput("answer.json: loss_prediction must be a positive number (nats), got %r" % (p,), "BAD_ANSWER")
    out["loss_prediction"] = float(p)
    return out


def score_answer(answer, points, flops_fn, target_flops):
    """(score, details) for a checked answer; raises BadInput when it does not spend the target budget."""
    flops = flops_fn(answer["n_embd"], answer["max_iters"])
    ratio = flops / target_flops
    if not BUDGET_MIN <= ratio <= BUDGET_MAX:
        raise BadInput("n_embd=%d, max_iters=%d needs %.3g FLOPs, %.2f x the target %.3g; it must be between %.1f and "
                       "%.1f x" % (answer["n_embd"], answer["max_iters"], flops, ratio, target_flops, BUDGET_MIN,
                                   BUDGET_MAX), "BUDGET_MISMATCH")
    loss = interpolate(points, answer["max_iters"])
    best_iters, best = min(points, key=lambda p: p[1])
    gap = loss - best
    error = abs(answer["loss_prediction"] - loss)
    details = dict(answer, flops=flops, fracFlopsUsed=ratio, lossAtAnswer=loss, bestLoss=best,
                   bestMaxIters=best_iters, gap=gap, predictionError=error)
    return 1.0 - gap - error, details


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    parser.add_argument("--grid", required=True, help="ground-truth sweep JSON (relative to the environment folder)")
    args = parser.parse_args(argv)
    flops_fn, target, code_sha256 = VARIANTS[args.variant]()
    try:
        points = load_grid(os.path.join(ENV_DIR, args.grid), target, code_sha256)
        answer = read_answer(os.path.join(args.workspace, "answer.json"))
        score, details = score_answer(answer, points, flops_fn, target)
    except BadInput as e:
        invalid("invalid: %s" % e, e.code)
        return
    emit(score, "score %.4f = 1 - gap %.4f - prediction error %.4f (loss at answer %.4f nats, best %.4f)"
         % (score, details["gap"], details["predictionError"], details["lossAtAnswer"], details["bestLoss"]), details)


if __name__ == "__main__":
    main()
