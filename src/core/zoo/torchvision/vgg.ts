// VGG and AlexNet, the plain convolution stacks, in the bundled torchvision.models.
export const vgg = String.raw`# VGG (Simonyan & Zisserman 2014): configurations A, B, D, E

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
`;
