"""Seeded first-order Markov chains: the synthetic text the mini environments train and score on.

Deterministic from (seed, vocab, successors): every token has `successors` possible next tokens with Dirichlet(0.7)
weights, so the text has structure a small model can learn and an exact best-possible loss to compare against.
"""
import numpy as np


def transitions(seed: int, vocab: int, successors: int) -> np.ndarray:
    """P[a, b] = probability that token b follows token a."""
    rng = np.random.default_rng(seed)
    p = np.zeros((vocab, vocab))
    for a in range(vocab):
        nxt = rng.choice(vocab, size=successors, replace=False)
        p[a, nxt] = rng.dirichlet(np.full(successors, 0.7))
    return p


def stationary(p: np.ndarray) -> np.ndarray:
    pi = np.full(len(p), 1.0 / len(p))
    for _ in range(5000):
        pi = pi @ p
    return pi / pi.sum()


def sample(p: np.ndarray, n_tokens: int, seed) -> np.ndarray:
    """n_tokens of text from the chain P (uint8), starting from its stationary distribution."""
    vocab = len(p)
    cdf = np.cumsum(p, axis=1)
    rng = np.random.default_rng(seed)
    u = rng.random(n_tokens)
    out = np.empty(n_tokens, dtype=np.uint8)
    out[0] = rng.choice(vocab, p=stationary(p))
    for i in range(1, n_tokens):
        out[i] = min(int(np.searchsorted(cdf[out[i - 1]], u[i], side="right")), vocab - 1)
    return out
