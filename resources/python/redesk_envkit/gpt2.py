"""GPT-2 in the Hugging Face layout, run with plain PyTorch: config.json and model.safetensors, the byte-level BPE
of tokenizer.json (or vocab.json and merges.txt), and greedy decoding with a key/value cache.

What nanogpt_chat_rl's scorer answers prompts with, so scoring needs torch and numpy but not transformers, and
gives the same answers wherever it runs. Weights may be stored with or without the `transformer.` prefix, as F32,
F16 or BF16; `lm_head.weight` is used when present, else the output is tied to `wte`.

The pre-tokenizer follows GPT-2's pattern with Python's `re`: letters are \\w minus digits and underscore, numbers
are \\d, so a few rare characters (superscript digits, Roman numerals) split differently from the `regex` original.
"""
import json
import math
import os
import re
import struct

import numpy as np

_SPLIT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")
_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16}


class ModelError(ValueError):
    """The model folder cannot be used: missing files, another architecture, or tensors of the wrong shape."""


def _byte_maps():
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    encode, n = {}, 256
    for b in range(256):
        if b in printable:
            encode[b] = chr(b)
        else:
            encode[b] = chr(n)
            n += 1
    return encode, {c: b for b, c in encode.items()}


class Tokenizer:
    """GPT-2's byte-level BPE: added tokens matched first, then the split pattern, bytes as printable characters,
    merges in rank order."""

    def __init__(self, vocab, merges, added=()):
        self.vocab = dict(vocab)
        self.id_to_token = {i: t for t, i in self.vocab.items()}
        self.ranks = {tuple(m): r for r, m in enumerate(merges)}
        self.added = {a["content"]: a["id"] for a in added}
        for content, i in self.added.items():
            self.id_to_token[i] = content
        self.added_re = re.compile("|".join(re.escape(c) for c in sorted(self.added, key=len, reverse=True))) if self.added else None
        self.byte_encode, self.byte_decode = _byte_maps()
        self.cache = {}
        self.eos_id = self.added.get("<|endoftext|>", self.vocab.get("<|endoftext|>"))

    @classmethod
    def from_dir(cls, folder):
        path = os.path.join(folder, "tokenizer.json")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            model = data.get("model") or {}
            if model.get("type") not in (None, "BPE") or not isinstance(model.get("vocab"), dict):
                raise ModelError("%s is not a byte-level BPE tokenizer" % path)
            merges = [m.split(" ") if isinstance(m, str) else m for m in model.get("merges") or []]
            return cls(model["vocab"], merges, data.get("added_tokens") or [])
        vocab_path, merges_path = os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt")
        if os.path.isfile(vocab_path) and os.path.isfile(merges_path):
            with open(vocab_path, encoding="utf-8") as f:
                vocab = json.load(f)
            with open(merges_path, encoding="utf-8") as f:
                merges = [line.split() for line in f if line.strip() and not line.startswith("#version")]
            # GPT-2's end-of-text is special there too (the tokenizer classes add it), not spelled out in bytes.
            eot = "<|endoftext|>"
            return cls(vocab, merges, [{"content": eot, "id": vocab[eot]}] if eot in vocab else [])
        raise ModelError("no tokenizer in %s (tokenizer.json, or vocab.json and merges.txt)" % folder)

    def _bpe(self, piece):
        if piece in self.cache:
            return self.cache[piece]
        word = list(piece)
        while len(word) > 1:
            best = min(((self.ranks.get((a, b), math.inf), i) for i, (a, b) in enumerate(zip(word, word[1:]))))
            if best[0] == math.inf:
                break
            a, b = word[best[1]], word[best[1] + 1]
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and word[i] == a and word[i + 1] == b:
                    merged.append(a + b)
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        self.cache[piece] = word
        return word

    def _encode_plain(self, text):
        ids = []
        for piece in _SPLIT.findall(text):
            mapped = "".join(self.byte_encode[b] for b in piece.encode("utf-8"))
            for tok in self._bpe(mapped):
                if tok not in self.vocab:
                    raise ModelError("the tokenizer has no entry for %r" % tok)
                ids.append(self.vocab[tok])
        return ids

    def encode(self, text):
        if not self.added_re:
            return self._encode_plain(text)
        ids, at = [], 0
        for m in self.added_re.finditer(text):
            ids += self._encode_plain(text[at:m.start()])
            ids.append(self.added[m.group(0)])
            at = m.end()
        return ids + self._encode_plain(text[at:])

    def decode(self, ids):
        out = bytearray()
        for i in ids:
            tok = self.id_to_token.get(int(i), "")
            if int(i) in self.added.values():
                out += tok.encode("utf-8")
            else:
                out += bytes(self.byte_decode[c] for c in tok if c in self.byte_decode)
        return out.decode("utf-8", "replace")


def read_safetensors(path):
    """{name: numpy float32 array} from a .safetensors file."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ModelError("%s: tensor %s has dtype %s (F32, F16 or BF16 expected)" % (path, name, info["dtype"]))
        start, end = info["data_offsets"]
        arr = np.frombuffer(data[start:end], dtype=dtype)
        if info["dtype"] == "BF16":
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        out[name] = arr.astype(np.float32).reshape(info["shape"])
    return out


class GPT2:
    """The model: forward(ids, cache) -> (logits of the last position, cache)."""

    def __init__(self, config, tensors, device="cpu"):
        import torch

        if config.get("model_type", "gpt2") != "gpt2":
            raise ModelError("config.json says model_type %r; this scorer runs GPT-2 models" % config.get("model_type"))
        self.torch = torch
        self.layers, self.heads = int(config["n_layer"]), int(config["n_head"])
        self.d = int(config["n_embd"])
        self.context = int(config.get("n_positions") or config.get("n_ctx") or 1024)
        self.eps = float(config.get("layer_norm_epsilon", 1e-5))
        sd = {k[len("transformer."):] if k.startswith("transformer.") else k: v for k, v in tensors.items()}

        def t(name, shape):
            if name not in sd:
                raise ModelError("model.safetensors has no tensor %s" % name)
            if list(sd[name].shape) != list(shape):
                raise ModelError("tensor %s has shape %s, config.json implies %s" % (name, list(sd[name].shape), list(shape)))
            return torch.from_numpy(np.ascontiguousarray(sd[name])).to(device)

        d, vocab = self.d, sd.get("wte.weight", np.zeros((0, 0))).shape[0]
        self.wte, self.wpe = t("wte.weight", (vocab, d)), t("wpe.weight", (self.context, d))
        self.blocks = []
        for i in range(self.layers):
            p = "h.%d." % i
            self.blocks.append({k: t(p + k, s) for k, s in [
                ("ln_1.weight", (d,)), ("ln_1.bias", (d,)), ("attn.c_attn.weight", (d, 3 * d)),
                ("attn.c_attn.bias", (3 * d,)), ("attn.c_proj.weight", (d, d)), ("attn.c_proj.bias", (d,)),
                ("ln_2.weight", (d,)), ("ln_2.bias", (d,)), ("mlp.c_fc.weight", (d, 4 * d)),
                ("mlp.c_fc.bias", (4 * d,)), ("mlp.c_proj.weight", (4 * d, d)), ("mlp.c_proj.bias", (d,))]})
        self.ln_f = (t("ln_f.weight", (d,)), t("ln_f.bias", (d,)))
        self.lm_head = t("lm_head.weight", (vocab, d)) if "lm_head.weight" in sd else self.wte
        self.device = device

    def forward(self, ids, cache=None):
        """ids: list of new token ids; cache: what the previous call returned. Returns (logits [new, vocab], cache)."""
        torch, F = self.torch, self.torch.nn.functional
        past = 0 if cache is None else cache[0][0].shape[1]
        n, d, H = len(ids), self.d, self.heads
        e = d // H
        x = self.wte[torch.tensor(ids, device=self.device)] + self.wpe[past:past + n]
        new_cache = []
        # Query i (at position past + i) sees keys up to past + i.
        mask = torch.ones(n, past + n, dtype=torch.bool, device=self.device).tril(past)
        for i, b in enumerate(self.blocks):
            h = F.layer_norm(x, (d,), b["ln_1.weight"], b["ln_1.bias"], self.eps)
            q, k, v = (h @ b["attn.c_attn.weight"] + b["attn.c_attn.bias"]).split(d, dim=-1)
            q, k, v = (z.view(n, H, e).transpose(0, 1) for z in (q, k, v))
            if cache is not None:
                k, v = torch.cat([cache[i][0], k], 1), torch.cat([cache[i][1], v], 1)
            new_cache.append((k, v))
            att = (q @ k.transpose(1, 2)) / math.sqrt(e)
            att = att.masked_fill(~mask, float("-inf")).softmax(-1)
            a = (att @ v).transpose(0, 1).reshape(n, d)
            x = x + a @ b["attn.c_proj.weight"] + b["attn.c_proj.bias"]
            h = F.layer_norm(x, (d,), b["ln_2.weight"], b["ln_2.bias"], self.eps)
            h = F.gelu(h @ b["mlp.c_fc.weight"] + b["mlp.c_fc.bias"], approximate="tanh")
            x = x + h @ b["mlp.c_proj.weight"] + b["mlp.c_proj.bias"]
        x = F.layer_norm(x, (d,), self.ln_f[0], self.ln_f[1], self.eps)
        return x @ self.lm_head.T, new_cache


def load_model(folder, device="cpu"):
    config_path, weights_path = os.path.join(folder, "config.json"), os.path.join(folder, "model.safetensors")
    for p in (config_path, weights_path):
        if not os.path.isfile(p):
            raise ModelError("%s is missing" % p)
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    return GPT2(config, read_safetensors(weights_path), device)


def generate_greedy(model, tokenizer, prompt, max_new_tokens, stop=None):
    """The greedy continuation of prompt (at most max_new_tokens, ending at end-of-text or before `stop`)."""
    torch = model.torch
    # The prompt's end is kept, leaving room for the reply within the model's context.
    ids = tokenizer.encode(prompt)[-max(1, model.context - max_new_tokens):]
    out = []
    with torch.no_grad():
        logits, cache = model.forward(ids)
        for _ in range(min(max_new_tokens, model.context - len(ids))):
            nxt = int(logits[-1].argmax())
            if nxt == tokenizer.eos_id:
                break
            out.append(nxt)
            if stop and stop in tokenizer.decode(out):
                break
            logits, cache = model.forward([nxt], cache)
    text = tokenizer.decode(out)
    return text.split(stop)[0] if stop else text
