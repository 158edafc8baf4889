"""A softmax classifier (one Linear layer + cross-entropy) on three Gaussian blobs in the plane."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

# three blobs of 30 points each, centred at (-2, 0), (2, 0) and (0, 3)
centers = torch.tensor([[-2.0, 0.0], [2.0, 0.0], [0.0, 3.0]])
X = torch.cat([c + 0.8 * torch.randn(30, 2) for c in centers])
y = torch.cat([torch.full((30,), k, dtype=torch.long) for k in range(3)])
print("data:", X.shape, X.dtype, "labels:", y.shape, y.dtype)
print("first points:", X[:2])

model = nn.Linear(2, 3)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
print(model)
print(criterion)

logits = model(X)
loss = criterion(logits, y)
print("initial loss:", round(loss.item(), 4))
print("grad_fn:", type(loss.grad_fn).__name__, "<-", type(loss.grad_fn.next_functions[0][0]).__name__)

for epoch in range(1, 101):
    logits = model(X)
    loss = criterion(logits, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        with torch.no_grad():
            acc = (model(X).argmax(dim=1) == y).float().mean()
        print(f"epoch {epoch:3d}  loss {loss.item():.4f}  accuracy {acc.item():.3f}")

with torch.no_grad():
    probs = F.softmax(model(centers), dim=1)
print("probabilities at the centres:")
print(probs)
print("rows sum to one:", torch.allclose(probs.sum(dim=1), torch.ones(3)))
print("predicted:", probs.argmax(dim=1).tolist())

# the same loss, spelled three ways
logp = F.log_softmax(model(X), dim=1)
a = F.nll_loss(logp, y)
b = F.cross_entropy(model(X), y)
c = -(logp[torch.arange(90), y]).mean()
print(f"nll {a.item():.5f}  cross_entropy {b.item():.5f}  by hand {c.item():.5f}")
print("smoothed:", round(F.cross_entropy(model(X), y, label_smoothing=0.1).item(), 4))
