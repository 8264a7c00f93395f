"""Reference solution (mini): recover the permutation of the embedding rows, then put the rows back.

The embedding is tied to the output layer, so the damaged model is the clean model with token ids relabelled on
both sides: fed row r, it predicts rows. Its one-token predictions M[r, s] = log P(row s | row r) therefore hold
the text's bigram statistics in row labels. We count bigrams N[a, b] in the training text (true ids) and search for
the assignment sigma (true token a -> row sigma[a]) maximising sum N[a, b] * M[sigma[a], sigma[b]]: start from
matching token frequencies with the model's implied frequencies, then swap pairs while the fit improves.
Not part of the workspace; the scorer runs it to check the environment.
"""
import numpy as np
import torch

from model import GPT, MINI

torch.set_num_threads(2)
state = torch.load("damaged_model.pt", weights_only=True)
text = np.load("train_tokens.npy").astype(np.int64)
V = MINI.vocab_size

model = GPT(MINI)
model.load_state_dict(state)
model.eval()
with torch.no_grad():
    logits, _ = model(torch.arange(V).view(V, 1))
    M = torch.log_softmax(logits[:, 0, :].double(), dim=-1).numpy()  # M[r, s]

N = np.zeros((V, V))
np.add.at(N, (text[:-1], text[1:]), 1.0)


def fit(sigma: np.ndarray) -> float:
    return float((N * M[np.ix_(sigma, sigma)]).sum())




def assignment(cost: np.ndarray) -> np.ndarray:
    """Hungarian method (minimum-cost perfect matching), O(n^3): result[i] = column given to row i."""
    n = len(cost)
    u, v = np.zeros(n + 1), np.zeros(n + 1)
    p, way = np.zeros(n + 1, dtype=np.int64), np.zeros(n + 1, dtype=np.int64)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = np.full(n + 1, np.inf), np.zeros(n + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            cur = cost[i0 - 1] - u[i0] - v[1:]
            free = ~used[1:]
            better = free & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            j1 = int(np.argmin(np.where(free, minv[1:], np.inf))) + 1
            delta = minv[j1]
            u[p[used]] += delta
            v[used] -= delta
            minv[~used] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    result = np.empty(n, dtype=np.int64)
    result[p[1:] - 1] = np.arange(n)
    return result


# 1. A first matching from label-free signatures: each token's frequency and its sorted successor probabilities,
#    against each row's implied frequency (stationary distribution of the rows' chain) and sorted predictions.
P = np.exp(M)
pi = np.full(V, 1.0 / V)
for _ in range(500):
    pi = pi @ P
freq = N.sum(axis=1) + 1.0
data_next = np.sort(N / freq[:, None], axis=1)[:, ::-1][:, :8]
model_next = np.sort(P, axis=1)[:, ::-1][:, :8]
cost = np.abs(data_next[:, None, :] - model_next[None, :, :]).sum(axis=2)
cost += np.abs(np.log(freq / freq.sum())[:, None] - np.log(pi)[None, :])
sigma = assignment(cost)

# 2. Refine: with the other tokens' rows fixed, the best row for each token is a linear assignment problem.
for _ in range(30):
    gain = N @ M[:, sigma].T + N.T @ M[sigma, :]  # gain[a, r]: fit of putting token a on row r
    new = assignment(-gain)
    if np.array_equal(new, sigma):
        break
    sigma = new

# 3. Polish with pairwise swaps while the fit improves.
best = fit(sigma)
improved = True
while improved:
    improved = False
    for a in range(V):
        for b in range(a + 1, V):
            sigma[a], sigma[b] = sigma[b], sigma[a]
            f = fit(sigma)
            if f > best + 1e-9:
                best, improved = f, True
            else:
                sigma[a], sigma[b] = sigma[b], sigma[a]

# Token a's clean embedding is the damaged model's row sigma[a].
state["wte.weight"] = state["wte.weight"][torch.from_numpy(sigma)].clone()
torch.save(state, "fixed_model.pt")
print("log-likelihood of the training bigrams under the recovered model: %.1f" % best)
