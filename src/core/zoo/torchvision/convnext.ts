// ConvNeXt Tiny / Small / Base / Large in the bundled torchvision.models (joined by ./index.ts).
export const convnext = String.raw`# ConvNeXt (Liu et al. 2022)

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
`;
