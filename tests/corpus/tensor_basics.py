"""Tensor basics: shapes, dtypes, views, indexing and the trip to and from NumPy."""

import numpy as np
import torch

x = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
print(x)
print(x.shape, x.size(), x.dtype)
print(x.shape[0], len(x.shape), x.shape == (4, 1))
rows, cols = x.shape
print(rows, cols)

v = torch.arange(6)
print(v, v.dtype)
print(v.view(2, 3))
print(v.view(-1, 1).shape)
print(v.view(2, -1)[1][2])

torch.manual_seed(3)
r = torch.rand(2, 3)
print(r)
print(r[0], r[:, 1], r[1, 2].item() < 1.0)

n = np.ones(3)
t = torch.from_numpy(n)
print(t)
n += 1
print(t)
a = torch.ones(5)
b = a.numpy()
print(type(b).__name__, b)
a.add_(1)
print(b)

z = torch.zeros(2, 2, dtype=torch.float64)
print(z)
print(z.dtype, torch.float32, torch.int64)
print(torch.tensor([1.5, 2.25]) * torch.tensor([2, 4]))
print(torch.tensor([0.1, 0.7, 0.5]).round())
print(torch.tensor(3.14159))
print(torch.tensor([1e-5, 1.0, 100.0]))
print(x.view(-1), x.view(-1).shape)
