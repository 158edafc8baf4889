"""A tiny causal self-attention block from matmul and softmax, with an additive -inf mask (the future is hidden),
trained for a few steps to copy the previous token's embedding."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
T, D = 5, 8  # sequence length, model width


class CausalSelfAttention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.query = nn.Linear(d, d, bias=False)
        self.key = nn.Linear(d, d, bias=False)
        self.value = nn.Linear(d, d, bias=False)
        self.out = nn.Linear(d, d)
        self.scale = 1.0 / math.sqrt(d)

    def forward(self, x, mask):
        q, k, v = self.query(x), self.key(x), self.value(x)
        scores = torch.matmul(q, k.transpose(-2, -1)) * self.scale + mask
        weights = F.softmax(scores, dim=-1)
        return self.out(torch.matmul(weights, v)), weights


mask = torch.tensor([[0.0 if j <= i else float("-inf") for j in range(T)] for i in range(T)])
print("mask:")
print(mask)

block = CausalSelfAttention(D)
print(block)
x = torch.randn(3, T, D)
target = torch.cat([torch.zeros(3, 1, D), x[:, :-1]], dim=1)  # the previous position's input

optimizer = torch.optim.SGD(block.parameters(), lr=0.05)
for step in range(1, 31):
    y, weights = block(x, mask)
    loss = F.smooth_l1_loss(y, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 10 == 0:
        print(f"step {step}: loss {loss.item():.4f}")

y, weights = block(x, mask)
print("attention weights of the first sequence:")
print(weights[0].detach().round(decimals=3))
print("rows sum to one:", torch.allclose(weights.sum(-1), torch.ones(3, T)))
print("nothing attends to the future:", all(weights[0, i, j].item() == 0 for i in range(T) for j in range(i + 1, T)))
print("output grad_fn:", type(y.grad_fn).__name__, "weights grad_fn:", type(weights.grad_fn).__name__)
