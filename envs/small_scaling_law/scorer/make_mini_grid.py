"""Regenerates scorer/mini_ground_truth.json: the mini model family trained at the target budget (TARGET_FLOPS)
for a sweep of widths, one run each, on one CPU thread. Takes a few minutes; the scorer ships its output.

    /usr/bin/python3 scorer/make_mini_grid.py [--out scorer/mini_ground_truth.json] [--widths 16,32,...]
"""
import argparse
import hashlib
import json
import os
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "starter_mini"))

import train  # noqa: E402  (the environment's pristine copy of the model family)

# Widths spaced by about sqrt(2), wide enough that both ends are clearly worse than the optimum.
DEFAULT_WIDTHS = [32, 45, 64, 90, 128, 181, 256, 362]


def train_sha256() -> str:
    with open(train.__file__, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def grid_point(n_embd: int) -> dict:
    """One run on the target isoFLOP curve: the most steps the budget allows at this width."""
    max_iters = int(train.TARGET_FLOPS // train.compute_flops(n_embd, 1))
    t0 = time.time()
    loss = train.train(n_embd, max_iters, check_cap=False)
    return {"n_embd": n_embd, "max_iters": max_iters, "flops": train.compute_flops(n_embd, max_iters),
            "loss": round(loss, 6), "seconds": round(time.time() - t0, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=os.path.join(HERE, "mini_ground_truth.json"))
    parser.add_argument("--widths", default=",".join(str(w) for w in DEFAULT_WIDTHS))
    args = parser.parse_args()
    points = []
    for w in [int(v) for v in args.widths.split(",")]:
        points.append(grid_point(w))
        print(json.dumps(points[-1]), file=sys.stderr, flush=True)
    doc = {
        "description": "small_scaling_law mini: held-out loss (nats) of runs at the target budget, one per width",
        "targetFlops": train.TARGET_FLOPS,
        # The scorer refuses this file once train.py changes (its losses would no longer be this family's).
        "trainPySha256": train_sha256(),
        "points": sorted(points, key=lambda p: p["max_iters"]),
    }
    with open(args.out + ".tmp", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
