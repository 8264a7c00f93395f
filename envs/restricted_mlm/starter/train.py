"""Trains model.py's model on train_tokens.bin (GPT-2 tokens, uint16) on one GPU and saves model.pt.

    python train.py [--steps N] [--batch B] [--lr LR]

Only the model's forward pass is restricted; this script may use any operation (the loss below uses softmax).
"""
import argparse

import numpy as np
import torch
import torch.nn.functional as F

from model import build_model

VOCAB, MASK_ID, SEQ_LEN, MASK_RATE = 50258, 50257, 128, 0.15

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=2000)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--lr", type=float, default=3e-3)
args = p.parse_args()

torch.manual_seed(0)
device = "cuda"
tokens = np.memmap("train_tokens.bin", dtype=np.uint16, mode="r")
model = build_model(VOCAB, MASK_ID, SEQ_LEN).to(device)
opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
for step in range(args.steps):
    starts = np.random.randint(0, len(tokens) - SEQ_LEN, args.batch)
    batch = torch.from_numpy(np.stack([tokens[s : s + SEQ_LEN] for s in starts]).astype(np.int64)).to(device)
    mask = torch.rand(batch.shape, device=device) < MASK_RATE
    logits = model(batch.masked_fill(mask, MASK_ID))
    loss = F.cross_entropy(logits[mask].float(), batch[mask])
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    if step % 100 == 0 or step == args.steps - 1:
        print("step %d loss %.4f" % (step, loss.item()), flush=True)
torch.save(model.state_dict(), "model.pt")
