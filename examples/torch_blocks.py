"""A small residual CNN built from blocks: the module tree as torchinfo prints it.

Open the NormLens panel on `model` and choose "Module tree" to fold the blocks: each Block holds a
convolution, a BatchNorm2d and a shortcut; `stages` holds the blocks. Every BatchNorm2d here
normalizes each channel over the batch, height and width.
"""
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU()
        self.shortcut = nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
            nn.BatchNorm2d(cout),
        )

    def forward(self, x):
        return self.act(self.bn(self.conv(x)) + self.shortcut(x))


class BlockNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()
        )
        self.stages = nn.Sequential(Block(16, 32, 2), Block(32, 64, 2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(64, classes)

    def forward(self, x):
        x = self.stages(self.stem(x))
        return self.head(torch.flatten(self.pool(x), 1))


model = BlockNet()
logits = model(torch.randn(8, 3, 32, 32))
