"""The model: a masked language model whose forward pass uses no division and no exponentiation.

build_model(vocab_size, mask_id, seq_len) returns a torch.nn.Module; model(ids) takes a LongTensor (batch, seq_len)
of GPT-2 token ids, some replaced by mask_id, and returns logits (batch, seq_len, vocab_size). This starting model
looks only at the token at each position (through a 256-wide bottleneck), so at a masked position it can do no
better than guess from token frequencies.
"""
import torch
from torch import nn

WIDTH = 256


class TokenOnly(nn.Module):
    def __init__(self, vocab_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, WIDTH)
        self.out = nn.Linear(WIDTH, vocab_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.out(torch.relu(self.embed(ids)))


def build_model(vocab_size: int, mask_id: int, seq_len: int) -> nn.Module:
    return TokenOnly(vocab_size)
