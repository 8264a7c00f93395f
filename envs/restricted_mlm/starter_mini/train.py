"""Trains model.py's model on train_tokens.npy and saves its weights to model.pt.

The scorer runs `python train.py` in the workspace (2 CPU cores, 5 minutes at most), then evaluates model.pt.
Only the model's forward pass is restricted; this script may use any operation (the loss below uses softmax).
"""
import numpy as np
import torch
import torch.nn.functional as F

from model import build_model

TEXT_VOCAB = 64
MASK_ID = 64
SEQ_LEN = 64
MASK_RATE = 0.15
STEPS = 100
BATCH = 64
LR = 0.05

torch.manual_seed(0)
torch.set_num_threads(1)  # these ops are too small to gain from threads; extra threads only spin
text = torch.from_numpy(np.load("train_tokens.npy").astype(np.int64))
model = build_model(TEXT_VOCAB + 1, MASK_ID, SEQ_LEN)
offsets = torch.arange(SEQ_LEN)
opt = torch.optim.Adam(model.parameters(), lr=LR)
# Linear decay to zero: the last steps settle instead of bouncing.
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1 - step / STEPS)
for step in range(STEPS):
    starts = torch.randint(0, len(text) - SEQ_LEN, (BATCH,))
    batch = text[starts[:, None] + offsets]
    mask = torch.rand(batch.shape) < MASK_RATE
    logits = model(batch.masked_fill(mask, MASK_ID))
    loss = F.cross_entropy(logits[mask], batch[mask])
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 100 == 0 or step == STEPS - 1:
        print("step %d loss %.4f" % (step, loss.item()))
torch.save(model.state_dict(), "model.pt")
