"""Reference solution for small_scaling_law (mini): a Chinchilla-style fit on small runs, then answer.json.

    cd <workspace> && python3 fit.py        # uses train.py beside it; about half a minute on one core

1. Experiments: isoFLOP sweeps at three budgets up to the per-run cap, seven widths each (within the total budget).
2. Fit L(N, D) = E + A / N^alpha + B / D^beta to every run (N = n_params, D = max_iters * BATCH_SIZE samples):
   alpha and beta by grid search, E, A, B by least squares for each pair (the model is linear in them).
3. On the target isoFLOP curve, take the width with the lowest fitted loss; predict that loss.
"""
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.getcwd())
import train  # noqa: E402  (the workspace's train.py)

BUDGETS = [2.5e8, 5e8, 1e9]
WIDTHS = [8, 11, 16, 23, 32, 45, 64]


def experiments():
    runs = []
    for budget in BUDGETS:
        for w in WIDTHS:
            iters = int(budget // train.compute_flops(w, 1))
            if iters < 2 * train.WARMUP_ITERS:
                continue
            row = train.run_logged(w, iters)
            print("ran n_embd=%d max_iters=%d loss=%.4f" % (w, iters, row["loss"]), file=sys.stderr, flush=True)
            runs.append(row)
    return runs


def fit(runs):
    n = np.array([train.n_params(r["n_embd"]) for r in runs], dtype=float)
    d = np.array([r["max_iters"] * train.BATCH_SIZE for r in runs], dtype=float)
    loss = np.array([r["loss"] for r in runs], dtype=float)
    best = None
    for alpha in np.linspace(0.05, 1.5, 59):
        for beta in np.linspace(0.05, 1.5, 59):
            x = np.stack([np.ones_like(n), n ** -alpha, d ** -beta], axis=1)
            coef, *_ = np.linalg.lstsq(x, loss, rcond=None)
            if coef[1] < 0 or coef[2] < 0:
                continue
            err = float(np.sum((x @ coef - loss) ** 2))
            if best is None or err < best[0]:
                best = (err, alpha, beta, coef)
    _, alpha, beta, (e, a, b) = best
    return lambda nn, dd: e + a * nn ** -alpha + b * dd ** -beta


def answer(model):
    widths = np.arange(4, 1025)
    iters = np.floor(train.TARGET_FLOPS / np.array([train.compute_flops(int(w), 1) for w in widths]))
    ok = iters >= 1
    widths, iters = widths[ok], iters[ok]
    predicted = model(np.array([train.n_params(int(w)) for w in widths], dtype=float), iters * train.BATCH_SIZE)
    k = int(np.argmin(predicted))
    return {"n_embd": int(widths[k]), "max_iters": int(iters[k]), "loss_prediction": round(float(predicted[k]), 4)}


def main():
    result = answer(fit(experiments()))
    with open("answer.json", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
