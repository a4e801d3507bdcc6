"""A small PyTorch CNN: what does BatchNorm2d normalize?

BatchNorm2d(16) keeps one mean, variance, weight (γ) and bias (β) per channel and averages over the
batch, height and width. PyTorch counts weight and bias as parameters (2 × 16) and the running
statistics as buffers. Hover over BatchNorm2d to see it for this model.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCNN(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32 * 8 * 8, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.fc(torch.flatten(x, 1))


model = SmallCNN()
logits = model(torch.randn(8, 3, 32, 32))
