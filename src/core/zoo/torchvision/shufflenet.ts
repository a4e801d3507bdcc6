// ShuffleNet V2 in the bundled torchvision.models (joined by ./index.ts).
export const shufflenet = String.raw`# ShuffleNet V2 (Ma et al. 2018)

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
`;
