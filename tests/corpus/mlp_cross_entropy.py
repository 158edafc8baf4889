"""A small MLP trained with CrossEntropyLoss on two interleaved half-moons, with LeakyReLU, GELU and a
class-weighted, label-smoothed loss."""

import math

import torch
import torch.nn as nn

torch.manual_seed(3)

n = 60
angles = [math.pi * k / (n - 1) for k in range(n)]
upper = torch.tensor([[math.cos(a), math.sin(a)] for a in angles])
lower = torch.tensor([[1 - math.cos(a), 0.5 - math.sin(a)] for a in angles])
X = torch.cat([upper, lower]) + 0.1 * torch.randn(2 * n, 2)
y = torch.cat([torch.zeros(n, dtype=torch.long), torch.ones(n, dtype=torch.long)])


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2, 16),
            nn.LeakyReLU(0.1),
            nn.Linear(16, 16),
            nn.GELU(),
            nn.Linear(16, 2),
        )

    def forward(self, x):
        return self.net(x)


model = MLP()
print(model)
criterion = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 1.5]), label_smoothing=0.05)
optimizer = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)

for epoch in range(1, 201):
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
    if epoch % 40 == 0:
        with torch.no_grad():
            acc = (model(X).argmax(1) == y).float().mean().item()
        print(f"epoch {epoch}: loss {loss.item():.3f}, accuracy {acc:.3f}")

print("loss graph:", type(loss.grad_fn).__name__)
node = loss.grad_fn
names = []
while node is not None and len(names) < 4:
    names.append(type(node).__name__)
    node = node.next_functions[0][0] if node.next_functions else None
print(" <- ".join(names))

with torch.no_grad():
    test = torch.tensor([[0.0, 1.0], [1.0, -0.5], [0.5, 0.25]])
    print("class probabilities:")
    print(torch.softmax(model(test), dim=1).round(decimals=3))
    per_sample = nn.CrossEntropyLoss(reduction="none")(model(X[:4]), y[:4])
    print("per-sample losses:", [round(v, 3) for v in per_sample.tolist()])
    print("ignored targets:", nn.CrossEntropyLoss(ignore_index=0)(model(X), y).item() > 0)
