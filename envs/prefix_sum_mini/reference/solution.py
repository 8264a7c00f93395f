"""Reference solution: vectorised NumPy. Not part of the workspace; the scorer times it to calibrate."""
import numpy as np


def prefix_sum(x: np.ndarray) -> np.ndarray:
    positive = (x > 0).view(np.uint8)
    # Parity of the positives up to and including j, then drop x[j]'s own contribution: positives strictly before j.
    odd_before = np.bitwise_xor.accumulate(positive)
    odd_before ^= positive
    counted = np.multiply(x, odd_before, dtype=np.int64)
    return np.cumsum(counted, out=counted)
