"""A small CNN (LeNet-like) on random 1x32x32 "images": two conv/pool stages, batch norm, dropout, a linear head.
It learns to tell images with a bright centre square from the others, with SGD and a logistic loss."""

# ruff: noqa: UP008 - tutorial style, kept as learners write it

import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCNN(nn.Module):
    def __init__(self):
        super(SmallCNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.bn1 = nn.BatchNorm2d(6)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5, padding=1)
        self.gap = nn.AdaptiveAvgPool2d((2, 2))
        self.drop = nn.Dropout(0.25)
        self.fc = nn.Linear(16 * 2 * 2, 1)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = self.pool(F.relu(self.conv2(x)))
        x = self.gap(x)
        x = torch.flatten(x, 1)
        x = self.drop(x)
        return self.fc(x)


torch.manual_seed(0)
net = SmallCNN()
print(net)
for name, p in net.named_parameters():
    print(name, tuple(p.shape))
print([name for name, _ in net.named_buffers()])

images = torch.randn(16, 1, 32, 32)
labels = (torch.arange(16) % 2).float().view(-1, 1)
images[labels.view(-1) == 1, :, 12:20, 12:20] += 2.0
print(images.shape, labels.shape)

out = net(images)
print(out.shape, out.grad_fn)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
for epoch in range(6):
    optimizer.zero_grad()
    loss = criterion(net(images), labels)
    loss.backward()
    optimizer.step()
    print(f"epoch {epoch + 1}, loss {loss.item():.4f}")
print(net.conv1.weight.grad.shape, net.bn1.running_mean.shape, net.bn1.num_batches_tracked)
print(f"running mean[0] {net.bn1.running_mean[0].item():.4f}")

net.eval()
with torch.no_grad():
    pred = (net(images) > 0).float()
print("accuracy", (pred == labels).float().mean().item())
pooled, idx = F.max_pool2d(images[:1, :, :4, :4], 2, return_indices=True)
print(idx)
