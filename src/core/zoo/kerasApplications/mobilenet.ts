// MobileNet, MobileNetV2 and MobileNetV3 in the bundled keras.applications (joined by ./index.ts).

/** MobileNet and MobileNetV2. */
export const mobilenet = String.raw`# MobileNet (Howard et al. 2017)

def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    bn_axis = _bn_axis()
    img_input = _input(input_tensor, input_shape, 224, include_top)
    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2), name="conv1")(img_input)
    x = layers.BatchNormalization(axis=bn_axis, name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
    block_id = 0
    for filters, stride in blocks:
        block_id += 1
        if stride == 2:
            x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="conv_pad_%d" % block_id)(x)
        x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid", depth_multiplier=depth_multiplier, strides=(stride, stride), use_bias=False, name="conv_dw_%d" % block_id)(x)
        x = layers.BatchNormalization(axis=bn_axis, name="conv_dw_%d_bn" % block_id)(x)
        x = layers.ReLU(6.0, name="conv_dw_%d_relu" % block_id)(x)
        x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1), name="conv_pw_%d" % block_id)(x)
        x = layers.BatchNormalization(axis=bn_axis, name="conv_pw_%d_bn" % block_id)(x)
        x = layers.ReLU(6.0, name="conv_pw_%d_relu" % block_id)(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    return keras.Model(_model_inputs(input_tensor, img_input), x, name="mobilenet_%0.2f_%s" % (alpha, 224 if input_shape is None else input_shape[0]))


# MobileNetV2 (Sandler et al. 2018)

def _inverted_res_block(inputs, in_channels, expansion, stride, alpha, filters, block_id):
    bn_axis = _bn_axis()
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = "block_{}_".format(block_id)
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None, name=prefix + "expand")(x)
        x = layers.BatchNormalization(axis=bn_axis, epsilon=1e-3, momentum=0.999, name=prefix + "expand_BN")(x)
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_correct_pad(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False, padding="same" if stride == 1 else "valid", name=prefix + "depthwise")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1e-3, momentum=0.999, name=prefix + "depthwise_BN")(x)
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None, name=prefix + "project")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1e-3, momentum=0.999, name=prefix + "project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        x = layers.Add(name=prefix + "add")([inputs, x])
    return x, pointwise_filters


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    bn_axis = _bn_axis()
    img_input = _input(input_tensor, input_shape, 224, include_top)
    first_block_filters = _make_divisible(32 * alpha, 8)
    x = layers.Conv2D(first_block_filters, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="Conv1")(img_input)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    channels = first_block_filters
    settings = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)]
    for block_id, (filters, stride, expansion) in enumerate(settings):
        x, channels = _inverted_res_block(x, channels, expansion, stride, alpha, filters, block_id)
    if alpha > 1.0:
        last_block_filters = _make_divisible(1280 * alpha, 8)
    else:
        last_block_filters = 1280
    x = layers.Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = _head(x, include_top, pooling, classes, classifier_activation, avg_name="global_average_pooling2d")
    return keras.Model(_model_inputs(input_tensor, img_input), x, name="mobilenetv2_%0.2f_%s" % (alpha, 224 if input_shape is None else input_shape[0]))
`;

/** MobileNetV3 Small and Large, last in the module's text (./index.ts keeps that order). */
export const mobilenetV3 = String.raw`# MobileNetV3 Small / Large (Howard et al. 2019), with tf.keras 2's layer names

def _v3_relu(x):
    return layers.ReLU()(x)


def _v3_hard_sigmoid(x):
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _v3_hard_swish(x):
    return layers.Multiply()([x, _v3_hard_sigmoid(x)])


def _v3_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    channel_axis = -1 if backend.image_data_format() == "channels_last" else 1
    shortcut = x
    prefix = "expanded_conv/"
    infilters = backend.int_shape(x)[channel_axis]
    if block_id:
        prefix = "expanded_conv_{}/".format(block_id)
        x = layers.Conv2D(_make_divisible(infilters * expansion, 8), kernel_size=1, padding="same", use_bias=False, name=prefix + "expand")(x)
        x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=prefix + "expand/BatchNorm")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_correct_pad(x, kernel_size), name=prefix + "depthwise/pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False, name=prefix + "depthwise")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=prefix + "depthwise/BatchNorm")(x)
    x = activation(x)
    if se_ratio:
        filters_se = _make_divisible(infilters * expansion, 8)
        se = layers.GlobalAveragePooling2D(keepdims=True, name=prefix + "squeeze_excite/AvgPool")(x)
        se = layers.Conv2D(_make_divisible(filters_se * se_ratio, 8), kernel_size=1, padding="same", name=prefix + "squeeze_excite/Conv")(se)
        se = layers.ReLU(name=prefix + "squeeze_excite/Relu")(se)
        se = layers.Conv2D(filters_se, kernel_size=1, padding="same", name=prefix + "squeeze_excite/Conv_1")(se)
        se = _v3_hard_sigmoid(se)
        x = layers.Multiply(name=prefix + "squeeze_excite/Mul")([x, se])
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=prefix + "project")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name=prefix + "project/BatchNorm")(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=prefix + "Add")([shortcut, x])
    return x


# expansion, filters, kernel (None: the model's kernel), stride, squeeze-excite, hard-swish (else ReLU)
_MOBILENETV3_BLOCKS = {
    "large": [(1, 16, 3, 1, False, False), (4, 24, 3, 2, False, False), (3, 24, 3, 1, False, False), (3, 40, None, 2, True, False), (3, 40, None, 1, True, False), (3, 40, None, 1, True, False), (6, 80, 3, 2, False, True), (2.5, 80, 3, 1, False, True), (2.3, 80, 3, 1, False, True), (2.3, 80, 3, 1, False, True), (6, 112, 3, 1, True, True), (6, 112, 3, 1, True, True), (6, 160, None, 2, True, True), (6, 160, None, 1, True, True), (6, 160, None, 1, True, True)],
    "small": [(1, 16, 3, 2, True, False), (72.0 / 16, 24, 3, 2, False, False), (88.0 / 24, 24, 3, 1, False, False), (4, 40, None, 2, True, True), (6, 40, None, 1, True, True), (6, 40, None, 1, True, True), (3, 48, None, 1, True, True), (3, 48, None, 1, True, True), (6, 96, None, 2, True, True), (6, 96, None, 1, True, True), (6, 96, None, 1, True, True)],
}


def _mobilenetv3(model_type, last_point_ch, input_shape, alpha, minimalistic, include_top, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing):
    channel_axis = -1 if backend.image_data_format() == "channels_last" else 1
    img_input = _input(input_tensor, input_shape, 224, include_top)
    if minimalistic:
        kernel = 3
        activation = _v3_relu
        se_ratio = None
    else:
        kernel = 5
        activation = _v3_hard_swish
        se_ratio = 0.25
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="Conv")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="Conv/BatchNorm")(x)
    x = activation(x)
    for i, (expansion, filters, k, stride, se, swish) in enumerate(_MOBILENETV3_BLOCKS[model_type]):
        x = _v3_block(x, expansion, _make_divisible(filters * alpha, 8), kernel if k is None else k, stride, se_ratio if se else None, activation if swish else _v3_relu, i)
    last_conv_ch = _make_divisible(backend.int_shape(x)[channel_axis] * 6, 8)
    if alpha > 1.0:
        last_point_ch = _make_divisible(last_point_ch * alpha, 8)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="Conv_1/BatchNorm")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="Conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="Logits")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(activation=classifier_activation, name="Predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    return keras.Model(_model_inputs(input_tensor, img_input), x, name="MobilenetV3" + model_type)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _mobilenetv3("small", 1024, input_shape, alpha, minimalistic, include_top, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _mobilenetv3("large", 1280, input_shape, alpha, minimalistic, include_top, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing)
`;
