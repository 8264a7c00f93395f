"""Starting solution: correct and slow. It walks the input in chunks of 64 in Python, carrying the parity of the
positives and the running total from one chunk to the next. Make it fast without changing what it returns."""
import torch

CHUNK = 64


def prefix_sum(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty(x.shape[0], dtype=torch.int64)
    parity = 0  # number of positives seen so far, mod 2
    total = 0  # running sum of the counted elements
    for s in range(0, x.shape[0], CHUNK):
        chunk = x[s : s + CHUNK].to(torch.int64)
        positive = (chunk > 0).to(torch.int64)
        positives_before = torch.cumsum(positive, 0) - positive + parity
        counted = chunk * (positives_before % 2)
        part = torch.cumsum(counted, 0) + total
        out[s : s + CHUNK] = part
        parity = (parity + int(positive.sum())) % 2
        total = int(part[-1])
    return out
