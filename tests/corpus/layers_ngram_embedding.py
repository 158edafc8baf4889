"""An N-gram (trigram) language model: the embeddings of the two previous words, concatenated, predict the next
word. Tiny vocabulary, one-hot targets and a logistic loss; embeddings looked up with nn.Embedding."""

# ruff: noqa: UP008 - tutorial style, kept as learners write it

import torch
import torch.nn as nn

CONTEXT_SIZE = 2
EMBEDDING_DIM = 8
text = """the cat sat on the mat and the dog sat on the log while the cat and the dog slept""".split()
vocab = sorted(set(text))
word_to_ix = {w: i for i, w in enumerate(vocab)}
ngrams = [([text[i - j - 1] for j in range(CONTEXT_SIZE)], text[i]) for i in range(CONTEXT_SIZE, len(text))]
print(len(vocab), "words;", len(ngrams), "trigrams; first:", ngrams[0])


class NGramLanguageModeler(nn.Module):
    def __init__(self, vocab_size, embedding_dim, context_size):
        super(NGramLanguageModeler, self).__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.linear1 = nn.Linear(context_size * embedding_dim, 32)
        self.norm = nn.LayerNorm(32)
        self.linear2 = nn.Linear(32, vocab_size)

    def forward(self, inputs):
        embeds = self.embeddings(inputs).view(inputs.shape[0], -1)
        out = torch.relu(self.norm(self.linear1(embeds)))
        return self.linear2(out)


torch.manual_seed(1)
model = NGramLanguageModeler(len(vocab), EMBEDDING_DIM, CONTEXT_SIZE)
print(model)
print(model.embeddings.weight[:3])

contexts = torch.tensor([[word_to_ix[w] for w in ctx] for ctx, _ in ngrams])
targets = torch.zeros(len(ngrams), len(vocab))
for i, (_, nxt) in enumerate(ngrams):
    targets[i, word_to_ix[nxt]] = 1.0
print(contexts.shape, contexts.dtype, targets.shape)

loss_function = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(5):
    model.zero_grad()
    loss = loss_function(model(contexts), targets)
    loss.backward()
    optimizer.step()
    print(f"epoch {epoch}: loss {loss.item():.4f}")

print(model.embeddings.weight.grad[0])
print(model(contexts).grad_fn)
with torch.no_grad():
    guess = model(contexts[:4]).argmax(dim=1)
print([vocab[i] for i in guess.tolist()])
pretrained = nn.Embedding.from_pretrained(model.embeddings.weight.detach()[:4], freeze=True)
print(pretrained, pretrained.weight.requires_grad)
