"""A two-layer net in the pre-0.4 style: Variable wrappers, FloatTensor, manual updates through .data."""

import torch
from torch.autograd import Variable

dtype = torch.FloatTensor
torch.manual_seed(1)

N, D_in, H, D_out = 16, 10, 20, 2
x = Variable(torch.randn(N, D_in).type(dtype), requires_grad=False)
y = Variable(torch.randn(N, D_out).type(dtype), requires_grad=False)
w1 = Variable(torch.randn(D_in, H).type(dtype), requires_grad=True)
w2 = Variable(torch.randn(H, D_out).type(dtype), requires_grad=True)
print(isinstance(x, Variable), type(x).__name__, x.type(), w1.requires_grad, x.requires_grad)
print(x.ndimension(), x.nelement(), torch.is_tensor(w1), torch.numel(w2))

learning_rate = 1e-3
for t in range(50):
    y_pred = x.mm(w1).clamp(min=0).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 10 == 0:
        print(t, round(loss.item(), 2))
    loss.backward()
    w1.data -= learning_rate * w1.grad.data
    w2.data -= learning_rate * w2.grad.data
    w1.grad.data.zero_()
    w2.grad.data.zero_()

z = torch.LongTensor([1, 2, 3])
e = torch.FloatTensor(2, 3).zero_()
print(z, z.dtype, e, torch.DoubleTensor([0.5]).dtype)
print(w1.new_zeros(2, 2), w1.new_ones((1, 3)).dtype, z.new_full((2,), 7))
with torch.inference_mode():
    print((w1 * 2).requires_grad)
