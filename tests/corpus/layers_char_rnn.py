"""A character-level RNN: read a short text one character at a time and predict the next character
(one-hot inputs, nn.RNN with two layers, a linear read-out and a logistic loss), then sample greedily."""

# ruff: noqa: UP008 - tutorial style, kept as learners write it

import torch
import torch.nn as nn

text = "hello world, hello rnn"
chars = sorted(set(text))
n_chars = len(chars)
idx = torch.tensor([chars.index(c) for c in text])
print(n_chars, "characters:", "".join(chars))


def one_hot(ix):
    out = torch.zeros(len(ix), 1, n_chars)
    for t, i in enumerate(ix.tolist()):
        out[t, 0, i] = 1.0
    return out


class CharRNN(nn.Module):
    def __init__(self, n_in, hidden, n_out):
        super(CharRNN, self).__init__()
        self.rnn = nn.RNN(n_in, hidden, num_layers=2)
        self.out = nn.Linear(hidden, n_out)

    def forward(self, x, h=None):
        y, h = self.rnn(x, h)
        return self.out(y), h


torch.manual_seed(3)
model = CharRNN(n_chars, 16, n_chars)
print(model)
print([name for name, _ in model.named_parameters()])

inputs, targets = one_hot(idx[:-1]), one_hot(idx[1:])
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
for step in range(8):
    optimizer.zero_grad()
    logits, h = model(inputs)
    loss = criterion(logits, targets)
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.4f}")
print(logits.shape, h.shape, h.grad_fn)
g = model.rnn.weight_hh_l0.grad
print(f"grad norm of weight_hh_l0: {(g * g).sum().sqrt().item():.4f}")

with torch.no_grad():
    c, h, out = idx[:1], None, "h"
    for _ in range(10):
        logits, h = model(one_hot(c), h)
        c = logits[-1, 0].argmax().view(1)
        out += chars[c.item()]
print(repr(out))
