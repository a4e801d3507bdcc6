// EfficientNet B0–B7 and EfficientNetV2 S / M / L in the bundled torchvision.models.
export const efficientnet = String.raw`# EfficientNet B0–B7 (Tan & Le 2019)

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
`;
