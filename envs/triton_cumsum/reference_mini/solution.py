"""Reference solution (mini): vectorised. Not part of the workspace; the scorer times it to calibrate."""
import numpy as np
import torch


def prefix_sum(x: torch.Tensor) -> torch.Tensor:
    a = x.numpy()
    positive = (a > 0).view(np.uint8)
    # Parity of the positives up to and including j, then drop x[j]'s own: the positives strictly before j.
    odd_before = np.bitwise_xor.accumulate(positive)
    odd_before ^= positive
    counted = np.multiply(a, odd_before, dtype=np.int64)
    return torch.from_numpy(np.cumsum(counted, out=counted))
