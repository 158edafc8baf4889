"""An nn.Module with two layers (Linear -> ReLU -> Linear) fitted to y = x^2 on [-1, 1]."""

# ruff: noqa: UP008 - tutorial style, kept as learners write it

import torch
import torch.nn as nn


class NeuralNet(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(NeuralNet, self).__init__()
        self.l1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        out = self.l1(x)
        out = self.relu(out)
        out = self.l2(out)
        return out


torch.manual_seed(7)
model = NeuralNet(input_size=1, hidden_size=8, output_size=1)
print(model)
for name, param in model.named_parameters():
    print(name, param.shape, param.requires_grad)

X = torch.linspace(-1, 1, 21).view(-1, 1)
Y = X ** 2
print(X.shape, Y.shape)

criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

for epoch in range(200):
    outputs = model(X)
    loss = criterion(outputs, Y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 40 == 0:
        print(f"epoch [{epoch + 1}/200], loss: {loss.item():.4f}")

with torch.no_grad():
    preds = model(torch.tensor([[-0.5], [0.0], [0.5]]))
print(preds)
print(torch.max(preds, 0))
best, where = preds.min(dim=0)
print(f"lowest prediction {best.item():.3f} at row {where.item()}")
print(model(torch.tensor([0.5])))
print(model.l1.weight.grad.shape)
