"""Seed example 2, fixed: linear regression on sklearn's make_regression, then a plot of data and fit.

The plot is written to regression.png with matplotlib's Agg backend (no display needed), in $CORPUS_PLOT_DIR
or else a new temporary directory; set CORPUS_NO_PLOT=1 to skip it.
"""

import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn import datasets

torch.manual_seed(1)

# 0) prepare data
X_numpy, y_numpy = datasets.make_regression(n_samples=100, n_features=1, noise=20, random_state=1)

X = torch.from_numpy(X_numpy.astype(np.float32))
y = torch.from_numpy(y_numpy.astype(np.float32))
y = y.view(y.shape[0], 1)

n_samples, n_features = X.shape
print(X.shape, y.shape, X.dtype)

# 1) model
input_size = n_features
output_size = 1
model = nn.Linear(input_size, output_size)

# 2) loss and optimizer
learning_rate = 0.01
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

# 3) training loop
num_epochs = 100
for epoch in range(num_epochs):
    # forward pass and loss
    y_predicted = model(X)
    loss = criterion(y_predicted, y)
    # backward pass
    loss.backward()
    # update
    optimizer.step()
    # empty the gradients: backward() sums them into .grad
    optimizer.zero_grad()
    if (epoch + 1) % 10 == 0:
        print(f"epoch: {epoch + 1}, loss = {loss.item():.4f}")

predicted = model(X).detach().numpy()
print(predicted.shape, predicted.dtype)
print(f"weight = {model.weight.item():.3f}, bias = {model.bias.item():.3f}")

if not os.environ.get("CORPUS_NO_PLOT"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.plot(X_numpy, y_numpy, "ro")
    plt.plot(X_numpy, predicted, "b")
    path = os.path.join(os.environ.get("CORPUS_PLOT_DIR") or tempfile.mkdtemp(), "regression.png")
    plt.savefig(path)
    print("plot saved:", os.path.exists(path))
