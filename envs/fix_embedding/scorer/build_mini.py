"""Builds the mini variant's shipped files, deterministically (seeded; one thread): run once by the environment's
author, its outputs are part of the environment.

    PYTHONPATH=../../resources/python python3 scorer/build_mini.py

Trains the clean tiny model on text from source.py, permutes its embedding rows with a fixed seed, and writes
starter_mini/damaged_model.pt, starter_mini/train_tokens.npy and scorer/mini_meta.json (losses for the docs).
The clean model itself is not kept anywhere.
"""
import json
import os
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gpt  # noqa: E402
import source  # noqa: E402
import evaluate  # noqa: E402

ENV_DIR = os.path.dirname(HERE)
TRAIN_TOKENS = 200_000
STEPS = 1200
BATCH = 32
PERMUTATION_SEED = 16180


def batches(tokens: np.ndarray, steps: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    data = torch.from_numpy(tokens.astype(np.int64))
    t = gpt.MINI.block_size
    for _ in range(steps):
        starts = torch.randint(0, len(data) - t - 1, (BATCH,), generator=g)
        x = torch.stack([data[s : s + t] for s in starts])
        y = torch.stack([data[s + 1 : s + t + 1] for s in starts])
        yield x, y


def main() -> None:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    train = source.sample(TRAIN_TOKENS, seed=1)
    model = gpt.GPT(gpt.MINI)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, STEPS)
    for i, (x, y) in enumerate(batches(train, STEPS, seed=1)):
        _, loss = model(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if i % 200 == 0:
            print("step %d loss %.4f" % (i, loss.item()), flush=True)
    clean = model.state_dict()
    perm = np.random.default_rng(PERMUTATION_SEED).permutation(gpt.MINI.vocab_size)
    damaged = dict(clean)
    damaged["wte.weight"] = clean["wte.weight"][torch.from_numpy(perm)].clone()
    meta = {
        "floor": source.floor_nats(),
        "clean_loss": evaluate.mini_loss(clean),
        "damaged_loss": evaluate.mini_loss(damaged),
        "steps": STEPS,
        "train_tokens": TRAIN_TOKENS,
        "torch": torch.__version__,
    }
    out = os.path.join(ENV_DIR, "starter_mini")
    torch.save(damaged, os.path.join(out, "damaged_model.pt"))
    np.save(os.path.join(out, "train_tokens.npy"), train)
    with open(os.path.join(HERE, "mini_meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
