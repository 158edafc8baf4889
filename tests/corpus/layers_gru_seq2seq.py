"""A GRU sequence-to-sequence toy: an encoder GRU reads a short sequence of numbers, a decoder GRU (fed the previous
target, teacher forcing) writes it reversed. Regression with MSE."""

# ruff: noqa: UP008 - tutorial style, kept as learners write it

import torch
import torch.nn as nn


class Seq2Seq(nn.Module):
    def __init__(self, hidden):
        super(Seq2Seq, self).__init__()
        self.encoder = nn.GRU(1, hidden, num_layers=2, dropout=0.1)
        self.decoder = nn.GRU(1, hidden, num_layers=2)
        self.cell = nn.GRUCell(1, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, src, tgt_in):
        _, h = self.encoder(src)
        out, _ = self.decoder(tgt_in, h)
        return self.head(out)


torch.manual_seed(5)
model = Seq2Seq(12)
print(model)
print(sum(p.numel() for p in model.parameters()), "parameters")

src = torch.rand(5, 8, 1)
tgt = src[torch.arange(4, -1, -1)]
tgt_in = torch.cat([torch.zeros(1, 8, 1), tgt[:-1]], dim=0)
print(src.shape, tgt.shape, tgt_in.shape)

criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(10):
    optimizer.zero_grad()
    pred = model(src, tgt_in)
    loss = criterion(pred, tgt)
    loss.backward()
    optimizer.step()
    if epoch % 3 == 0:
        print(f"epoch {epoch}: loss {loss.item():.5f}")

model.eval()
with torch.no_grad():
    h = model.cell(src[0], torch.zeros(8, 12))
    print(h.shape)
    print(model(src, tgt_in)[:, 0, 0])
