#!/usr/bin/python3
"""Trains the shipped attention-only model (resources/models/attn_only_2l) in which induction heads form.

How to run (Debian's Python with torch 1.13 CPU; nothing else is needed):

    /usr/bin/python3 scripts/models/train_attn_only.py --out /tmp/attn_only_2l
    npx redesk model import /tmp/attn_only_2l/weights.safetensors --arch tlens --vocab /tmp/attn_only_2l/vocab.txt \
        --out resources/models/attn_only_2l --name "Attention-only (2 layers, trained)" \
        --notes "$(cat /tmp/attn_only_2l/notes.txt)" --force

How long: 2000 steps of batch 32 × 64 tokens; 13 minutes (781 s) on 2 CPU cores shared with other jobs, about
half that on an idle machine. Induction heads appear around step 400-500 (the printed "best induction score"
jumps from ~0.02 to ~0.5).

What it writes to --out: weights.safetensors (float32, TransformerLens state-dict names: embed.W_E,
pos_embed.W_pos, blocks.{l}.ln1.w/b, blocks.{l}.attn.W_Q/W_K/W_V/b_Q/b_K/b_V/W_O/b_O, ln_final.w/b,
unembed.W_U/b_U), vocab.txt (the 32 tokens, one a line, in id order), scores.json and notes.txt (each head's
induction and previous-token score).

The model: 2 layers × 4 heads, dModel 64, dHead 16, context 64, pre-LN layer norms (eps 1e-5), learned positions,
no MLPs; attention scaled by 1/sqrt(dHead), causal. It computes exactly what the ONNX parts written by
`redesk model import --arch tlens` compute. Data: synthetic sequences of 64 tokens with repeated segments (random
filler, then a segment of 16-32 distinct random tokens repeated to the end), so the only way to beat chance is to
copy: an induction circuit. Seeded (torch, numpy and the data) with single-threaded kernels, so a rerun gives the
same weights on the same machine.

Induction score of a head: its mean attention, over batches of a random sequence of 32 tokens repeated twice, from
each position i of the second copy to position i - 31 (the token after the earlier occurrence of the current token).
Previous-token score: mean attention from each position to the one before it.
"""
import argparse
import json
import math
import os
import struct
import time

import numpy as np
import torch

LAYERS, HEADS, D_MODEL, D_HEAD, CONTEXT = 2, 4, 64, 16, 64
VOCAB = [chr(ord("a") + i) for i in range(26)] + [str(i) for i in range(6)]
V = len(VOCAB)
LN_EPS = 1e-5


def project(x, w):
    """x [batch, pos, in] times w.T, w [out, in], as a 1x1 convolution: Debian's torch does matmul with the reference
    BLAS but convolutions with oneDNN, several times faster on CPU. The same numbers as x @ w.T."""
    return torch.nn.functional.conv1d(x.transpose(1, 2), w.unsqueeze(-1)).transpose(1, 2)


class AttnOnly(torch.nn.Module):
    """TransformerLens layout: per-head W_Q/W_K/W_V [heads, d_model, d_head], W_O [heads, d_head, d_model]."""

    def __init__(self):
        super().__init__()
        p = torch.nn.Parameter
        init = lambda *s, std=0.02: p(torch.randn(*s) * std)
        self.W_E = init(V, D_MODEL)
        self.W_pos = init(CONTEXT, D_MODEL)
        self.blocks = torch.nn.ModuleList()
        for _ in range(LAYERS):
            b = torch.nn.Module()
            b.ln_w, b.ln_b = p(torch.ones(D_MODEL)), p(torch.zeros(D_MODEL))
            for n in ("W_Q", "W_K", "W_V"):
                setattr(b, n, init(HEADS, D_MODEL, D_HEAD, std=1 / math.sqrt(D_MODEL)))
            for n in ("b_Q", "b_K", "b_V"):
                setattr(b, n, p(torch.zeros(HEADS, D_HEAD)))
            b.W_O = init(HEADS, D_HEAD, D_MODEL, std=1 / math.sqrt(D_MODEL))
            b.b_O = p(torch.zeros(D_MODEL))
            self.blocks.append(b)
        self.lnf_w, self.lnf_b = p(torch.ones(D_MODEL)), p(torch.zeros(D_MODEL))
        self.W_U = init(D_MODEL, V, std=1 / math.sqrt(D_MODEL))
        self.b_U = p(torch.zeros(V))

    def forward(self, tokens, return_patterns=False):
        n = tokens.shape[1]
        resid = self.W_E[tokens] + self.W_pos[:n]
        mask = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
        patterns = []
        for b in self.blocks:
            x = torch.nn.functional.layer_norm(resid, (D_MODEL,), b.ln_w, b.ln_b, LN_EPS)
            q, k, v = (project(x, w.permute(0, 2, 1).reshape(HEADS * D_HEAD, D_MODEL)).reshape(-1, n, HEADS, D_HEAD)
                       + bias for w, bias in ((b.W_Q, b.b_Q), (b.W_K, b.b_K), (b.W_V, b.b_V)))
            scores = torch.einsum("bqhe,bkhe->bhqk", q, k) / math.sqrt(D_HEAD)
            pattern = scores.masked_fill(mask, float("-inf")).softmax(-1)
            z = torch.einsum("bhqk,bkhe->bqhe", pattern, v)
            resid = resid + project(z.reshape(-1, n, HEADS * D_HEAD), b.W_O.reshape(HEADS * D_HEAD, D_MODEL).T) + b.b_O
            patterns.append(pattern)
        x = torch.nn.functional.layer_norm(resid, (D_MODEL,), self.lnf_w, self.lnf_b, LN_EPS)
        logits = project(x, self.W_U.T) + self.b_U
        return (logits, patterns) if return_patterns else logits

    def state_dict_tlens(self):
        sd = {"embed.W_E": self.W_E, "pos_embed.W_pos": self.W_pos, "ln_final.w": self.lnf_w, "ln_final.b": self.lnf_b,
              "unembed.W_U": self.W_U, "unembed.b_U": self.b_U}
        for l, b in enumerate(self.blocks):
            sd[f"blocks.{l}.ln1.w"], sd[f"blocks.{l}.ln1.b"] = b.ln_w, b.ln_b
            for n in ("W_Q", "W_K", "W_V", "b_Q", "b_K", "b_V", "W_O", "b_O"):
                sd[f"blocks.{l}.attn.{n}"] = getattr(b, n)
        return {k: v.detach().float().contiguous() for k, v in sd.items()}


def batch(rng, size):
    """Random filler, then a segment of 16-32 distinct random tokens repeated to the end of the sequence. Past the
    segment's first copy every token can be predicted by looking up its earlier occurrence (an induction circuit),
    and only that way: the segments are long enough that guessing among the tokens seen so far gains little."""
    seqs = rng.integers(0, V, size=(size, CONTEXT))
    for s in seqs:
        length = int(rng.integers(16, 33))
        start = int(rng.integers(0, CONTEXT - 2 * length + 1))
        s[start:start + length] = rng.permutation(V)[:length]
        for i in range(start + length, CONTEXT):
            s[i] = s[i - length]
    return torch.from_numpy(seqs)


@torch.no_grad()
def head_scores(model, rng, batches=8, half=32):
    ind = torch.zeros(LAYERS, HEADS)
    prev = torch.zeros(LAYERS, HEADS)
    for _ in range(batches):
        seg = torch.from_numpy(rng.integers(0, V, size=(32, half)))
        _, patterns = model(torch.cat([seg, seg], dim=1), return_patterns=True)
        q = torch.arange(half, 2 * half)
        pq = torch.arange(1, 2 * half)
        for l, pat in enumerate(patterns):
            ind[l] += pat[:, :, q, q - half + 1].mean(dim=(0, 2)) / batches
            prev[l] += pat[:, :, pq, pq - 1].mean(dim=(0, 2)) / batches
    return ind, prev


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        data = tensors[name].numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="/tmp/attn_only_2l")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    rng = np.random.default_rng(args.seed)
    model = AttnOnly()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100))
    t0 = time.time()
    for step in range(args.steps):
        tokens = batch(rng, 32)
        logits = model(tokens[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), tokens[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == args.steps - 1:
            ind, _ = head_scores(model, np.random.default_rng(1), batches=2)
            print(f"step {step:5d}  loss {loss.item():.3f}  best induction score {ind.max().item():.2f}  {time.time() - t0:.0f} s", flush=True)
    ind, prev = head_scores(model, np.random.default_rng(12345))
    os.makedirs(args.out, exist_ok=True)
    write_safetensors(os.path.join(args.out, "weights.safetensors"), model.state_dict_tlens())
    with open(os.path.join(args.out, "vocab.txt"), "w") as f:
        f.write("\n".join(VOCAB) + "\n")
    scores = {f"L{l}H{h}": {"induction": round(ind[l, h].item(), 4), "previousToken": round(prev[l, h].item(), 4)}
              for l in range(LAYERS) for h in range(HEADS)}
    with open(os.path.join(args.out, "scores.json"), "w") as f:
        json.dump(scores, f, indent=2)
    notes = (f"Trained by scripts/models/train_attn_only.py (seed {args.seed}, {args.steps} steps) on sequences with "
             "repeated segments. Head scores (induction: mean attention from the second copy of a repeated random "
             "32-token sequence to the token after the earlier occurrence; previous-token: mean attention to the "
             "position before): " + ", ".join(f"{k} induction {v['induction']:.3f} prev {v['previousToken']:.3f}"
                                               for k, v in scores.items()) + ".")
    with open(os.path.join(args.out, "notes.txt"), "w") as f:
        f.write(notes + "\n")
    for k, v in scores.items():
        print(f"{k}: induction {v['induction']:.3f}  previous-token {v['previousToken']:.3f}")
    print(f"wrote {args.out} in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
