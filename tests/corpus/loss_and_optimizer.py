"""A hand-written forward with nn.MSELoss and optim.SGD doing the loss and the update."""

# ruff: noqa: E741 - tutorial style, kept as learners write it

import torch
import torch.nn as nn

X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
Y = torch.tensor([2, 4, 6, 8], dtype=torch.float32)

w = torch.tensor(0.0, dtype=torch.float32, requires_grad=True)


def forward(x):
    return w * x


print(f"Prediction before training: f(5) = {forward(5).item():.3f}")

learning_rate = 0.01
n_iters = 100

loss = nn.MSELoss()
optimizer = torch.optim.SGD([w], lr=learning_rate)
print(optimizer)

for epoch in range(n_iters):
    y_predicted = forward(X)
    l = loss(y_predicted, Y)
    if epoch == 0:
        print(l.grad_fn)
        print(l)
    l.backward()
    optimizer.step()
    optimizer.zero_grad()
    if epoch % 10 == 0:
        print(f"epoch {epoch + 1}: w = {w.item():.3f}, loss = {l.item():.4f}")

print(w.grad)
print(f"Prediction after training: f(5) = {forward(5).item():.3f}")
