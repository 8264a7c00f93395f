"""Reference model (mini): additive log-potential tables over the neighbourhood, no division or exponentiation.

For a first-order Markov text, log P(x | left, right) = log P(x | left) + log P(right | x) + const, so a model
that adds a learned table row for the token one to the left and one for the token one to the right is already
close to the best possible; rows for the tokens two away cover masked neighbours. Shifts are done by
concatenating mask ids at the edges; everything else is embedding lookups and additions.
"""
import torch
from torch import nn

OFFSETS = (-2, -1, 1, 2)


class Neighbourhood(nn.Module):
    def __init__(self, vocab_size: int, mask_id: int):
        super().__init__()
        self.mask_id = mask_id
        self.tables = nn.ModuleList([nn.Embedding(vocab_size, vocab_size) for _ in OFFSETS])
        self.bias = nn.Parameter(torch.zeros(vocab_size))
        for t in self.tables:
            nn.init.zeros_(t.weight)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        b, t = ids.shape
        logits = self.bias.expand(b, t, -1)
        for offset, table in zip(OFFSETS, self.tables):
            pad = torch.full((b, abs(offset)), self.mask_id, dtype=ids.dtype, device=ids.device)
            # The token `offset` positions away from each position (mask_id beyond the edges).
            shifted = torch.cat([ids[:, offset:], pad], 1) if offset > 0 else torch.cat([pad, ids[:, :offset]], 1)
            logits = logits + table(shifted)
        return logits


def build_model(vocab_size: int, mask_id: int, seq_len: int) -> nn.Module:
    return Neighbourhood(vocab_size, mask_id)
