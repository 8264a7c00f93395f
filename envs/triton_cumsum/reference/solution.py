"""Reference solution (full): two Triton kernels around a short scan over block summaries.

The condition for x[j] depends on the parity of the positives before j, so a block's contribution depends on the
parity at its start. Pass 1 summarises each block as (parity of its positives, sum of the elements it would count
if it started at even parity, and if it started at odd parity). A scan over the (few) block summaries in PyTorch
gives each block its starting parity and its offset. Pass 2 recomputes each block's local prefix sum and adds the
offset. Memory traffic: the input is read twice and the int64 output written once.
Not part of the workspace; the scorer's reference score is the paper's (0.470 = ln 1.6 ms on an H100).
"""
import torch
import triton
import triton.language as tl

BLOCK = 4096


@triton.jit
def _block_summary(x_ptr, parity_ptr, if_even_ptr, if_odd_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid.to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0)
    pos = (x > 0).to(tl.int32)
    odd_before = ((tl.cumsum(pos, 0) - pos) & 1).to(tl.int64)
    x64 = x.to(tl.int64)
    # Starting at even parity, x[j] counts when the block's own positives before j are odd; at odd parity, when even.
    tl.store(if_even_ptr + pid, tl.sum(x64 * odd_before, 0))
    tl.store(if_odd_ptr + pid, tl.sum(x64 * (1 - odd_before), 0))
    tl.store(parity_ptr + pid, tl.sum(pos, 0) & 1)


@triton.jit
def _block_prefix(x_ptr, out_ptr, start_parity_ptr, offset_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid.to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0)
    pos = (x > 0).to(tl.int32)
    start = tl.load(start_parity_ptr + pid)
    counted = x.to(tl.int64) * ((tl.cumsum(pos, 0) - pos + start) & 1).to(tl.int64)
    out = tl.cumsum(counted, 0) + tl.load(offset_ptr + pid)
    tl.store(out_ptr + offs, out, mask=mask)


def prefix_sum(x: torch.Tensor) -> torch.Tensor:
    n = x.numel()
    out = torch.empty(n, dtype=torch.int64, device=x.device)
    if n == 0:
        return out
    blocks = triton.cdiv(n, BLOCK)
    parity = torch.empty(blocks, dtype=torch.int32, device=x.device)
    if_even = torch.empty(blocks, dtype=torch.int64, device=x.device)
    if_odd = torch.empty(blocks, dtype=torch.int64, device=x.device)
    _block_summary[(blocks,)](x, parity, if_even, if_odd, n, BLOCK=BLOCK)
    start_parity = (torch.cumsum(parity, 0, dtype=torch.int32) - parity) & 1
    contribution = torch.where(start_parity == 0, if_even, if_odd)
    offset = torch.cumsum(contribution, 0) - contribution
    _block_prefix[(blocks,)](x, out, start_parity, offset, n, BLOCK=BLOCK)
    return out
