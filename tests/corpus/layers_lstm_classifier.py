"""An LSTM sequence classifier: embed token ids, run a bidirectional LSTM (batch_first), classify from the final
hidden states. Toy task: is token 1 in the sequence?"""

# ruff: noqa: UP008 - tutorial style, kept as learners write it

import torch
import torch.nn as nn


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim):
        super(LSTMClassifier, self).__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_dim, 1)

    def forward(self, tokens):
        embedded = self.embedding(tokens)
        output, (h_n, _) = self.lstm(embedded)
        final = torch.cat([h_n[0], h_n[1]], dim=1)
        return self.fc(final), output


torch.manual_seed(42)
model = LSTMClassifier(vocab_size=10, embed_dim=6, hidden_dim=8)
print(model)
for name, p in model.lstm.named_parameters():
    print(name, list(p.shape))

tokens = torch.randint(2, 10, (12, 7))
tokens[::2, 3] = 1
labels = ((tokens == 1).float().sum(dim=1) > 0).float().view(-1, 1)
print(tokens[:2])
print(labels.view(-1))

criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(6):
    optimizer.zero_grad()
    logits, output = model(tokens)
    loss = criterion(logits, labels)
    loss.backward()
    optimizer.step()
    print(f"epoch {epoch + 1}: loss {loss.item():.4f}")
print(output.shape, logits.shape)

state = model.state_dict()
print(list(state)[:6])
fresh = LSTMClassifier(vocab_size=10, embed_dim=6, hidden_dim=8)
print(fresh.load_state_dict(state))
with torch.no_grad():
    same = torch.equal(fresh(tokens)[0], model(tokens)[0])
print("reloaded model agrees:", same)
