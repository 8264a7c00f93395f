"""Starting solution: plain PyTorch on the GPU. Correct; several full passes over memory. Replace it with a Triton
kernel (or anything faster) that returns exactly the same values."""
import torch


def prefix_sum(x: torch.Tensor) -> torch.Tensor:
    positive = (x > 0).to(torch.int64)
    positives_before = torch.cumsum(positive, 0) - positive
    counted = torch.where(positives_before % 2 == 1, x.to(torch.int64), torch.zeros((), dtype=torch.int64, device=x.device))
    return torch.cumsum(counted, 0)
