"""The mini variant's text and masking: a seeded first-order Markov chain over 64 tokens, 15% of positions masked.

floor_loss gives the Bayes-optimal loss on exactly the scored masked positions (forward-backward over the chain
with masked positions unobserved): no model can do better on average, so the raw score ln(loss − floor) compares
models by how far they are from the best possible.
"""
import numpy as np
from redesk_envkit import markov
from redesk_envkit.markov import stationary

TEXT_VOCAB = 64
MASK_ID = TEXT_VOCAB  # the model's vocabulary is the 64 text tokens plus [MASK]
VOCAB = TEXT_VOCAB + 1
SEQ_LEN = 64
MASK_RATE = 0.15
SUCCESSORS = 6
SEED = 1618


def transitions() -> np.ndarray:
    return markov.transitions(SEED, TEXT_VOCAB, SUCCESSORS)


def sample(n_tokens: int, seed: int) -> np.ndarray:
    """n_tokens of text (uint8), starting from the stationary distribution."""
    return markov.sample(transitions(), n_tokens, [SEED, seed])


def masked_set(n_sequences: int, seed: int):
    """(inputs, mask, text): text (N, T) int64, mask (N, T) bool with at least one masked position per row, and
    inputs = text with the masked positions replaced by MASK_ID."""
    text = sample(n_sequences * SEQ_LEN, seed).astype(np.int64).reshape(n_sequences, SEQ_LEN)
    rng = np.random.default_rng([SEED, seed, 7])
    mask = rng.random(text.shape) < MASK_RATE
    mask[np.arange(n_sequences), rng.integers(0, SEQ_LEN, n_sequences)] = True
    inputs = np.where(mask, MASK_ID, text)
    return inputs, mask, text


def floor_loss(inputs: np.ndarray, mask: np.ndarray, text: np.ndarray) -> float:
    """Mean −log P(true token | all unmasked tokens) over the masked positions, under the true chain."""
    p = transitions()
    n, t = inputs.shape
    obs = np.ones((n, t, TEXT_VOCAB))
    seen = ~mask
    obs[seen] = np.eye(TEXT_VOCAB)[inputs[seen]]
    alpha = np.empty((n, t, TEXT_VOCAB))
    a = stationary(p)[None, :] * obs[:, 0]
    alpha[:, 0] = a / a.sum(axis=1, keepdims=True)
    for i in range(1, t):
        a = (alpha[:, i - 1] @ p) * obs[:, i]
        alpha[:, i] = a / a.sum(axis=1, keepdims=True)
    beta = np.ones((n, t, TEXT_VOCAB))
    for i in range(t - 2, -1, -1):
        b = (beta[:, i + 1] * obs[:, i + 1]) @ p.T
        beta[:, i] = b / b.sum(axis=1, keepdims=True)
    post = alpha * beta
    post /= post.sum(axis=2, keepdims=True)
    picked = post[mask, text[mask]]
    return float(-np.log(picked).mean())
