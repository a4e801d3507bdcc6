// The head of the bundled torchvision.models: imports, and blocks several families share.
export const common = String.raw`# torchvision.models as NormLens reads them: the architectures of the published configurations
# (the papers and torchvision's documented block settings), written for NormLens's interpreter with
# torchvision's module names, so that model.fc = nn.Linear(...), model.classifier[1] and
# freezing loops address the same modules. Weights are never loaded: weights= / pretrained=
# only fix num_classes at 1000 as torchvision does. Not torchvision's source.
import math
from collections import OrderedDict
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class Conv2dNormActivation(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        if padding is None:
            padding = (kernel_size - 1) // 2 * dilation
        if bias is None:
            bias = norm_layer is None
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation, groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(inplace=inplace))
        super().__init__(*layers)


class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, x):
        scale = self.avgpool(x)
        scale = self.activation(self.fc1(scale))
        scale = self.scale_activation(self.fc2(scale))
        return scale * x


class StochasticDepth(nn.Module):
    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, x):
        return x


def _weights_classes(weights, pretrained, kwargs):
    # With weights, torchvision builds the 1000-class ImageNet model: another num_classes raises.
    if weights is not None or pretrained:
        if "num_classes" in kwargs and kwargs["num_classes"] != 1000:
            raise ValueError("The parameter 'num_classes' expected value 1000 but got another value instead.")
        kwargs["num_classes"] = 1000
    return kwargs
`;
