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


# Frequencies: the data's unigram counts against the stationary distribution of the model's row-to-row chain.
P = np.exp(M)
pi = np.full(V, 1.0 / V)
for _ in range(500):
    pi = pi @ P
sigma = np.empty(V, dtype=np.int64)
sigma[np.argsort(-N.sum(axis=1))] = np.argsort(-pi)

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
