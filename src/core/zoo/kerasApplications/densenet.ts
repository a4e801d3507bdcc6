// DenseNet 121 / 169 / 201 in the bundled keras.applications (joined by ./index.ts).
export const densenet = String.raw`# DenseNet (Huang et al. 2016)

def _densenet(blocks, name, include_top, input_tensor, input_shape, pooling, classes, classifier_activation):
    bn_axis = _bn_axis()
    img_input = _input(input_tensor, input_shape, 224, include_top)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1/conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="conv1/bn")(x)
    x = layers.Activation("relu", name="conv1/relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    channels = 64
    for i, n in enumerate(blocks):
        stage = "conv%d" % (i + 2)
        for j in range(n):
            name_j = stage + "_block" + str(j + 1)
            x1 = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name_j + "_0_bn")(x)
            x1 = layers.Activation("relu", name=name_j + "_0_relu")(x1)
            x1 = layers.Conv2D(4 * 32, 1, use_bias=False, name=name_j + "_1_conv")(x1)
            x1 = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name_j + "_1_bn")(x1)
            x1 = layers.Activation("relu", name=name_j + "_1_relu")(x1)
            x1 = layers.Conv2D(32, 3, padding="same", use_bias=False, name=name_j + "_2_conv")(x1)
            x = layers.Concatenate(axis=bn_axis, name=name_j + "_concat")([x, x1])
            channels = channels + 32
        if i < len(blocks) - 1:
            pool = "pool%d" % (i + 2)
            x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=pool + "_bn")(x)
            x = layers.Activation("relu", name=pool + "_relu")(x)
            channels = int(channels * 0.5)
            x = layers.Conv2D(channels, 1, use_bias=False, name=pool + "_conv")(x)
            x = layers.AveragePooling2D(2, strides=2, name=pool + "_pool")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(_model_inputs(input_tensor, img_input), x, name=name)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _densenet([6, 12, 24, 16], "densenet121", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _densenet([6, 12, 32, 32], "densenet169", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _densenet([6, 12, 48, 32], "densenet201", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)
`;
