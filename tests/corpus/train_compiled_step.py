"""A whole training step under torch.compile: an MLP with dropout, captured once, then replayed every epoch."""

import torch
import torch.nn as nn

torch.manual_seed(0)
X = torch.randn(64, 5)
Y = (X[:, 0] - 0.5 * X[:, 1] > 0).long()

model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 2))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)


def train_step(x, y):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


step = torch.compile(train_step, backend="eager")
for epoch in range(40):
    loss = step(X, Y)
    if epoch % 10 == 0:
        print(f"epoch {epoch}: loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    accuracy = (model(X).argmax(dim=1) == Y).float().mean()
print(f"accuracy {accuracy.item():.3f}")
print(loss.grad_fn.name(), loss.requires_grad)
