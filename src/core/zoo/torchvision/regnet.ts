// RegNet X and Y in the bundled torchvision.models (joined by ./index.ts).
export const regnet = String.raw`# RegNet X / Y (Radosavovic et al. 2020): stage widths and depths from the linear rule w_j = w_0 + w_a·j,
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
`;
