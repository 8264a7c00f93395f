"""The mini variant's text: a seeded first-order Markov chain over 64 tokens with sparse, skewed transitions.

Its entropy rate is the best loss any model can reach; the mini's raw score is ln(loss − that floor).
"""
import numpy as np

VOCAB = 64
SUCCESSORS = 6
SEED = 2718


def transitions() -> np.ndarray:
    """P[a, b] = probability that token b follows token a."""
    rng = np.random.default_rng(SEED)
    p = np.zeros((VOCAB, VOCAB))
    for a in range(VOCAB):
        nxt = rng.choice(VOCAB, size=SUCCESSORS, replace=False)
        p[a, nxt] = rng.dirichlet(np.full(SUCCESSORS, 0.7))
    return p


def stationary(p: np.ndarray) -> np.ndarray:
    pi = np.full(len(p), 1.0 / len(p))
    for _ in range(5000):
        pi = pi @ p
    return pi / pi.sum()


def floor_nats() -> float:
    """Entropy rate: sum_a pi(a) H(P[a, :]), in nats per token."""
    p = transitions()
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
    return float(stationary(p) @ h)


def sample(n_tokens: int, seed: int) -> np.ndarray:
    """n_tokens of text from the chain (uint8), starting from the stationary distribution."""
    p = transitions()
    cdf = np.cumsum(p, axis=1)
    rng = np.random.default_rng([SEED, seed])
    u = rng.random(n_tokens)
    out = np.empty(n_tokens, dtype=np.uint8)
    out[0] = rng.choice(VOCAB, p=stationary(p))
    for i in range(1, n_tokens):
        out[i] = min(int(np.searchsorted(cdf[out[i - 1]], u[i], side="right")), VOCAB - 1)
    return out
