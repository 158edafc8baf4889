"""Fit sin(x) on [-pi, pi] with a cubic a + b x + c x^2 + d x^3 by gradient descent on the summed squared error,
with autograd computing the four gradients. (Our own script, in the style of the introductory tutorials.)"""

import math

import torch

torch.manual_seed(0)
dtype = torch.float64

x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)
print("samples:", x.shape, "target range:", round(y.min().item(), 6), round(y.max().item(), 6))

a = torch.randn((), dtype=dtype, requires_grad=True)
b = torch.randn((), dtype=dtype, requires_grad=True)
c = torch.randn((), dtype=dtype, requires_grad=True)
d = torch.randn((), dtype=dtype, requires_grad=True)
print("initial coefficients:", a, b, c, d)

learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x**2 + d * x.pow(3)
    loss = (y_pred - y).square().sum()
    if t % 250 == 249:
        print(f"step {t + 1}: loss {loss.item():.4f}")
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= learning_rate * p.grad
            p.grad = None

print(f"Result: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")
print("last loss node:", type(loss.grad_fn).__name__, "<-", type(loss.grad_fn.next_functions[0][0]).__name__)

# how close the fit is, measured a few ways
with torch.no_grad():
    residual = y_pred - y
    print("max |error|:", round(residual.abs().max().item(), 4))
    print("rms error:", round(residual.square().mean().sqrt().item(), 4))
    print("L2 norm of the error:", round(torch.linalg.vector_norm(residual).item(), 4))
    print("error std:", round(residual.std().item(), 4))
    probe = torch.tensor([-math.pi / 2, 0.0, math.pi / 4, 1.0], dtype=dtype)
    fit = a + b * probe + c * probe**2 + d * probe**3
    print("sin at the probes: ", torch.sin(probe))
    print("cubic at the probes:", fit)
    print("cos at the probes: ", torch.cos(probe))
    print("cubic's slope:     ", b + 2 * c * probe + 3 * d * probe.square())
