// EfficientNet B0–B7 and EfficientNetV2 in the bundled keras.applications (joined by ./index.ts).
export const efficientnet = String.raw`# EfficientNet B0–B7 (Tan & Le 2019)

_EFFICIENTNET_BLOCKS = [
    (3, 1, 32, 16, 1, 1),
    (3, 2, 16, 24, 6, 2),
    (5, 2, 24, 40, 6, 2),
    (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1),
    (5, 4, 112, 192, 6, 2),
    (3, 1, 192, 320, 6, 1),
]


def _efficientnet(width, depth, default_size, dropout_rate, name, include_top, input_tensor, input_shape, pooling, classes, classifier_activation):
    bn_axis = _bn_axis()
    img_input = _input(input_tensor, input_shape, default_size, include_top)

    def round_filters(filters):
        return _make_divisible(filters * width, 8)

    def round_repeats(repeats):
        r = depth * repeats
        n = int(r)
        if n < r:
            n += 1
        return n

    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=bn_axis)(x)
    x = layers.ZeroPadding2D(padding=_correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, name="stem_bn")(x)
    x = layers.Activation("swish", name="stem_activation")(x)
    total = 0
    for kernel, repeats, f_in, f_out, expand, stride in _EFFICIENTNET_BLOCKS:
        total += round_repeats(repeats)
    b = 0
    for i, (kernel, repeats, f_in, f_out, expand, stride) in enumerate(_EFFICIENTNET_BLOCKS):
        filters_in = round_filters(f_in)
        filters_out = round_filters(f_out)
        for j in range(round_repeats(repeats)):
            if j > 0:
                stride = 1
                filters_in = filters_out
            prefix = "block{}{}_".format(i + 1, chr(j + 97))
            inputs = x
            filters = filters_in * expand
            if expand != 1:
                x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=prefix + "expand_conv")(x)
                x = layers.BatchNormalization(axis=bn_axis, name=prefix + "expand_bn")(x)
                x = layers.Activation("swish", name=prefix + "expand_activation")(x)
            if stride == 2:
                x = layers.ZeroPadding2D(padding=_correct_pad(x, kernel), name=prefix + "dwconv_pad")(x)
                conv_pad = "valid"
            else:
                conv_pad = "same"
            x = layers.DepthwiseConv2D(kernel, strides=stride, padding=conv_pad, use_bias=False, name=prefix + "dwconv")(x)
            x = layers.BatchNormalization(axis=bn_axis, name=prefix + "bn")(x)
            x = layers.Activation("swish", name=prefix + "activation")(x)
            filters_se = max(1, int(filters_in * 0.25))
            se = layers.GlobalAveragePooling2D(name=prefix + "se_squeeze")(x)
            se = layers.Reshape((1, 1, filters) if bn_axis == 3 else (filters, 1, 1), name=prefix + "se_reshape")(se)
            se = layers.Conv2D(filters_se, 1, padding="same", activation="swish", name=prefix + "se_reduce")(se)
            se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", name=prefix + "se_expand")(se)
            x = layers.multiply([x, se], name=prefix + "se_excite")
            x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False, name=prefix + "project_conv")(x)
            x = layers.BatchNormalization(axis=bn_axis, name=prefix + "project_bn")(x)
            if stride == 1 and filters_in == filters_out:
                if b > 0:
                    x = layers.Dropout(0.2 * b / total, noise_shape=(None, 1, 1, 1), name=prefix + "drop")(x)
                x = layers.add([x, inputs], name=prefix + "add")
            b += 1
    x = layers.Conv2D(round_filters(1280), 1, padding="same", use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, name="top_bn")(x)
    x = layers.Activation("swish", name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    return keras.Model(_model_inputs(input_tensor, img_input), x, name=name)


def EfficientNetB0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnet(1.0, 1.0, 224, 0.2, "efficientnetb0", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnet(1.0, 1.1, 240, 0.2, "efficientnetb1", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnet(1.1, 1.2, 260, 0.3, "efficientnetb2", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnet(1.2, 1.4, 300, 0.3, "efficientnetb3", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB4(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnet(1.4, 1.8, 380, 0.4, "efficientnetb4", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB5(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnet(1.6, 2.2, 456, 0.4, "efficientnetb5", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB6(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnet(1.8, 2.6, 528, 0.5, "efficientnetb6", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB7(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnet(2.0, 3.1, 600, 0.5, "efficientnetb7", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


# EfficientNetV2 B0–B3, S, M, L (Tan & Le 2021): Fused-MBConv stages first, BatchNorm momentum 0.9

# kernel, repeats, input filters, output filters, expand ratio, SE ratio, strides, fused
_EFFICIENTNETV2_BLOCKS = {
    "b": [(3, 1, 32, 16, 1, 0, 1, True), (3, 2, 16, 32, 4, 0, 2, True), (3, 2, 32, 48, 4, 0, 2, True), (3, 3, 48, 96, 4, 0.25, 2, False), (3, 5, 96, 112, 6, 0.25, 1, False), (3, 8, 112, 192, 6, 0.25, 2, False)],
    "s": [(3, 2, 24, 24, 1, 0, 1, True), (3, 4, 24, 48, 4, 0, 2, True), (3, 4, 48, 64, 4, 0, 2, True), (3, 6, 64, 128, 4, 0.25, 2, False), (3, 9, 128, 160, 6, 0.25, 1, False), (3, 15, 160, 256, 6, 0.25, 2, False)],
    "m": [(3, 3, 24, 24, 1, 0, 1, True), (3, 5, 24, 48, 4, 0, 2, True), (3, 5, 48, 80, 4, 0, 2, True), (3, 7, 80, 160, 4, 0.25, 2, False), (3, 14, 160, 176, 6, 0.25, 1, False), (3, 18, 176, 304, 6, 0.25, 2, False), (3, 5, 304, 512, 6, 0.25, 1, False)],
    "l": [(3, 4, 32, 32, 1, 0, 1, True), (3, 7, 32, 64, 4, 0, 2, True), (3, 7, 64, 96, 4, 0, 2, True), (3, 10, 96, 192, 4, 0.25, 2, False), (3, 19, 192, 224, 6, 0.25, 1, False), (3, 25, 224, 384, 6, 0.25, 2, False), (3, 7, 384, 640, 6, 0.25, 1, False)],
}


def _round_filters_v2(filters, width):
    # No 0.9 correction here, unlike EfficientNet (V1).
    return int(max(8, int(filters * width + 4) // 8 * 8))


def _efficientnetv2(width, depth, default_size, dropout_rate, blocks, name, include_top, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing):
    bn_axis = _bn_axis()
    img_input = _input(input_tensor, input_shape, default_size, include_top)
    x = img_input
    if include_preprocessing:
        channels = backend.int_shape(img_input)[bn_axis]
        if name.split("-")[-1].startswith("b") and channels == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2], axis=bn_axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    x = layers.Conv2D(_round_filters_v2(blocks[0][2], width), 3, strides=2, padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, momentum=0.9, name="stem_bn")(x)
    x = layers.Activation("swish", name="stem_activation")(x)
    total = 0
    for block in blocks:
        total += int(math.ceil(depth * block[1]))
    b = 0
    for i, (kernel, repeats, f_in, f_out, expand, se_ratio, strides, fused) in enumerate(blocks):
        filters_in = _round_filters_v2(f_in, width)
        filters_out = _round_filters_v2(f_out, width)
        for j in range(int(math.ceil(depth * repeats))):
            if j > 0:
                strides = 1
                filters_in = filters_out
            prefix = "block{}{}_".format(i + 1, chr(j + 97))
            inputs = x
            filters = filters_in * expand
            if expand != 1:
                x = layers.Conv2D(filters, kernel if fused else 1, strides=strides if fused else 1, padding="same", use_bias=False, name=prefix + "expand_conv")(x)
                x = layers.BatchNormalization(axis=bn_axis, momentum=0.9, name=prefix + "expand_bn")(x)
                x = layers.Activation("swish", name=prefix + "expand_activation")(x)
            if not fused:
                x = layers.DepthwiseConv2D(kernel, strides=strides, padding="same", use_bias=False, name=prefix + "dwconv2")(x)
                x = layers.BatchNormalization(axis=bn_axis, momentum=0.9, name=prefix + "bn")(x)
                x = layers.Activation("swish", name=prefix + "activation")(x)
            if 0 < se_ratio <= 1:
                filters_se = max(1, int(filters_in * se_ratio))
                se = layers.GlobalAveragePooling2D(name=prefix + "se_squeeze")(x)
                se = layers.Reshape((1, 1, filters) if bn_axis == 3 else (filters, 1, 1), name=prefix + "se_reshape")(se)
                se = layers.Conv2D(filters_se, 1, padding="same", activation="swish", name=prefix + "se_reduce")(se)
                se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", name=prefix + "se_expand")(se)
                x = layers.multiply([x, se], name=prefix + "se_excite")
            if fused and expand == 1:
                x = layers.Conv2D(filters_out, kernel, strides=strides, padding="same", use_bias=False, name=prefix + "project_conv")(x)
            else:
                x = layers.Conv2D(filters_out, 1, strides=1, padding="same", use_bias=False, name=prefix + "project_conv")(x)
            x = layers.BatchNormalization(axis=bn_axis, momentum=0.9, name=prefix + "project_bn")(x)
            if fused and expand == 1:
                x = layers.Activation("swish", name=prefix + "project_activation")(x)
            if strides == 1 and filters_in == filters_out:
                if b > 0:
                    x = layers.Dropout(0.2 * b / total, noise_shape=(None, 1, 1, 1), name=prefix + "drop")(x)
                x = layers.add([x, inputs], name=prefix + "add")
            b += 1
    x = layers.Conv2D(_round_filters_v2(1280, width), 1, strides=1, padding="same", use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, momentum=0.9, name="top_bn")(x)
    x = layers.Activation("swish", name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    return keras.Model(_model_inputs(input_tensor, img_input), x, name=name)


def EfficientNetV2B0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnetv2(1.0, 1.0, 224, 0.2, _EFFICIENTNETV2_BLOCKS["b"], "efficientnetv2-b0", include_top, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2B1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnetv2(1.0, 1.1, 240, 0.2, _EFFICIENTNETV2_BLOCKS["b"], "efficientnetv2-b1", include_top, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2B2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnetv2(1.1, 1.2, 260, 0.3, _EFFICIENTNETV2_BLOCKS["b"], "efficientnetv2-b2", include_top, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2B3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnetv2(1.2, 1.4, 300, 0.3, _EFFICIENTNETV2_BLOCKS["b"], "efficientnetv2-b3", include_top, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2S(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnetv2(1.0, 1.0, 384, 0.2, _EFFICIENTNETV2_BLOCKS["s"], "efficientnetv2-s", include_top, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2M(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnetv2(1.0, 1.0, 480, 0.3, _EFFICIENTNETV2_BLOCKS["m"], "efficientnetv2-m", include_top, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2L(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _efficientnetv2(1.0, 1.0, 480, 0.4, _EFFICIENTNETV2_BLOCKS["l"], "efficientnetv2-l", include_top, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)
`;
