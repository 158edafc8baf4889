"""Fit a cubic with four scalar parameters, three times: plain SGD, then RMSprop, then Adam (swap one line)."""

import torch

torch.manual_seed(0)
x = torch.linspace(-2, 2, 200)
y = 0.5 - 1.2 * x + 0.3 * x**2 + 0.4 * x**3


def fit(make_optimizer, steps):
    a = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    c = torch.zeros((), requires_grad=True)
    d = torch.zeros((), requires_grad=True)
    optimizer = make_optimizer([a, b, c, d])
    print(optimizer)
    for t in range(steps):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).mean()
        if t % 100 == 99:
            print(f"step {t + 1}: loss = {loss.item():.4f}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"result: y = {a.item():.3f} + {b.item():.3f} x + {c.item():.3f} x^2 + {d.item():.3f} x^3")
    return optimizer


fit(lambda p: torch.optim.SGD(p, lr=0.01), 300)
fit(lambda p: torch.optim.RMSprop(p, lr=0.003), 300)
opt = fit(lambda p: torch.optim.Adam(p, lr=0.05), 300)
state = opt.state_dict()
print(sorted(state["state"][0].keys()), state["state"][0]["step"])
print(state["param_groups"][0]["betas"], state["param_groups"][0]["params"])
