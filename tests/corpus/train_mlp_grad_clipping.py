"""An MLP trained with Adam and gradient clipping (clip_grad_norm_, then clip_grad_value_)."""

import torch
import torch.nn as nn

torch.manual_seed(3)
X = torch.randn(32, 4)
Y = (X[:, :1] * X[:, 1:2] > 0).float()

model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=1e-4)
print(optimizer)

for step in range(60):
    optimizer.zero_grad()
    loss = criterion(model(X), Y)
    loss.backward()
    total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.1)
    if step % 10 == 0:
        print(f"step {step}: loss {loss.item():.3f} grad norm {total_norm.item():.3f}")
    optimizer.step()

optimizer.zero_grad()
criterion(model(X), Y).backward()
torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
print(max(p.grad.abs().max().item() for p in model.parameters()) <= 0.01)
vec = torch.nn.utils.parameters_to_vector(model.parameters())
print(vec.shape, vec.grad_fn is not None)
with torch.no_grad():
    accuracy = ((model(X) > 0).float() == Y).float().mean()
print(f"accuracy {accuracy.item():.3f}")
