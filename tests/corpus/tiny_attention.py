"""One head of causal self-attention written out by hand: scores with bmm, the future hidden with masked_fill,
weights with softmax, the mix with bmm again. Trained to output the running mean of the inputs seen so far,
which a causal head can do exactly by spreading its weight evenly over the past."""

import torch
import torch.nn as nn

torch.manual_seed(3)
B, T, D = 4, 6, 4  # batch, sequence length, width

# position j is in the future of position i when j > i: those scores are masked out
future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
print("future mask:")
print(future.int())


class Head(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.q = nn.Linear(width, width, bias=False)
        self.k = nn.Linear(width, width, bias=False)
        self.v = nn.Linear(width, width, bias=False)
        self.width = width

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        scores = torch.bmm(q, k.transpose(1, 2)) / self.width ** 0.5  # (B, T, T)
        scores = scores.masked_fill(future, float("-inf"))
        attn = torch.softmax(scores, dim=-1)
        return torch.bmm(attn, v), attn


head = Head(D)
x = torch.randn(B, T, D)
counts = torch.arange(1, T + 1, dtype=torch.float32).view(1, T, 1)
target = x.cumsum(dim=1) / counts  # the mean of x[:, :i+1] at position i
print("x:", tuple(x.shape), "target:", tuple(target.shape))

out, attn = head(x)
print("out:", tuple(out.shape), "attn:", tuple(attn.shape))
print("graph:", out.grad_fn.name(), "<-", attn.grad_fn.name(), "<-", attn.grad_fn.next_functions[0][0].name())
print("first row of the first sequence:", attn[0, 0].tolist())

optimizer = torch.optim.Adam(head.parameters(), lr=0.05)
for step in range(1, 61):
    out, attn = head(x)
    loss = ((out - target) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 15 == 0:
        print(f"step {step:2d}  loss {loss.item():.5f}")

with torch.no_grad():
    out, attn = head(x)
print("weights of the first sequence:")
print(attn[0].round(decimals=3))
print("masked weights are exactly zero:", bool((attn.masked_select(future) == 0).all()))
print("rows sum to one:", torch.allclose(attn.sum(dim=-1), torch.ones(B, T)))
print("gradient of the query weights:", tuple(head.q.weight.grad.shape), head.q.weight.grad.abs().sum() > 0)
