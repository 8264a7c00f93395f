"""Starting solution: a plain Python loop. Correct, and slow. Make it fast."""
import numpy as np


def prefix_sum(x: np.ndarray) -> np.ndarray:
    out = np.zeros(len(x), dtype=np.int64)
    positives_before = 0
    total = 0
    for i in range(len(x)):
        v = int(x[i])
        if positives_before % 2 == 1:
            total += v
        out[i] = total
        if v > 0:
            positives_before += 1
    return out
