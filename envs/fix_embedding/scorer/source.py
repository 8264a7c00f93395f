"""The mini variant's text: a seeded first-order Markov chain over 64 tokens with sparse, skewed transitions.

Its entropy rate is the best loss any model can reach; the mini's raw score is ln(loss − that floor).
"""
import numpy as np
from redesk_envkit import markov
from redesk_envkit.markov import stationary

VOCAB = 64
SUCCESSORS = 6
SEED = 2718


def transitions() -> np.ndarray:
    """P[a, b] = probability that token b follows token a."""
    return markov.transitions(SEED, VOCAB, SUCCESSORS)


def floor_nats() -> float:
    """Entropy rate: sum_a pi(a) H(P[a, :]), in nats per token."""
    p = transitions()
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
    return float(stationary(p) @ h)


def sample(n_tokens: int, seed: int) -> np.ndarray:
    """n_tokens of text from the chain (uint8), starting from the stationary distribution."""
    return markov.sample(transitions(), n_tokens, [SEED, seed])
