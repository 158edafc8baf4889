"""Autograd basics: requires_grad, grad_fn, backward (scalar and vector-weighted), no_grad, detach."""

import torch

torch.manual_seed(42)

x = torch.randn(3, requires_grad=True)
print(x)

y = x + 2
print(y)
print(y.grad_fn)

z = y * y * 3
print(z)
out = z.mean()
print(out)

out.backward()  # dout/dx = 6 * (x + 2) / 3
print(x.grad)

# z is not a scalar: backward needs the vector of a vector-Jacobian product
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = x * x * 2
v = torch.tensor([0.1, 1.0, 0.001], dtype=torch.float32)
z.backward(v)
print(x.grad)

# three ways to stop tracking
a = torch.randn(2, 2)
print(a.requires_grad)
a = (a * 3) / (a - 1)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)
print(b.requires_grad)

w = torch.ones(4, requires_grad=True)
w.requires_grad_(False)
print(w)
w.requires_grad_(True)
d = w.detach()
print(d, d.requires_grad)
with torch.no_grad():
    e = w + 2
    print(e)
print(e.requires_grad)

# gradients accumulate until they are zeroed
weights = torch.ones(4, requires_grad=True)
for _ in range(3):
    model_output = (weights * 3).sum()
    model_output.backward()
    print(weights.grad)
    weights.grad.zero_()
print(weights.grad)
