"""Mini-batch training of a linear model with TensorDataset, a shuffling DataLoader and a StepLR schedule."""

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)
X = torch.randn(64, 3)
true_w = torch.tensor([[1.5], [-2.0], [0.5]])
Y = X @ true_w + 0.1 * torch.randn(64, 1)

dataset = TensorDataset(X, Y)
loader = DataLoader(dataset, batch_size=16, shuffle=True)
print(len(dataset), len(loader))

model = nn.Linear(3, 1)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = StepLR(optimizer, step_size=3, gamma=0.5)

for epoch in range(8):
    total = 0.0
    for i, (xb, yb) in enumerate(loader):
        if epoch == 0 and i == 0:
            print(xb.shape, yb.shape, xb.dtype)
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.shape[0]
    scheduler.step()
    print(f"epoch {epoch}: loss {total / len(dataset):.4f} lr {scheduler.get_last_lr()[0]:.4f}")

print([round(v, 3) for v in model.weight.detach().flatten().tolist()])
print(scheduler.state_dict()["last_epoch"], scheduler.state_dict()["_step_count"])

# a second loader with its own generator gives a reproducible order
g = torch.Generator().manual_seed(7)
order = DataLoader(TensorDataset(torch.arange(10)), batch_size=4, shuffle=True, generator=g, drop_last=True)
print([batch[0].tolist() for batch in order])
