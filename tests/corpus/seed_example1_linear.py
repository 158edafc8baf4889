"""Seed example 1, fixed: toy linear regression with an nn.Module wrapping nn.Linear, MSELoss and SGD."""

# ruff: noqa: E741, UP008 - tutorial style, kept as learners write it

import torch
import torch.nn as nn

torch.manual_seed(0)

# the training set: 4 samples of one feature, Y = 2 * X
X = torch.tensor([[1], [2], [3], [4]], dtype=torch.float32)
Y = torch.tensor([[2], [4], [6], [8]], dtype=torch.float32)
X_test = torch.tensor([5], dtype=torch.float32)

n_samples, n_features = X.shape
print(n_samples, n_features)
print(X.shape)

input_size = n_features
output_size = n_features


class LinearRegression(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegression, self).__init__()
        # define layers
        self.lin = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        return self.lin(x)


model = LinearRegression(input_size, output_size)
print(model)
print(f"Prediction before training: f(5) = {model(X_test).item():.3f}")

learning_rate = 0.01
n_iters = 100

loss = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

for epoch in range(n_iters):
    # forward
    y_pred = model(X)
    # loss: prediction first, target second
    l = loss(y_pred, Y)
    # gradients
    l.backward()
    # update weights
    optimizer.step()
    # zero the gradients
    optimizer.zero_grad()
    if epoch % 10 == 0:
        [w, b] = model.parameters()
        print(f"epoch {epoch + 1}: w = {w[0][0].item():.3f}, loss = {l.item():.4f}")

print(f"Prediction after training: f(5) = {model(X_test).item():.3f}")
print(model(X_test))
print(y_pred.grad_fn)
