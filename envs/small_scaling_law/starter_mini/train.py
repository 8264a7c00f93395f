"""The model family of small_scaling_law (mini): a two-hidden-layer MLP of width n_embd, trained for max_iters
steps on an endless stream of synthetic classification data, with every other setting fixed.

    python3 train.py --n_embd 64 --max_iters 2000        # one training run; prints and logs its final loss

The data: x ~ N(0, I_8); the label is drawn from softmax(teacher(x)), where the teacher is a fixed random MLP
(seed below). The loss is the cross-entropy against the teacher's distribution on a fixed held-out set of 4096
points, in nats (its floor is the teacher's entropy, about 1.0 nats). Batches are fresh samples, so "tokens seen" is
max_iters * BATCH_SIZE.

FLOPs of a run (the only count that matters here):  6 * BATCH_SIZE * max_iters * n_params(n_embd), with
n_params(w) = D_IN*w + w*w + w*N_CLASSES (weights of the three linear layers).  A run may use at most
RUN_FLOP_CAP; this file refuses bigger ones. Do not change what it computes (you may add logging).

The environment's scorer imports this same file (its own pristine copy) to build its ground truth.
"""
import argparse
import json
import math
import os
import sys
import time

# torch is imported where it is used, so that reading the constants and the FLOP count (the scorer does) is instant.

D_IN = 8
N_CLASSES = 16
TEACHER_WIDTH = 64
TEACHER_SEED = 1234
BATCH_SIZE = 256
LEARNING_RATE = 1e-2
WARMUP_ITERS = 20
EVAL_POINTS = 4096
DATA_CHUNK = 64
RUN_FLOP_CAP = 1e9
# The compute the answer is about: 50 times what one experiment may use.
TARGET_FLOPS = 5e10
# What all experiments together may use (recorded in runs.jsonl beside this file).
TOTAL_FLOP_BUDGET = 2e10


def n_params(n_embd: int) -> int:
    return D_IN * n_embd + n_embd * n_embd + n_embd * N_CLASSES


def compute_flops(n_embd: int, max_iters: int) -> float:
    return 6.0 * BATCH_SIZE * max_iters * n_params(n_embd)


def _teacher():
    import torch

    g = torch.Generator().manual_seed(TEACHER_SEED)
    w1 = torch.randn(D_IN, TEACHER_WIDTH, generator=g) * (2.0 / math.sqrt(D_IN))
    b1 = torch.randn(TEACHER_WIDTH, generator=g)
    w2 = torch.randn(TEACHER_WIDTH, N_CLASSES, generator=g) * (3.0 / math.sqrt(TEACHER_WIDTH))

    def logits(x):
        return torch.tanh(x @ w1 + b1) @ w2

    return logits


def _student(n_embd: int, seed: int):
    import torch

    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(D_IN, n_embd, bias=False),
        torch.nn.ReLU(),
        torch.nn.Linear(n_embd, n_embd, bias=False),
        torch.nn.ReLU(),
        torch.nn.Linear(n_embd, N_CLASSES, bias=False),
    )


def _lr(it: int, max_iters: int) -> float:
    """Linear warm-up, then cosine decay to a tenth: fixed, possibly suboptimal, like the rest."""
    if it < WARMUP_ITERS:
        return LEARNING_RATE * (it + 1) / WARMUP_ITERS
    frac = (it - WARMUP_ITERS) / max(1, max_iters - WARMUP_ITERS)
    return LEARNING_RATE * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * min(1.0, frac))))


def train(n_embd: int, max_iters: int, seed: int = 0, check_cap: bool = True) -> float:
    """Trains one model; returns its held-out loss in nats. Deterministic for given arguments on one machine."""
    import torch

    if n_embd < 1 or max_iters < 1:
        raise ValueError("n_embd and max_iters must be positive integers")
    flops = compute_flops(n_embd, max_iters)
    if check_cap and flops > RUN_FLOP_CAP:
        raise ValueError("this run needs %.3g FLOPs; one experiment may use at most %.3g" % (flops, RUN_FLOP_CAP))
    torch.set_num_threads(1)
    teacher = _teacher()
    g_eval = torch.Generator().manual_seed(99)
    x_eval = torch.randn(EVAL_POINTS, D_IN, generator=g_eval)
    with torch.no_grad():
        p_eval = torch.softmax(teacher(x_eval), dim=-1)
    model = _student(n_embd, seed)
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    g = torch.Generator().manual_seed(1000 + seed)
    for it in range(max_iters):
        if it % DATA_CHUNK == 0:  # sampling many batches at once is much faster than one at a time
            n = min(DATA_CHUNK, max_iters - it) * BATCH_SIZE
            xs = torch.randn(n, D_IN, generator=g)
            with torch.no_grad():
                ys = torch.multinomial(torch.softmax(teacher(xs), dim=-1), 1, generator=g).squeeze(1)
        k = (it % DATA_CHUNK) * BATCH_SIZE
        x, y = xs[k:k + BATCH_SIZE], ys[k:k + BATCH_SIZE]
        for group in opt.param_groups:
            group["lr"] = _lr(it, max_iters)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    with torch.no_grad():
        logp = torch.log_softmax(model(x_eval), dim=-1)
        return float(-(p_eval * logp).sum(dim=-1).mean())


def _ledger_path() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs.jsonl")


def _used_flops() -> float:
    try:
        with open(_ledger_path()) as f:
            return sum(float(json.loads(line)["flops"]) for line in f if line.strip())
    except FileNotFoundError:
        return 0.0


class Refused(Exception):
    """A run this file will not make: over the per-run cap or past the total budget."""


def run_logged(n_embd: int, max_iters: int) -> dict:
    """One experiment within the rules: checked against the cap and the total budget, appended to runs.jsonl."""
    flops = compute_flops(n_embd, max_iters)
    used = _used_flops()
    if used + flops > TOTAL_FLOP_BUDGET:
        raise Refused("this run (%.3g FLOPs) would take the experiments past their total budget of %.3g (used %.3g)"
                      % (flops, TOTAL_FLOP_BUDGET, used))
    t0 = time.time()
    try:
        loss = train(n_embd, max_iters)
    except ValueError as e:
        raise Refused(str(e))
    row = {"n_embd": n_embd, "max_iters": max_iters, "flops": flops, "loss": round(loss, 6),
           "seconds": round(time.time() - t0, 2), "budget_used": used + flops}
    with open(_ledger_path(), "a") as f:
        f.write(json.dumps(row) + "\n")
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="One training run of the mini model family.")
    parser.add_argument("--n_embd", type=int, required=True, help="hidden width of the MLP")
    parser.add_argument("--max_iters", type=int, required=True, help="training steps")
    args = parser.parse_args(argv)
    try:
        row = run_logged(args.n_embd, args.max_iters)
    except Refused as e:
        print("refused: %s" % e, file=sys.stderr)
        return 2
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
