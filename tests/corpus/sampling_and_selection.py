"""Draw from a few distributions, pick and rearrange elements, and batch a few products: the random streams
after manual_seed, and what the selection ops return. (Our own script, in the style of the tensor tutorials.)"""

import torch

torch.manual_seed(42)
noise = torch.normal(0.0, 0.5, size=(2, 3))
print("normal(0, 0.5):", noise)
print("normal around a mean tensor:", torch.normal(torch.arange(4.0), 0.1))
print("normal with tensor std:", torch.normal(1.0, torch.tensor([0.1, 1.0, 10.0])))
probs = torch.tensor([0.1, 0.6, 0.3])
print("multinomial with replacement:", torch.multinomial(probs, 8, replacement=True))
print("multinomial without:", torch.multinomial(probs, 3))
print("coin flips:", torch.bernoulli(torch.full((8,), 0.3)))
print("exponential:", torch.empty(4).exponential_(2.0))
print("random integers:", torch.empty(6, dtype=torch.int64).random_(0, 10))

g = torch.Generator().manual_seed(7)
print("with a generator:", torch.normal(torch.zeros(3), 1.0, generator=g), torch.multinomial(probs, 2, generator=g))

scores = torch.randn(3, 5)
values, indices = scores.topk(2, dim=1)
print("top-2 per row:", values, indices, sep="\n")
ordered, order = torch.sort(scores[0], descending=True)
print("sorted first row:", ordered, order)
print("argsort:", scores.argsort(dim=0))
print("gather the argmax:", scores.gather(1, scores.argmax(dim=1, keepdim=True)))
one_hot = torch.zeros(3, 5).scatter_(1, indices[:, :1], 1.0)
print("one-hot of the best:", one_hot)
print("masked:", scores.masked_fill(one_hot.bool(), float("-inf")))
print("cumulative:", scores[0].cumsum(0), scores[0].cumprod(0))
print("chunks:", [c.shape for c in scores.chunk(2, dim=1)], "split:", [s.shape for s in scores.split([1, 4], 1)])
print("stats:", scores.var(), scores.std(dim=1), scores.norm(), scores.norm(1, dim=0), scores.logsumexp(1))

a = torch.randn(2, 3, 4, requires_grad=True)
b = torch.randn(2, 4, 2, requires_grad=True)
out = torch.bmm(a, b)
same = torch.einsum("bij,bjk->bik", a, b)
print("bmm:", out.shape, type(out.grad_fn).__name__, "einsum agrees:", torch.allclose(out, same))
loss = (out.tril() ** 2).sum()
loss.backward()
print("grad norms:", a.grad.norm().item() > 0, b.grad.norm().item() > 0, type(loss.grad_fn).__name__)
