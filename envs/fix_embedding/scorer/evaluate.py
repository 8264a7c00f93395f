"""Loads a submitted state dict safely and measures its loss with the scorer's own model code."""
import contextlib
import os
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt  # noqa: E402
import source  # noqa: E402

MINI_EVAL_SEQUENCES = 256
MINI_EVAL_SEED = 2  # training text uses seed 1: the held-out text is a different sample of the same chain
FULL_FLOOR = 1.5  # the paper's: raw = ln(loss - 1.5)


class BadModel(Exception):
    """The submitted file is not a model of the damaged model's architecture; the message says why."""


def load_state(path: str) -> dict:
    """A state dict of tensors, loaded without running any code from the file (weights_only)."""
    if not os.path.isfile(path):
        raise BadModel("%s not found" % os.path.basename(path))
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable file is the solution's fault
        raise BadModel("%s could not be loaded as a state dict of tensors: %s" % (os.path.basename(path), e))
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise BadModel("%s must hold a dict of tensors (a state_dict)" % os.path.basename(path))
    return state


def check_architecture(state: dict, damaged: dict, frozen: bool) -> None:
    """Same parameter names, shapes and dtypes as the damaged model, all finite; with frozen, only wte may change."""
    missing = sorted(set(damaged) - set(state))
    extra = sorted(set(state) - set(damaged))
    if missing or extra:
        raise BadModel("architecture changed: missing %s, unexpected %s" % (missing[:5], extra[:5]))
    for k, ref in damaged.items():
        got = state[k]
        if tuple(got.shape) != tuple(ref.shape) or got.dtype != ref.dtype:
            raise BadModel("architecture changed: %s is %s %s, expected %s %s" % (k, tuple(got.shape), got.dtype,
                                                                                tuple(ref.shape), ref.dtype))
        if got.is_floating_point() and not torch.isfinite(got).all():
            raise BadModel("%s holds NaN or infinite values" % k)
        if frozen and k != "wte.weight" and not torch.equal(got, ref):
            raise BadModel("only wte.weight may change in the mini variant; %s differs from the damaged model" % k)


def mini_loss(state: dict) -> float:
    """Mean cross-entropy (nats/token) of the mini model on the held-out text."""
    torch.set_num_threads(min(2, torch.get_num_threads()))
    c = gpt.MINI
    text = source.sample(MINI_EVAL_SEQUENCES * (c.block_size + 1), seed=MINI_EVAL_SEED).astype(np.int64)
    data = torch.from_numpy(text).view(MINI_EVAL_SEQUENCES, c.block_size + 1)
    return model_loss(state, c, [(data[:, :-1], data[:, 1:])], "cpu")


def full_loss(state: dict, tokens_path: str, sequences: int, batch: int, device: str) -> float:
    """Mean cross-entropy on the first `sequences` windows of the held-out GPT-2 tokens (uint16 .bin, as nanoGPT)."""
    c = gpt.FULL
    tokens = np.memmap(tokens_path, dtype=np.uint16, mode="r")
    need = sequences * (c.block_size + 1)
    if len(tokens) < need:
        raise RuntimeError("%s holds %d tokens; the scorer needs %d" % (tokens_path, len(tokens), need))
    windows = torch.from_numpy(np.array(tokens[:need], dtype=np.int64)).view(sequences, c.block_size + 1)
    chunks = [(windows[i : i + batch, :-1], windows[i : i + batch, 1:]) for i in range(0, sequences, batch)]
    return model_loss(state, c, chunks, device)


@torch.no_grad()
def model_loss(state: dict, c: gpt.GPTConfig, chunks, device: str) -> float:
    model = gpt.GPT(c)
    model.load_state_dict(state)
    model.to(device).eval()
    total, count = 0.0, 0
    for x, y in chunks:
        precision = torch.autocast("cuda", dtype=torch.bfloat16) if device == "cuda" else contextlib.nullcontext()
        with precision:
            _, loss = model(x.to(device), y.to(device))
        total += float(loss) * y.numel()
        count += y.numel()
    return total / count
