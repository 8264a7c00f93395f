"""One training run of the small_scaling_law model family (full): a 4-layer GPT-2 variant on OpenWebText.

    python train.py --n_embd 512 --max_iters 2000 [--device cuda:0] [--micro_batch 16]

Only n_embd and max_iters are yours to choose. Fixed: 4 layers, context 1024, 64 sequences per step, AdamW with
lr 6e-4, warm-up over 2% of the steps then cosine decay to 6e-5, weight decay 0.1, bf16 autocast, seed 1337.
--micro_batch splits each 64-sequence step into accumulated pieces to fit memory (the same computation).
Runs above 1e16 FLOPs are refused. Prints the final validation loss (nats per token) and appends a row to
runs.jsonl. Data: $OWT_DIR (default $ASSETS_DIR/openwebtext) holding train.bin and val.bin (uint16 GPT-2 tokens).
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

N_LAYER, BLOCK_SIZE, BATCH_SIZE, VOCAB = 4, 1024, 64, 50304
RUN_FLOP_CAP = 1e16
LR, MIN_LR, WEIGHT_DECAY, WARMUP_FRAC = 6e-4, 6e-5, 0.1, 0.02


def compute_flops(n_embd, max_iters):
    return N_LAYER * n_embd * n_embd * 12 * 6 * BLOCK_SIZE * BATCH_SIZE * max_iters


def n_heads(n_embd):
    """Heads of about 64 dimensions that divide n_embd exactly."""
    want = max(1, round(n_embd / 64))
    return min((h for h in range(1, n_embd + 1) if n_embd % h == 0), key=lambda h: (abs(h - want), h))


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.h = n_heads(d)
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        if hasattr(F, "scaled_dot_product_attention"):  # torch >= 2.0: fused kernels
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
            att = att.masked_fill(torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1), float("-inf"))
            y = att.softmax(-1) @ v
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, d))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(VOCAB, d), nn.Embedding(BLOCK_SIZE, d)
        self.blocks = nn.ModuleList(Block(d) for _ in range(N_LAYER))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, VOCAB, bias=False)
        self.head.weight = self.wte.weight
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1], device=idx.device))
        for blk in self.blocks:
            x = blk(x)
        logits = self.head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, VOCAB).float(), targets.view(-1))


def batches(path, n, device, rng):
    data = np.memmap(path, dtype=np.uint16, mode="r")
    ix = rng.integers(0, len(data) - BLOCK_SIZE - 1, size=n)
    x = torch.from_numpy(np.stack([data[i:i + BLOCK_SIZE].astype(np.int64) for i in ix]))
    y = torch.from_numpy(np.stack([data[i + 1:i + 1 + BLOCK_SIZE].astype(np.int64) for i in ix]))
    return x.to(device), y.to(device)


def lr_at(it, max_iters):
    warmup = max(1, int(WARMUP_FRAC * max_iters))
    if it < warmup:
        return LR * (it + 1) / warmup
    frac = (it - warmup) / max(1, max_iters - warmup)
    return MIN_LR + 0.5 * (LR - MIN_LR) * (1 + math.cos(math.pi * frac))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n_embd", type=int, required=True)
    p.add_argument("--max_iters", type=int, required=True)
    p.add_argument("--device", default="cuda:0" if torch.cuda.is_available() else "cpu")
    p.add_argument("--micro_batch", type=int, default=16)
    p.add_argument("--eval_batches", type=int, default=200, help="validation batches (of micro_batch sequences) averaged for the loss")
    args = p.parse_args()
    flops = compute_flops(args.n_embd, args.max_iters)
    if flops > RUN_FLOP_CAP:
        raise SystemExit("refused: %.3g FLOPs; one experiment may use at most %.0e" % (flops, RUN_FLOP_CAP))
    if BATCH_SIZE % args.micro_batch:
        raise SystemExit("--micro_batch must divide %d" % BATCH_SIZE)
    data_dir = os.environ.get("OWT_DIR") or os.path.join(os.environ.get("ASSETS_DIR", "../assets"), "openwebtext")
    torch.manual_seed(1337)
    rng = np.random.default_rng(1337)
    model = GPT(args.n_embd).to(args.device)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.95), weight_decay=WEIGHT_DECAY)
    autocast = torch.autocast(device_type=args.device.split(":")[0], dtype=torch.bfloat16)
    accum = BATCH_SIZE // args.micro_batch
    t0 = time.time()
    for it in range(args.max_iters):
        for g in opt.param_groups:
            g["lr"] = lr_at(it, args.max_iters)
        for _ in range(accum):
            x, y = batches(os.path.join(data_dir, "train.bin"), args.micro_batch, args.device, rng)
            with autocast:
                loss = model(x, y) / accum
            loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
    model.eval()
    eval_rng = np.random.default_rng(0)
    with torch.no_grad(), autocast:
        losses = [float(model(*batches(os.path.join(data_dir, "val.bin"), args.micro_batch, args.device, eval_rng)))
                  for _ in range(args.eval_batches)]
    row = {"n_embd": args.n_embd, "max_iters": args.max_iters, "flops": flops, "val_loss": sum(losses) / len(losses),
           "seconds": round(time.time() - t0, 1)}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs.jsonl"), "a") as f:
        f.write(json.dumps(row) + "\n")
    print(json.dumps(row))


if __name__ == "__main__":
    main()
