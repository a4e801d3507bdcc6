// ResNet and ResNetV2 50 / 101 / 152 in the bundled keras.applications (joined by ./index.ts).
export const resnet = String.raw`# ResNet and ResNetV2 (He et al. 2015, 2016)

def _block1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    bn_axis = _bn_axis()
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=name + "_2_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_3_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def _stack1(x, filters, blocks, stride1=2, name=None):
    x = _block1(x, filters, stride=stride1, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = _block1(x, filters, conv_shortcut=False, name=name + "_block" + str(i))
    return x


def _block2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    bn_axis = _bn_axis()
    preact = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_preact_bn")(x)
    preact = layers.Activation("relu", name=name + "_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=name + "_2_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return layers.Add(name=name + "_out")([shortcut, x])


def _stack2(x, filters, blocks, stride1=2, name=None):
    x = _block2(x, filters, conv_shortcut=True, name=name + "_block1")
    for i in range(2, blocks):
        x = _block2(x, filters, name=name + "_block" + str(i))
    return _block2(x, filters, stride=stride1, name=name + "_block" + str(blocks))


def _resnet(depths, preact, name, include_top, input_tensor, input_shape, pooling, classes, classifier_activation):
    bn_axis = _bn_axis()
    img_input = _input(input_tensor, input_shape, 224, include_top)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    if not preact:
        x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    if preact:
        x = _stack2(x, 64, depths[0], name="conv2")
        x = _stack2(x, 128, depths[1], name="conv3")
        x = _stack2(x, 256, depths[2], name="conv4")
        x = _stack2(x, 512, depths[3], stride1=1, name="conv5")
        x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    else:
        x = _stack1(x, 64, depths[0], stride1=1, name="conv2")
        x = _stack1(x, 128, depths[1], name="conv3")
        x = _stack1(x, 256, depths[2], name="conv4")
        x = _stack1(x, 512, depths[3], name="conv5")
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(_model_inputs(input_tensor, img_input), x, name=name)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _resnet([3, 4, 6, 3], False, "resnet50", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _resnet([3, 4, 23, 3], False, "resnet101", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _resnet([3, 8, 36, 3], False, "resnet152", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _resnet([3, 4, 6, 3], True, "resnet50v2", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _resnet([3, 4, 23, 3], True, "resnet101v2", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _resnet([3, 8, 36, 3], True, "resnet152v2", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)
`;
