"""Reading model weights without running code from them, and comparing two models as the paper's scorer does.

Formats: a folder of `*.safetensors` files (parsed here: a length, a JSON header, raw tensors) or of
`pytorch_model*.bin` files (torch.load with weights_only=True, so a crafted pickle cannot run code in the scorer).
"""
import glob
import json
import os
import struct

import torch

_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}


class WeightsError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise WeightsError("%s is not a safetensors file (too short)" % path, "WEIGHTS_UNREADABLE")
    (n,) = struct.unpack("<Q", data[:8])
    try:
        header = json.loads(data[8:8 + n])
    except ValueError as e:
        raise WeightsError("%s has a bad safetensors header: %s" % (path, e), "WEIGHTS_UNREADABLE")
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info.get("dtype"))
        start, end = info["data_offsets"]
        if dtype is None or not (0 <= start <= end <= len(data) - base):
            raise WeightsError("%s: tensor %s has an unknown dtype or bad offsets" % (path, name), "WEIGHTS_UNREADABLE")
        buf = bytearray(data[base + start:base + end])
        t = torch.frombuffer(buf, dtype=dtype) if buf else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"])
    return out


def load_state_dict(folder):
    """Every tensor of the model in `folder`, by name. Raises WeightsError when there is none or it cannot be read."""
    if not os.path.isdir(folder):
        raise WeightsError("no model folder at %s" % folder, "NO_WEIGHTS")
    state = {}
    files = sorted(glob.glob(os.path.join(folder, "*.safetensors")))
    if files:
        for path in files:
            state.update(read_safetensors(path))
    else:
        files = sorted(glob.glob(os.path.join(folder, "pytorch_model*.bin")))
        for path in files:
            try:
                state.update(torch.load(path, map_location="cpu", weights_only=True))
            except Exception as e:  # noqa: BLE001 - any unreadable file is the solution's problem, reported
                raise WeightsError("%s cannot be loaded as plain tensors: %s" % (path, e), "WEIGHTS_UNREADABLE")
    if not files:
        raise WeightsError("%s holds no *.safetensors or pytorch_model*.bin" % folder, "NO_WEIGHTS")
    return state


def _body(state):
    """The transformer body's tensors, as the paper's scorer compares them (Hugging Face AutoModel: no LM head)."""
    out = {}
    for name, t in state.items():
        if name.startswith("lm_head."):
            continue
        out[name[len("model."):] if name.startswith("model.") else name] = t
    return out


def compare(trained, reference):
    """(norm_diff, max_abs_diff, identical) between two state dicts.

    norm_diff is the paper's "L1 norm difference": the sum over parameter tensors of the Euclidean norm of each
    tensor's difference (an L1 norm across tensors of per-tensor L2 norms), computed in float64.
    """
    a, b = _body(trained), _body(reference)
    missing, extra = sorted(set(b) - set(a)), sorted(set(a) - set(b))
    if missing or extra:
        raise WeightsError("the trained model's tensors differ from the reference's: missing %s, unexpected %s"
                           % (missing[:5], extra[:5]), "WEIGHTS_MISMATCH")
    total, biggest, identical = 0.0, 0.0, True
    for name in sorted(b):
        if a[name].shape != b[name].shape:
            raise WeightsError("tensor %s has shape %s; the reference's is %s"
                               % (name, tuple(a[name].shape), tuple(b[name].shape)), "WEIGHTS_MISMATCH")
        diff = a[name].to(torch.float64) - b[name].to(torch.float64)
        if not torch.isfinite(diff).all():
            raise WeightsError("tensor %s holds NaN or infinite values" % name, "WEIGHTS_DIVERGED")
        total += float(torch.linalg.norm(diff.flatten()))
        if diff.numel():
            biggest = max(biggest, float(diff.abs().max()))
        identical = identical and bool(torch.equal(a[name], b[name]))
    return total, biggest, identical
