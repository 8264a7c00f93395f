"""Writes the mini variant's shipped training text, starter_mini/train_tokens.npy (deterministic; run once by the
environment's author): 400,000 tokens of the chain in source.py, seed 1. The scorer's held-out text is seed 2."""
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import source  # noqa: E402

TRAIN_TOKENS = 400_000

if __name__ == "__main__":
    np.save(os.path.join(os.path.dirname(HERE), "starter_mini", "train_tokens.npy"), source.sample(TRAIN_TOKENS, seed=1))
