"""Linear regression f = w * x by hand: forward, MSE loss and its gradient written out, no autograd."""

# ruff: noqa: E741 - tutorial style, kept as learners write it

import torch

X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
Y = torch.tensor([2, 4, 6, 8], dtype=torch.float32)

w = torch.tensor(0.0, dtype=torch.float32)


def forward(x):
    return w * x


def loss(y, y_predicted):
    return ((y_predicted - y) ** 2).mean()


# MSE = 1/N * (w*x - y)**2  =>  dJ/dw = 1/N * 2x * (w*x - y)
def gradient(x, y, y_predicted):
    return (2 * x * (y_predicted - y)).mean()


print(f"Prediction before training: f(5) = {forward(5):.3f}")

learning_rate = 0.01
n_iters = 20

for epoch in range(n_iters):
    y_pred = forward(X)
    l = loss(Y, y_pred)
    dw = gradient(X, Y, y_pred)
    w -= learning_rate * dw
    if epoch % 2 == 0:
        print(f"epoch {epoch + 1}: w = {w:.3f}, loss = {l:.4f}")

print(f"Prediction after training: f(5) = {forward(5):.3f}")
print(w)
