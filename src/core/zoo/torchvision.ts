// The bundled Python source of `torchvision.models` that NormLens's interpreter runs when a file
// calls a torchvision model builder (see src/core/zoo/index.ts). Kept as Python, in a raw string,
// so that it reads and diffs as the model code it is.
export const torchvisionModels = String.raw`# torchvision.models as NormLens reads them: the architectures of the published configurations
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


# ResNet, ResNeXt, Wide ResNet (He et al. 2015; Xie et al. 2017; Zagoruyko & Komodakis 2016)

def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups, bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out = out + identity
        return self.relu(out)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out = out + identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64, replace_stride_with_dilation=None, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride), norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, previous_dilation, norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups, base_width=self.base_width, dilation=self.dilation, norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def _resnet(block, layers, weights, pretrained, kwargs):
    return ResNet(block, layers, **_weights_classes(weights, pretrained, kwargs))


def resnet18(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(BasicBlock, [2, 2, 2, 2], weights, pretrained, kwargs)


def resnet34(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(BasicBlock, [3, 4, 6, 3], weights, pretrained, kwargs)


def resnet50(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, pretrained, kwargs)


def resnet101(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, pretrained, kwargs)


def resnet152(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(Bottleneck, [3, 8, 36, 3], weights, pretrained, kwargs)


def resnext50_32x4d(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, pretrained, dict(kwargs, groups=32, width_per_group=4))


def resnext101_32x8d(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, pretrained, dict(kwargs, groups=32, width_per_group=8))


def resnext101_64x4d(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, pretrained, dict(kwargs, groups=64, width_per_group=4))


def wide_resnet50_2(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, pretrained, dict(kwargs, width_per_group=128))


def wide_resnet101_2(pretrained=False, progress=True, weights=None, **kwargs):
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, pretrained, dict(kwargs, width_per_group=128))


# VGG (Simonyan & Zisserman 2014): configurations A, B, D, E

_vgg_cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)


def _vgg(cfg, batch_norm, weights, pretrained, kwargs):
    return VGG(make_layers(_vgg_cfgs[cfg], batch_norm=batch_norm), **_weights_classes(weights, pretrained, kwargs))


def vgg11(pretrained=False, progress=True, weights=None, **kwargs):
    return _vgg("A", False, weights, pretrained, kwargs)


def vgg11_bn(pretrained=False, progress=True, weights=None, **kwargs):
    return _vgg("A", True, weights, pretrained, kwargs)


def vgg13(pretrained=False, progress=True, weights=None, **kwargs):
    return _vgg("B", False, weights, pretrained, kwargs)


def vgg13_bn(pretrained=False, progress=True, weights=None, **kwargs):
    return _vgg("B", True, weights, pretrained, kwargs)


def vgg16(pretrained=False, progress=True, weights=None, **kwargs):
    return _vgg("D", False, weights, pretrained, kwargs)


def vgg16_bn(pretrained=False, progress=True, weights=None, **kwargs):
    return _vgg("D", True, weights, pretrained, kwargs)


def vgg19(pretrained=False, progress=True, weights=None, **kwargs):
    return _vgg("E", False, weights, pretrained, kwargs)


def vgg19_bn(pretrained=False, progress=True, weights=None, **kwargs):
    return _vgg("E", True, weights, pretrained, kwargs)


# AlexNet (Krizhevsky et al. 2012, the one-GPU variant of "One weird trick")

class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def alexnet(pretrained=False, progress=True, weights=None, **kwargs):
    return AlexNet(**_weights_classes(weights, pretrained, kwargs))


# SqueezeNet 1.0 and 1.1 (Iandola et al. 2016)

class Fire(nn.Module):
    def __init__(self, inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes):
        super().__init__()
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.squeeze_activation(self.squeeze(x))
        return torch.cat([self.expand1x1_activation(self.expand1x1(x)), self.expand3x3_activation(self.expand3x3(x))], 1)


class SqueezeNet(nn.Module):
    def __init__(self, version="1_0", num_classes=1000, dropout=0.5):
        super().__init__()
        self.num_classes = num_classes
        if version == "1_0":
            self.features = nn.Sequential(
                nn.Conv2d(3, 96, kernel_size=7, stride=2),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
                Fire(96, 16, 64, 64),
                Fire(128, 16, 64, 64),
                Fire(128, 32, 128, 128),
                nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
                Fire(256, 32, 128, 128),
                Fire(256, 48, 192, 192),
                Fire(384, 48, 192, 192),
                Fire(384, 64, 256, 256),
                nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
                Fire(512, 64, 256, 256),
            )
        else:
            self.features = nn.Sequential(
                nn.Conv2d(3, 64, kernel_size=3, stride=2),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
                Fire(64, 16, 64, 64),
                Fire(128, 16, 64, 64),
                nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
                Fire(128, 32, 128, 128),
                Fire(256, 32, 128, 128),
                nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
                Fire(256, 48, 192, 192),
                Fire(384, 48, 192, 192),
                Fire(384, 64, 256, 256),
                Fire(512, 64, 256, 256),
            )
        final_conv = nn.Conv2d(512, self.num_classes, kernel_size=1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), final_conv, nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d((1, 1)))

    def forward(self, x):
        return torch.flatten(self.classifier(self.features(x)), 1)


def squeezenet1_0(pretrained=False, progress=True, weights=None, **kwargs):
    return SqueezeNet("1_0", **_weights_classes(weights, pretrained, kwargs))


def squeezenet1_1(pretrained=False, progress=True, weights=None, **kwargs):
    return SqueezeNet("1_1", **_weights_classes(weights, pretrained, kwargs))


# DenseNet (Huang et al. 2016)

class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size, drop_rate, memory_efficient=False):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)

    def forward(self, features):
        x = torch.cat(features, 1)
        x = self.conv1(self.relu1(self.norm1(x)))
        return self.conv2(self.relu2(self.norm2(x)))


class _DenseBlock(nn.Module):
    def __init__(self, num_layers, num_input_features, bn_size, growth_rate, drop_rate, memory_efficient=False):
        super().__init__()
        for i in range(num_layers):
            self.add_module("denselayer%d" % (i + 1), _DenseLayer(num_input_features + i * growth_rate, growth_rate, bn_size, drop_rate))

    def forward(self, init_features):
        features = [init_features]
        for layer in self.children():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    def __init__(self, growth_rate=32, block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4, drop_rate=0, num_classes=1000, memory_efficient=False):
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False))
        self.features.add_module("norm0", nn.BatchNorm2d(num_init_features))
        self.features.add_module("relu0", nn.ReLU(inplace=True))
        self.features.add_module("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = _DenseBlock(num_layers=num_layers, num_input_features=num_features, bn_size=bn_size, growth_rate=growth_rate, drop_rate=drop_rate)
            self.features.add_module("denseblock%d" % (i + 1), block)
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                trans = _Transition(num_input_features=num_features, num_output_features=num_features // 2)
                self.features.add_module("transition%d" % (i + 1), trans)
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)

    def forward(self, x):
        features = self.features(x)
        out = nn.functional.relu(features, inplace=True)
        out = nn.functional.adaptive_avg_pool2d(out, (1, 1))
        return self.classifier(torch.flatten(out, 1))


def _densenet(growth_rate, block_config, num_init_features, weights, pretrained, kwargs):
    return DenseNet(growth_rate, block_config, num_init_features, **_weights_classes(weights, pretrained, kwargs))


def densenet121(pretrained=False, progress=True, weights=None, **kwargs):
    return _densenet(32, (6, 12, 24, 16), 64, weights, pretrained, kwargs)


def densenet161(pretrained=False, progress=True, weights=None, **kwargs):
    return _densenet(48, (6, 12, 36, 24), 96, weights, pretrained, kwargs)


def densenet169(pretrained=False, progress=True, weights=None, **kwargs):
    return _densenet(32, (6, 12, 32, 32), 64, weights, pretrained, kwargs)


def densenet201(pretrained=False, progress=True, weights=None, **kwargs):
    return _densenet(32, (6, 12, 48, 32), 64, weights, pretrained, kwargs)


# MobileNetV2 (Sandler et al. 2018)

class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(Conv2dNormActivation(inp, hidden_dim, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.ReLU6))
        layers.append(Conv2dNormActivation(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim, norm_layer=norm_layer, activation_layer=nn.ReLU6))
        layers.append(nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False))
        layers.append(norm_layer(oup))
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup

    def forward(self, x):
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes=1000, width_mult=1.0, inverted_residual_setting=None, round_nearest=8, block=None, norm_layer=None, dropout=0.2):
        super().__init__()
        if block is None:
            block = _V2InvertedResidual
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        input_channel = 32
        last_channel = 1280
        if inverted_residual_setting is None:
            inverted_residual_setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]
        input_channel = _make_divisible(input_channel * width_mult, round_nearest)
        self.last_channel = _make_divisible(last_channel * max(1.0, width_mult), round_nearest)
        features = [Conv2dNormActivation(3, input_channel, stride=2, norm_layer=norm_layer, activation_layer=nn.ReLU6)]
        for t, c, n, s in inverted_residual_setting:
            output_channel = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                stride = s if i == 0 else 1
                features.append(block(input_channel, output_channel, stride, expand_ratio=t, norm_layer=norm_layer))
                input_channel = output_channel
        features.append(Conv2dNormActivation(input_channel, self.last_channel, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = nn.functional.adaptive_avg_pool2d(x, (1, 1))
        return self.classifier(torch.flatten(x, 1))


def mobilenet_v2(pretrained=False, progress=True, weights=None, **kwargs):
    return MobileNetV2(**_weights_classes(weights, pretrained, kwargs))


# Both torchvision files name their block InvertedResidual: V2 keeps its own under another name.
_V2InvertedResidual = InvertedResidual


# MobileNetV3 Large and Small (Howard et al. 2019)

class InvertedResidual(nn.Module):
    def __init__(self, input_channels, kernel, expanded_channels, out_channels, use_se, activation, stride, dilation, norm_layer):
        super().__init__()
        self.use_res_connect = stride == 1 and input_channels == out_channels
        activation_layer = nn.Hardswish if activation == "HS" else nn.ReLU
        layers = []
        if expanded_channels != input_channels:
            layers.append(Conv2dNormActivation(input_channels, expanded_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=activation_layer))
        if dilation > 1:
            stride = 1
        layers.append(Conv2dNormActivation(expanded_channels, expanded_channels, kernel_size=kernel, stride=stride, dilation=dilation, groups=expanded_channels, norm_layer=norm_layer, activation_layer=activation_layer))
        if use_se:
            layers.append(SqueezeExcitation(expanded_channels, _make_divisible(expanded_channels // 4, 8), scale_activation=nn.Hardsigmoid))
        layers.append(Conv2dNormActivation(expanded_channels, out_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = out_channels

    def forward(self, x):
        result = self.block(x)
        if self.use_res_connect:
            result = result + x
        return result


class MobileNetV3(nn.Module):
    def __init__(self, inverted_residual_setting, last_channel, num_classes=1000, block=None, norm_layer=None, dropout=0.2):
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        first = inverted_residual_setting[0][0]
        layers = [Conv2dNormActivation(3, first, kernel_size=3, stride=2, norm_layer=norm_layer, activation_layer=nn.Hardswish)]
        for c in inverted_residual_setting:
            layers.append(InvertedResidual(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], norm_layer))
        lastconv_input_channels = inverted_residual_setting[-1][3]
        lastconv_output_channels = 6 * lastconv_input_channels
        layers.append(Conv2dNormActivation(lastconv_input_channels, lastconv_output_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(lastconv_output_channels, last_channel),
            nn.Hardswish(inplace=True),
            nn.Dropout(p=dropout, inplace=True),
            nn.Linear(last_channel, num_classes),
        )

    def forward(self, x):
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def _mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=False, dilated=False):
    rd = 2 if reduced_tail else 1
    dil = 2 if dilated else 1

    def ch(c):
        return _make_divisible(c * width_mult, 8)

    def conf(i, k, e, o, se, act, s, d):
        return [ch(i), k, ch(e), ch(o), se, act, s, d]

    if arch == "mobilenet_v3_large":
        setting = [
            conf(16, 3, 16, 16, False, "RE", 1, 1),
            conf(16, 3, 64, 24, False, "RE", 2, 1),
            conf(24, 3, 72, 24, False, "RE", 1, 1),
            conf(24, 5, 72, 40, True, "RE", 2, 1),
            conf(40, 5, 120, 40, True, "RE", 1, 1),
            conf(40, 5, 120, 40, True, "RE", 1, 1),
            conf(40, 3, 240, 80, False, "HS", 2, 1),
            conf(80, 3, 200, 80, False, "HS", 1, 1),
            conf(80, 3, 184, 80, False, "HS", 1, 1),
            conf(80, 3, 184, 80, False, "HS", 1, 1),
            conf(80, 3, 480, 112, True, "HS", 1, 1),
            conf(112, 3, 672, 112, True, "HS", 1, 1),
            conf(112, 5, 672, 160 // rd, True, "HS", 2, dil),
            conf(160 // rd, 5, 960 // rd, 160 // rd, True, "HS", 1, dil),
            conf(160 // rd, 5, 960 // rd, 160 // rd, True, "HS", 1, dil),
        ]
        last_channel = ch(1280 // rd)
    else:
        setting = [
            conf(16, 3, 16, 16, True, "RE", 2, 1),
            conf(16, 3, 72, 24, False, "RE", 2, 1),
            conf(24, 3, 88, 24, False, "RE", 1, 1),
            conf(24, 5, 96, 40, True, "HS", 2, 1),
            conf(40, 5, 240, 40, True, "HS", 1, 1),
            conf(40, 5, 240, 40, True, "HS", 1, 1),
            conf(40, 5, 120, 48, True, "HS", 1, 1),
            conf(48, 5, 144, 48, True, "HS", 1, 1),
            conf(48, 5, 288, 96 // rd, True, "HS", 2, dil),
            conf(96 // rd, 5, 576 // rd, 96 // rd, True, "HS", 1, dil),
            conf(96 // rd, 5, 576 // rd, 96 // rd, True, "HS", 1, dil),
        ]
        last_channel = ch(1024 // rd)
    return setting, last_channel


def mobilenet_v3_large(pretrained=False, progress=True, weights=None, **kwargs):
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_large")
    return MobileNetV3(setting, last_channel, **_weights_classes(weights, pretrained, kwargs))


def mobilenet_v3_small(pretrained=False, progress=True, weights=None, **kwargs):
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_small")
    return MobileNetV3(setting, last_channel, **_weights_classes(weights, pretrained, kwargs))


# EfficientNet B0–B7 (Tan & Le 2019)

class MBConv(nn.Module):
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, stochastic_depth_prob, norm_layer):
        super().__init__()
        self.use_res_connect = stride == 1 and input_channels == out_channels
        layers = []
        expanded_channels = _make_divisible(input_channels * expand_ratio, 8)
        if expanded_channels != input_channels:
            layers.append(Conv2dNormActivation(input_channels, expanded_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded_channels, expanded_channels, kernel_size=kernel, stride=stride, groups=expanded_channels, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(SqueezeExcitation(expanded_channels, max(1, input_channels // 4), activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded_channels, out_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = out_channels

    def forward(self, x):
        result = self.block(x)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result = result + x
        return result


class FusedMBConv(nn.Module):
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, stochastic_depth_prob, norm_layer):
        super().__init__()
        self.use_res_connect = stride == 1 and input_channels == out_channels
        layers = []
        expanded_channels = _make_divisible(input_channels * expand_ratio, 8)
        if expanded_channels != input_channels:
            layers.append(Conv2dNormActivation(input_channels, expanded_channels, kernel_size=kernel, stride=stride, norm_layer=norm_layer, activation_layer=nn.SiLU))
            layers.append(Conv2dNormActivation(expanded_channels, out_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=None))
        else:
            layers.append(Conv2dNormActivation(input_channels, out_channels, kernel_size=kernel, stride=stride, norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = out_channels

    def forward(self, x):
        result = self.block(x)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result = result + x
        return result


class EfficientNet(nn.Module):
    # stages: [block class, expand ratio, kernel, stride, input channels, output channels, layers]
    def __init__(self, stages, dropout, stochastic_depth_prob=0.2, num_classes=1000, norm_layer=None, last_channel=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        layers = [Conv2dNormActivation(3, stages[0][4], kernel_size=3, stride=2, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        total_stage_blocks = sum([st[6] for st in stages])
        stage_block_id = 0
        for block, e, k, s, i, o, n in stages:
            stage = []
            for j in range(n):
                sd_prob = stochastic_depth_prob * float(stage_block_id) / total_stage_blocks
                if j == 0:
                    stage.append(block(e, k, s, i, o, sd_prob, norm_layer))
                else:
                    stage.append(block(e, k, 1, o, o, sd_prob, norm_layer))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
        lastconv_input_channels = stages[-1][5]
        lastconv_output_channels = last_channel if last_channel is not None else 4 * lastconv_input_channels
        layers.append(Conv2dNormActivation(lastconv_input_channels, lastconv_output_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(lastconv_output_channels, num_classes))

    def forward(self, x):
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def _efficientnet(width_mult, depth_mult, dropout, weights, pretrained, kwargs, norm_layer=None):
    # EfficientNet-B0's stages, scaled: channels by width_mult (to multiples of 8), layers by depth_mult (rounded up).
    b0 = [[1, 3, 1, 32, 16, 1], [6, 3, 2, 16, 24, 2], [6, 5, 2, 24, 40, 2], [6, 3, 2, 40, 80, 3], [6, 5, 1, 80, 112, 3], [6, 5, 2, 112, 192, 4], [6, 3, 1, 192, 320, 1]]
    stages = []
    for e, k, s, i, o, n in b0:
        layers_f = n * depth_mult
        layers_n = int(layers_f)
        if layers_n < layers_f:
            layers_n += 1
        stages.append([MBConv, e, k, s, _make_divisible(i * width_mult, 8), _make_divisible(o * width_mult, 8), layers_n])
    return EfficientNet(stages, dropout, norm_layer=norm_layer, **_weights_classes(weights, pretrained, kwargs))


def efficientnet_b0(pretrained=False, progress=True, weights=None, **kwargs):
    return _efficientnet(1.0, 1.0, 0.2, weights, pretrained, kwargs)


def efficientnet_b1(pretrained=False, progress=True, weights=None, **kwargs):
    return _efficientnet(1.0, 1.1, 0.2, weights, pretrained, kwargs)


def efficientnet_b2(pretrained=False, progress=True, weights=None, **kwargs):
    return _efficientnet(1.1, 1.2, 0.3, weights, pretrained, kwargs)


def efficientnet_b3(pretrained=False, progress=True, weights=None, **kwargs):
    return _efficientnet(1.2, 1.4, 0.3, weights, pretrained, kwargs)


def efficientnet_b4(pretrained=False, progress=True, weights=None, **kwargs):
    return _efficientnet(1.4, 1.8, 0.4, weights, pretrained, kwargs)


def efficientnet_b5(pretrained=False, progress=True, weights=None, **kwargs):
    return _efficientnet(1.6, 2.2, 0.4, weights, pretrained, kwargs, partial(nn.BatchNorm2d, eps=0.001, momentum=0.01))


def efficientnet_b6(pretrained=False, progress=True, weights=None, **kwargs):
    return _efficientnet(1.8, 2.6, 0.5, weights, pretrained, kwargs, partial(nn.BatchNorm2d, eps=0.001, momentum=0.01))


def efficientnet_b7(pretrained=False, progress=True, weights=None, **kwargs):
    return _efficientnet(2.0, 3.1, 0.5, weights, pretrained, kwargs, partial(nn.BatchNorm2d, eps=0.001, momentum=0.01))


# EfficientNetV2 S / M / L (Tan & Le 2021): Fused-MBConv early stages, BatchNorm with eps 1e-3, a 1280-channel head

def _efficientnet_v2(stages, dropout, weights, pretrained, kwargs):
    kwargs = _weights_classes(weights, pretrained, kwargs)
    return EfficientNet(stages, dropout, norm_layer=partial(nn.BatchNorm2d, eps=1e-03), last_channel=1280, **kwargs)


def efficientnet_v2_s(pretrained=False, progress=True, weights=None, **kwargs):
    stages = [
        [FusedMBConv, 1, 3, 1, 24, 24, 2], [FusedMBConv, 4, 3, 2, 24, 48, 4], [FusedMBConv, 4, 3, 2, 48, 64, 4],
        [MBConv, 4, 3, 2, 64, 128, 6], [MBConv, 6, 3, 1, 128, 160, 9], [MBConv, 6, 3, 2, 160, 256, 15],
    ]
    return _efficientnet_v2(stages, 0.2, weights, pretrained, kwargs)


def efficientnet_v2_m(pretrained=False, progress=True, weights=None, **kwargs):
    stages = [
        [FusedMBConv, 1, 3, 1, 24, 24, 3], [FusedMBConv, 4, 3, 2, 24, 48, 5], [FusedMBConv, 4, 3, 2, 48, 80, 5],
        [MBConv, 4, 3, 2, 80, 160, 7], [MBConv, 6, 3, 1, 160, 176, 14], [MBConv, 6, 3, 2, 176, 304, 18], [MBConv, 6, 3, 1, 304, 512, 5],
    ]
    return _efficientnet_v2(stages, 0.3, weights, pretrained, kwargs)


def efficientnet_v2_l(pretrained=False, progress=True, weights=None, **kwargs):
    stages = [
        [FusedMBConv, 1, 3, 1, 32, 32, 4], [FusedMBConv, 4, 3, 2, 32, 64, 7], [FusedMBConv, 4, 3, 2, 64, 96, 7],
        [MBConv, 4, 3, 2, 96, 192, 10], [MBConv, 6, 3, 1, 192, 224, 19], [MBConv, 6, 3, 2, 224, 384, 25], [MBConv, 6, 3, 1, 384, 640, 7],
    ]
    return _efficientnet_v2(stages, 0.4, weights, pretrained, kwargs)


def _aux_heads(weights, pretrained, kwargs, default):
    # Pretrained GoogLeNet / Inception v3 weights come with their auxiliary heads: aux_logits=False then
    # raises, and without the keyword the heads are kept (Inception) or dropped after loading (GoogLeNet).
    if weights is not None or pretrained:
        if "aux_logits" in kwargs and kwargs["aux_logits"] != True:
            raise ValueError("The parameter 'aux_logits' expected value True but got False instead.")
        keep = "aux_logits" in kwargs or default
        kwargs = _weights_classes(weights, pretrained, kwargs)
        kwargs["aux_logits"] = keep
    return kwargs


# GoogLeNet (Szegedy et al. 2014), with BatchNorm after every convolution as torchvision builds it

class BasicConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)), inplace=True)


class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(BasicConv2d(in_channels, ch3x3red, kernel_size=1), BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        # torchvision's "5x5" branch uses a 3x3 kernel (its published weights were trained so).
        self.branch3 = nn.Sequential(BasicConv2d(in_channels, ch5x5red, kernel_size=1), BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1))
        self.branch4 = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True), BasicConv2d(in_channels, pool_proj, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class InceptionAux(nn.Module):
    def __init__(self, in_channels, num_classes, dropout=0.7):
        super().__init__()
        self.conv = BasicConv2d(in_channels, 128, kernel_size=1)
        self.fc1 = nn.Linear(2048, 1024)
        self.fc2 = nn.Linear(1024, num_classes)
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x):
        x = torch.flatten(self.conv(F.adaptive_avg_pool2d(x, (4, 4))), 1)
        return self.fc2(self.dropout(F.relu(self.fc1(x), inplace=True)))


class GoogLeNet(nn.Module):
    def __init__(self, num_classes=1000, aux_logits=True, transform_input=False, init_weights=None, blocks=None, dropout=0.2, dropout_aux=0.7):
        super().__init__()
        self.aux_logits = aux_logits
        self.transform_input = transform_input
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        if aux_logits:
            self.aux1 = InceptionAux(512, num_classes, dropout=dropout_aux)
            self.aux2 = InceptionAux(528, num_classes, dropout=dropout_aux)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x):
        # The inference path: the auxiliary heads run only in training (their rows have no output shape),
        # and transform_input rescales the channels without changing the shape.
        x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4e(self.inception4d(self.inception4c(self.inception4b(self.inception4a(x)))))
        x = self.inception5b(self.inception5a(self.maxpool4(x)))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(self.dropout(x))


def googlenet(pretrained=False, progress=True, weights=None, **kwargs):
    return GoogLeNet(**_aux_heads(weights, pretrained, kwargs, False))


# Inception v3 (Szegedy et al. 2015)

class InceptionA(nn.Module):
    def __init__(self, in_channels, pool_features):
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch5x5_1 = BasicConv2d(in_channels, 48, kernel_size=1)
        self.branch5x5_2 = BasicConv2d(48, 64, kernel_size=5, padding=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, padding=1)
        self.branch_pool = BasicConv2d(in_channels, pool_features, kernel_size=1)

    def forward(self, x):
        a = self.branch1x1(x)
        b = self.branch5x5_2(self.branch5x5_1(x))
        c = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        d = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([a, b, c, d], 1)


class InceptionB(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch3x3 = BasicConv2d(in_channels, 384, kernel_size=3, stride=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, kernel_size=3, stride=2)

    def forward(self, x):
        a = self.branch3x3(x)
        b = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([a, b, F.max_pool2d(x, kernel_size=3, stride=2)], 1)


class InceptionC(nn.Module):
    def __init__(self, in_channels, channels_7x7):
        super().__init__()
        c7 = channels_7x7
        self.branch1x1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch7x7_1 = BasicConv2d(in_channels, c7, kernel_size=1)
        self.branch7x7_2 = BasicConv2d(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7_3 = BasicConv2d(c7, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = BasicConv2d(in_channels, c7, kernel_size=1)
        self.branch7x7dbl_2 = BasicConv2d(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = BasicConv2d(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = BasicConv2d(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = BasicConv2d(c7, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch_pool = BasicConv2d(in_channels, 192, kernel_size=1)

    def forward(self, x):
        a = self.branch1x1(x)
        b = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        c = self.branch7x7dbl_5(self.branch7x7dbl_4(self.branch7x7dbl_3(self.branch7x7dbl_2(self.branch7x7dbl_1(x)))))
        d = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([a, b, c, d], 1)


class InceptionD(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch3x3_1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch3x3_2 = BasicConv2d(192, 320, kernel_size=3, stride=2)
        self.branch7x7x3_1 = BasicConv2d(in_channels, 192, kernel_size=1)
        self.branch7x7x3_2 = BasicConv2d(192, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7x3_3 = BasicConv2d(192, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7x3_4 = BasicConv2d(192, 192, kernel_size=3, stride=2)

    def forward(self, x):
        a = self.branch3x3_2(self.branch3x3_1(x))
        b = self.branch7x7x3_4(self.branch7x7x3_3(self.branch7x7x3_2(self.branch7x7x3_1(x))))
        return torch.cat([a, b, F.max_pool2d(x, kernel_size=3, stride=2)], 1)


class InceptionE(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, 320, kernel_size=1)
        self.branch3x3_1 = BasicConv2d(in_channels, 384, kernel_size=1)
        self.branch3x3_2a = BasicConv2d(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3_2b = BasicConv2d(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 448, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(448, 384, kernel_size=3, padding=1)
        self.branch3x3dbl_3a = BasicConv2d(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = BasicConv2d(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch_pool = BasicConv2d(in_channels, 192, kernel_size=1)

    def forward(self, x):
        a = self.branch1x1(x)
        b = self.branch3x3_1(x)
        b = torch.cat([self.branch3x3_2a(b), self.branch3x3_2b(b)], 1)
        c = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        c = torch.cat([self.branch3x3dbl_3a(c), self.branch3x3dbl_3b(c)], 1)
        d = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([a, b, c, d], 1)


class InceptionAuxV3(nn.Module):
    def __init__(self, in_channels, num_classes):
        super().__init__()
        self.conv0 = BasicConv2d(in_channels, 128, kernel_size=1)
        self.conv1 = BasicConv2d(128, 768, kernel_size=5)
        self.fc = nn.Linear(768, num_classes)

    def forward(self, x):
        x = self.conv1(self.conv0(F.avg_pool2d(x, kernel_size=5, stride=3)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, (1, 1)), 1))


class Inception3(nn.Module):
    def __init__(self, num_classes=1000, aux_logits=True, transform_input=False, inception_blocks=None, init_weights=None, dropout=0.5):
        super().__init__()
        self.aux_logits = aux_logits
        self.transform_input = transform_input
        self.Conv2d_1a_3x3 = BasicConv2d(3, 32, kernel_size=3, stride=2)
        self.Conv2d_2a_3x3 = BasicConv2d(32, 32, kernel_size=3)
        self.Conv2d_2b_3x3 = BasicConv2d(32, 64, kernel_size=3, padding=1)
        self.maxpool1 = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Conv2d_3b_1x1 = BasicConv2d(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = BasicConv2d(80, 192, kernel_size=3)
        self.maxpool2 = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Mixed_5b = InceptionA(192, pool_features=32)
        self.Mixed_5c = InceptionA(256, pool_features=64)
        self.Mixed_5d = InceptionA(288, pool_features=64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = InceptionC(768, channels_7x7=128)
        self.Mixed_6c = InceptionC(768, channels_7x7=160)
        self.Mixed_6d = InceptionC(768, channels_7x7=160)
        self.Mixed_6e = InceptionC(768, channels_7x7=192)
        if aux_logits:
            self.AuxLogits = InceptionAuxV3(768, num_classes)
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = InceptionE(1280)
        self.Mixed_7c = InceptionE(2048)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(2048, num_classes)

    def forward(self, x):
        # The inference path (the auxiliary head runs only in training); inputs are 299×299 for ImageNet.
        x = self.maxpool1(self.Conv2d_2b_3x3(self.Conv2d_2a_3x3(self.Conv2d_1a_3x3(x))))
        x = self.maxpool2(self.Conv2d_4a_3x3(self.Conv2d_3b_1x1(x)))
        x = self.Mixed_6a(self.Mixed_5d(self.Mixed_5c(self.Mixed_5b(x))))
        x = self.Mixed_6e(self.Mixed_6d(self.Mixed_6c(self.Mixed_6b(x))))
        x = self.dropout(self.avgpool(self.Mixed_7c(self.Mixed_7b(self.Mixed_7a(x)))))
        return self.fc(torch.flatten(x, 1))


def inception_v3(pretrained=False, progress=True, weights=None, **kwargs):
    return Inception3(**_aux_heads(weights, pretrained, kwargs, True))


# ConvNeXt (Liu et al. 2022)

class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        x = F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class Permute(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)


class CNBlock(nn.Module):
    def __init__(self, dim, layer_scale, stochastic_depth_prob, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-6)
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            norm_layer(dim),
            nn.Linear(in_features=dim, out_features=4 * dim, bias=True),
            nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):
        result = self.stochastic_depth(self.layer_scale * self.block(input))
        return result + input


class ConvNeXt(nn.Module):
    # block_setting: [input channels, output channels (None for the last stage), blocks]
    def __init__(self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6, num_classes=1000, block=None, norm_layer=None):
        super().__init__()
        if block is None:
            block = CNBlock
        if norm_layer is None:
            norm_layer = partial(LayerNorm2d, eps=1e-6)
        layers = []
        firstconv_output_channels = block_setting[0][0]
        layers.append(Conv2dNormActivation(3, firstconv_output_channels, kernel_size=4, stride=4, padding=0, norm_layer=norm_layer, activation_layer=None, bias=True))
        total_stage_blocks = sum([cnf[2] for cnf in block_setting])
        stage_block_id = 0
        for input_channels, out_channels, num_layers in block_setting:
            stage = []
            for _ in range(num_layers):
                sd_prob = stochastic_depth_prob * stage_block_id / (total_stage_blocks - 1.0)
                stage.append(block(input_channels, layer_scale, sd_prob))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
            if out_channels is not None:
                layers.append(nn.Sequential(norm_layer(input_channels), nn.Conv2d(input_channels, out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        lastblock = block_setting[-1]
        lastconv_output_channels = lastblock[1] if lastblock[1] is not None else lastblock[0]
        self.classifier = nn.Sequential(norm_layer(lastconv_output_channels), nn.Flatten(1), nn.Linear(lastconv_output_channels, num_classes))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)))


def _convnext(block_setting, stochastic_depth_prob, weights, pretrained, kwargs):
    return ConvNeXt(block_setting, stochastic_depth_prob=stochastic_depth_prob, **_weights_classes(weights, pretrained, kwargs))


def convnext_tiny(pretrained=False, progress=True, weights=None, **kwargs):
    return _convnext([[96, 192, 3], [192, 384, 3], [384, 768, 9], [768, None, 3]], kwargs.pop("stochastic_depth_prob", 0.1), weights, pretrained, kwargs)


def convnext_small(pretrained=False, progress=True, weights=None, **kwargs):
    return _convnext([[96, 192, 3], [192, 384, 3], [384, 768, 27], [768, None, 3]], kwargs.pop("stochastic_depth_prob", 0.4), weights, pretrained, kwargs)


def convnext_base(pretrained=False, progress=True, weights=None, **kwargs):
    return _convnext([[128, 256, 3], [256, 512, 3], [512, 1024, 27], [1024, None, 3]], kwargs.pop("stochastic_depth_prob", 0.5), weights, pretrained, kwargs)


def convnext_large(pretrained=False, progress=True, weights=None, **kwargs):
    return _convnext([[192, 384, 3], [384, 768, 3], [768, 1536, 27], [1536, None, 3]], kwargs.pop("stochastic_depth_prob", 0.5), weights, pretrained, kwargs)


# RegNet X / Y (Radosavovic et al. 2020): stage widths and depths from the linear rule w_j = w_0 + w_a·j,
# quantised to powers of w_m and multiples of 8

class SimpleStemIN(Conv2dNormActivation):
    def __init__(self, width_in, width_out, norm_layer, activation_layer):
        super().__init__(width_in, width_out, kernel_size=3, stride=2, norm_layer=norm_layer, activation_layer=activation_layer)


class BottleneckTransform(nn.Sequential):
    def __init__(self, width_in, width_out, stride, norm_layer, activation_layer, group_width, bottleneck_multiplier, se_ratio):
        w_b = int(round(width_out * bottleneck_multiplier))
        g = w_b // group_width
        layers = OrderedDict()
        layers["a"] = Conv2dNormActivation(width_in, w_b, kernel_size=1, stride=1, norm_layer=norm_layer, activation_layer=activation_layer)
        layers["b"] = Conv2dNormActivation(w_b, w_b, kernel_size=3, stride=stride, groups=g, norm_layer=norm_layer, activation_layer=activation_layer)
        if se_ratio:
            layers["se"] = SqueezeExcitation(w_b, int(round(se_ratio * width_in)), activation=activation_layer)
        layers["c"] = Conv2dNormActivation(w_b, width_out, kernel_size=1, stride=1, norm_layer=norm_layer, activation_layer=None)
        super().__init__(layers)


class AnyStage(nn.Sequential):
    def __init__(self, width_in, width_out, stride, depth, norm_layer, activation_layer, group_width, bottleneck_multiplier, se_ratio, stage_index):
        super().__init__()
        for i in range(depth):
            block = ResBottleneckBlock(width_in if i == 0 else width_out, width_out, stride if i == 0 else 1, norm_layer, activation_layer, group_width, bottleneck_multiplier, se_ratio)
            self.add_module("block%d-%d" % (stage_index, i), block)


class ResBottleneckBlock(nn.Module):
    def __init__(self, width_in, width_out, stride, norm_layer, activation_layer, group_width, bottleneck_multiplier, se_ratio):
        super().__init__()
        if width_in != width_out or stride != 1:
            self.proj = Conv2dNormActivation(width_in, width_out, kernel_size=1, stride=stride, norm_layer=norm_layer, activation_layer=None)
        else:
            self.proj = None
        self.f = BottleneckTransform(width_in, width_out, stride, norm_layer, activation_layer, group_width, bottleneck_multiplier, se_ratio)
        self.activation = activation_layer(inplace=True)

    def forward(self, x):
        if self.proj is not None:
            x = self.proj(x) + self.f(x)
        else:
            x = x + self.f(x)
        return self.activation(x)


def _regnet_stages(depth, w_0, w_a, w_m, group_width, bottleneck_multiplier=1.0):
    block_widths = []
    for j in range(depth):
        capacity = round(math.log((j * w_a + w_0) / w_0) / math.log(w_m))
        block_widths.append(int(round(w_0 * math.pow(w_m, capacity) / 8) * 8))
    stage_widths = []
    stage_depths = []
    for w in block_widths:
        if len(stage_widths) > 0 and stage_widths[-1] == w:
            stage_depths[-1] += 1
        else:
            stage_widths.append(w)
            stage_depths.append(1)
    # Bottleneck widths a multiple of the group width (never below it), the stage width following them.
    widths = []
    groups = []
    for w in stage_widths:
        w_bot = int(w * bottleneck_multiplier)
        g = min(group_width, w_bot)
        widths.append(int(_make_divisible(w_bot, g) / bottleneck_multiplier))
        groups.append(g)
    return widths, stage_depths, groups


class RegNet(nn.Module):
    def __init__(self, depth, w_0, w_a, w_m, group_width, se_ratio=None, num_classes=1000, stem_width=32, norm_layer=None, activation=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1)
        if activation is None:
            activation = nn.ReLU
        self.stem = SimpleStemIN(3, stem_width, norm_layer, activation)
        widths, depths, groups = _regnet_stages(depth, w_0, w_a, w_m, group_width)
        current_width = stem_width
        stages = OrderedDict()
        for i in range(len(widths)):
            stages["block%d" % (i + 1)] = AnyStage(current_width, widths[i], 2, depths[i], norm_layer, activation, groups[i], 1.0, se_ratio, i + 1)
            current_width = widths[i]
        self.trunk_output = nn.Sequential(stages)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(current_width, num_classes)

    def forward(self, x):
        x = self.avgpool(self.trunk_output(self.stem(x)))
        return self.fc(torch.flatten(x, start_dim=1))


def _regnet(depth, w_0, w_a, w_m, group_width, se_ratio, weights, pretrained, kwargs):
    return RegNet(depth, w_0, w_a, w_m, group_width, se_ratio, **_weights_classes(weights, pretrained, kwargs))


def regnet_y_400mf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(16, 48, 27.89, 2.09, 8, 0.25, weights, pretrained, kwargs)


def regnet_y_800mf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(14, 56, 38.84, 2.4, 16, 0.25, weights, pretrained, kwargs)


def regnet_y_1_6gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(27, 48, 20.71, 2.65, 24, 0.25, weights, pretrained, kwargs)


def regnet_y_3_2gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(21, 80, 42.63, 2.66, 24, 0.25, weights, pretrained, kwargs)


def regnet_y_8gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(17, 192, 76.82, 2.19, 56, 0.25, weights, pretrained, kwargs)


def regnet_y_16gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(18, 200, 106.23, 2.48, 112, 0.25, weights, pretrained, kwargs)


def regnet_y_32gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(20, 232, 115.89, 2.53, 232, 0.25, weights, pretrained, kwargs)


def regnet_y_128gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(27, 456, 160.83, 2.52, 264, 0.25, weights, pretrained, kwargs)


def regnet_x_400mf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(22, 24, 24.48, 2.54, 16, None, weights, pretrained, kwargs)


def regnet_x_800mf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(16, 56, 35.73, 2.28, 16, None, weights, pretrained, kwargs)


def regnet_x_1_6gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(18, 80, 34.01, 2.25, 24, None, weights, pretrained, kwargs)


def regnet_x_3_2gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(25, 88, 26.31, 2.25, 48, None, weights, pretrained, kwargs)


def regnet_x_8gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(23, 80, 49.56, 2.88, 120, None, weights, pretrained, kwargs)


def regnet_x_16gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(22, 216, 55.59, 2.1, 128, None, weights, pretrained, kwargs)


def regnet_x_32gf(pretrained=False, progress=True, weights=None, **kwargs):
    return _regnet(23, 320, 69.86, 2.0, 168, None, weights, pretrained, kwargs)


# Swin Transformer (Liu et al. 2021): channels-last stages of shifted-window attention, patch merging between them

class MLP(nn.Sequential):
    def __init__(self, in_channels, hidden_channels, norm_layer=None, activation_layer=nn.ReLU, inplace=None, bias=True, dropout=0.0):
        layers = []
        in_dim = in_channels
        for hidden_dim in hidden_channels[:-1]:
            layers.append(nn.Linear(in_dim, hidden_dim, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden_dim))
            layers.append(activation_layer())
            layers.append(nn.Dropout(dropout))
            in_dim = hidden_dim
        layers.append(nn.Linear(in_dim, hidden_channels[-1], bias=bias))
        layers.append(nn.Dropout(dropout))
        super().__init__(*layers)


class PatchMerging(nn.Module):
    def __init__(self, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x):
        # Pad H and W to even sizes, then stack the four pixels of each 2×2 patch on the channels.
        H, W, _ = x.shape[-3:]
        x = F.pad(x, (0, 0, 0, W % 2, 0, H % 2))
        x = torch.cat([x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :], x[..., 0::2, 1::2, :], x[..., 1::2, 1::2, :]], -1)
        return self.reduction(self.norm(x))


class ShiftedWindowAttention(nn.Module):
    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True, attention_dropout=0.0, dropout=0.0):
        super().__init__()
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        # One learned bias per head for each relative offset inside a window, and the index of each pair's offset.
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * window_size[0] - 1) * (2 * window_size[1] - 1), num_heads))
        self.register_buffer("relative_position_index", torch.zeros(window_size[0] * window_size[1] * window_size[0] * window_size[1], dtype=torch.long))

    def forward(self, x):
        # Attention within (shifted) windows keeps the (B, H, W, C) shape. PyTorch applies qkv and proj
        # through their weights (F.linear), so those two modules record no call of their own.
        return x.clone()


class SwinTransformerBlock(nn.Module):
    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0, stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = ShiftedWindowAttention(dim, window_size, shift_size, num_heads, attention_dropout=attention_dropout, dropout=dropout)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.norm2 = norm_layer(dim)
        self.mlp = MLP(dim, [int(dim * mlp_ratio), dim], activation_layer=nn.GELU, inplace=None, dropout=dropout)

    def forward(self, x):
        x = x + self.stochastic_depth(self.attn(self.norm1(x)))
        return x + self.stochastic_depth(self.mlp(self.norm2(x)))


class SwinTransformer(nn.Module):
    def __init__(self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0, stochastic_depth_prob=0.1, num_classes=1000, norm_layer=None, block=None, downsample_layer=None):
        super().__init__()
        if block is None:
            block = SwinTransformerBlock
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-5)
        if downsample_layer is None:
            downsample_layer = PatchMerging
        layers = [nn.Sequential(nn.Conv2d(3, embed_dim, kernel_size=(patch_size[0], patch_size[1]), stride=(patch_size[0], patch_size[1])), Permute([0, 2, 3, 1]), norm_layer(embed_dim))]
        total_stage_blocks = sum(depths)
        stage_block_id = 0
        for i_stage in range(len(depths)):
            stage = []
            dim = embed_dim * 2 ** i_stage
            for i_layer in range(depths[i_stage]):
                sd_prob = stochastic_depth_prob * float(stage_block_id) / (total_stage_blocks - 1)
                shift = [0 if i_layer % 2 == 0 else w // 2 for w in window_size]
                stage.append(block(dim, num_heads[i_stage], window_size=window_size, shift_size=shift, mlp_ratio=mlp_ratio, dropout=dropout, attention_dropout=attention_dropout, stochastic_depth_prob=sd_prob, norm_layer=norm_layer))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(num_features)
        self.permute = Permute([0, 3, 1, 2])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)

    def forward(self, x):
        x = self.avgpool(self.permute(self.norm(self.features(x))))
        return self.head(self.flatten(x))


def _swin(embed_dim, depths, num_heads, stochastic_depth_prob, weights, pretrained, kwargs):
    kwargs = _weights_classes(weights, pretrained, kwargs)
    return SwinTransformer([4, 4], embed_dim, depths, num_heads, [7, 7], stochastic_depth_prob=stochastic_depth_prob, **kwargs)


def swin_t(pretrained=False, progress=True, weights=None, **kwargs):
    return _swin(96, [2, 2, 6, 2], [3, 6, 12, 24], 0.2, weights, pretrained, kwargs)


def swin_s(pretrained=False, progress=True, weights=None, **kwargs):
    return _swin(96, [2, 2, 18, 2], [3, 6, 12, 24], 0.3, weights, pretrained, kwargs)


def swin_b(pretrained=False, progress=True, weights=None, **kwargs):
    return _swin(128, [2, 2, 18, 2], [4, 8, 16, 32], 0.5, weights, pretrained, kwargs)


# ShuffleNet V2 (Ma et al. 2018)

class _ShuffleBlock(nn.Module):
    def __init__(self, inp, oup, stride):
        super().__init__()
        self.stride = stride
        branch_features = oup // 2
        if stride > 1:
            self.branch1 = nn.Sequential(
                nn.Conv2d(inp, inp, 3, stride, 1, bias=False, groups=inp),
                nn.BatchNorm2d(inp),
                nn.Conv2d(inp, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
                nn.BatchNorm2d(branch_features),
                nn.ReLU(inplace=True),
            )
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride > 1 else branch_features, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(branch_features),
            nn.ReLU(inplace=True),
            nn.Conv2d(branch_features, branch_features, 3, stride, 1, bias=False, groups=branch_features),
            nn.BatchNorm2d(branch_features),
            nn.Conv2d(branch_features, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(branch_features),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            return torch.cat((x1, self.branch2(x2)), dim=1)
        return torch.cat((self.branch1(x), self.branch2(x)), dim=1)


class ShuffleNetV2(nn.Module):
    def __init__(self, stages_repeats, stages_out_channels, num_classes=1000):
        super().__init__()
        input_channels = 3
        output_channels = stages_out_channels[0]
        self.conv1 = nn.Sequential(nn.Conv2d(input_channels, output_channels, 3, 2, 1, bias=False), nn.BatchNorm2d(output_channels), nn.ReLU(inplace=True))
        input_channels = output_channels
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        stage2 = [_ShuffleBlock(input_channels, stages_out_channels[1], 2)]
        for i in range(stages_repeats[0] - 1):
            stage2.append(_ShuffleBlock(stages_out_channels[1], stages_out_channels[1], 1))
        self.stage2 = nn.Sequential(*stage2)
        stage3 = [_ShuffleBlock(stages_out_channels[1], stages_out_channels[2], 2)]
        for i in range(stages_repeats[1] - 1):
            stage3.append(_ShuffleBlock(stages_out_channels[2], stages_out_channels[2], 1))
        self.stage3 = nn.Sequential(*stage3)
        stage4 = [_ShuffleBlock(stages_out_channels[2], stages_out_channels[3], 2)]
        for i in range(stages_repeats[2] - 1):
            stage4.append(_ShuffleBlock(stages_out_channels[3], stages_out_channels[3], 1))
        self.stage4 = nn.Sequential(*stage4)
        output_channels = stages_out_channels[-1]
        self.conv5 = nn.Sequential(nn.Conv2d(stages_out_channels[3], output_channels, 1, 1, 0, bias=False), nn.BatchNorm2d(output_channels), nn.ReLU(inplace=True))
        self.fc = nn.Linear(output_channels, num_classes)

    def forward(self, x):
        x = self.maxpool(self.conv1(x))
        x = self.conv5(self.stage4(self.stage3(self.stage2(x))))
        x = x.mean([2, 3])
        return self.fc(x)


def shufflenet_v2_x0_5(pretrained=False, progress=True, weights=None, **kwargs):
    return ShuffleNetV2([4, 8, 4], [24, 48, 96, 192, 1024], **_weights_classes(weights, pretrained, kwargs))


def shufflenet_v2_x1_0(pretrained=False, progress=True, weights=None, **kwargs):
    return ShuffleNetV2([4, 8, 4], [24, 116, 232, 464, 1024], **_weights_classes(weights, pretrained, kwargs))


def shufflenet_v2_x1_5(pretrained=False, progress=True, weights=None, **kwargs):
    return ShuffleNetV2([4, 8, 4], [24, 176, 352, 704, 1024], **_weights_classes(weights, pretrained, kwargs))


def shufflenet_v2_x2_0(pretrained=False, progress=True, weights=None, **kwargs):
    return ShuffleNetV2([4, 8, 4], [24, 244, 488, 976, 2048], **_weights_classes(weights, pretrained, kwargs))


# Vision Transformer (Dosovitskiy et al. 2020)

class MLPBlock(nn.Sequential):
    def __init__(self, in_dim, mlp_dim, dropout):
        super().__init__(nn.Linear(in_dim, mlp_dim), nn.GELU(), nn.Dropout(dropout), nn.Linear(mlp_dim, in_dim), nn.Dropout(dropout))


class EncoderBlock(nn.Module):
    def __init__(self, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout):
        super().__init__()
        self.ln_1 = nn.LayerNorm(hidden_dim, eps=1e-6)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads, dropout=attention_dropout, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = nn.LayerNorm(hidden_dim, eps=1e-6)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input):
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x)
        x = x + input
        y = self.mlp(self.ln_2(x))
        return x + y


class Encoder(nn.Module):
    def __init__(self, seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout):
        super().__init__()
        self.pos_embedding = nn.Parameter(torch.zeros(1, seq_length, hidden_dim))
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.Sequential()
        for i in range(num_layers):
            self.layers.add_module("encoder_layer_%d" % i, EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout, attention_dropout))
        self.ln = nn.LayerNorm(hidden_dim, eps=1e-6)

    def forward(self, input):
        input = input + self.pos_embedding
        return self.ln(self.layers(self.dropout(input)))


class VisionTransformer(nn.Module):
    def __init__(self, image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, dropout=0.0, attention_dropout=0.0, num_classes=1000, representation_size=None):
        super().__init__()
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.conv_proj = nn.Conv2d(3, hidden_dim, kernel_size=patch_size, stride=patch_size)
        seq_length = (image_size // patch_size) ** 2 + 1
        self.class_token = nn.Parameter(torch.zeros(1, 1, hidden_dim))
        self.encoder = Encoder(seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout)
        self.seq_length = seq_length
        self.heads = nn.Sequential()
        if representation_size is None:
            self.heads.add_module("head", nn.Linear(hidden_dim, num_classes))
        else:
            self.heads.add_module("pre_logits", nn.Linear(hidden_dim, representation_size))
            self.heads.add_module("act", nn.Tanh())
            self.heads.add_module("head", nn.Linear(representation_size, num_classes))

    def forward(self, x):
        n = x.shape[0]
        x = self.conv_proj(x)
        x = x.reshape(n, self.hidden_dim, -1)
        x = x.permute(0, 2, 1)
        batch_class_token = self.class_token.expand(n, -1, -1)
        x = torch.cat([batch_class_token, x], dim=1)
        x = self.encoder(x)
        x = x[:, 0]
        return self.heads(x)


def _vit(patch_size, num_layers, num_heads, hidden_dim, mlp_dim, weights, pretrained, kwargs):
    kwargs = _weights_classes(weights, pretrained, kwargs)
    image_size = kwargs.pop("image_size", 224)
    return VisionTransformer(image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, **kwargs)


def vit_b_16(pretrained=False, progress=True, weights=None, **kwargs):
    return _vit(16, 12, 12, 768, 3072, weights, pretrained, kwargs)


def vit_b_32(pretrained=False, progress=True, weights=None, **kwargs):
    return _vit(32, 12, 12, 768, 3072, weights, pretrained, kwargs)


def vit_l_16(pretrained=False, progress=True, weights=None, **kwargs):
    return _vit(16, 24, 16, 1024, 4096, weights, pretrained, kwargs)


def vit_l_32(pretrained=False, progress=True, weights=None, **kwargs):
    return _vit(32, 24, 16, 1024, 4096, weights, pretrained, kwargs)
`;
