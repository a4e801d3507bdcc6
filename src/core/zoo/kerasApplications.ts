// The bundled Python source of `keras.applications` that NormLens's interpreter runs when a file
// calls a Keras application (see src/core/zoo/index.ts). Kept as Python, in a raw string, so that it
// reads and diffs as the model code it is.
export const kerasApplications = String.raw`# keras.applications as NormLens reads them: the architectures of the published configurations
# (the papers and Keras's documented block settings), written for NormLens's interpreter with
# Keras's layer names, so that a frozen base, a new head, include_top=False, pooling= and classes=
# act on the same layers. Weights are never loaded. Not Keras's source.
import math

import keras
from keras import backend, layers


def _bn_axis():
    return 3 if backend.image_data_format() == "channels_last" else 1


def _check_classes(weights, include_top, classes):
    # The value is used, so that the raise makes the counts unknown (a raise in a call whose value
    # is dropped does not stop the caller in NormLens's interpreter).
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using weights='imagenet' with include_top=True, classes should be 1000.")
    return classes


def _input(input_tensor, input_shape, default_size, include_top):
    if input_shape is None:
        if include_top:
            size = default_size
        else:
            size = None
        if backend.image_data_format() == "channels_last":
            input_shape = (size, size, 3)
        else:
            input_shape = (3, size, size)
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    return input_tensor


def _head(x, include_top, pooling, classes, classifier_activation, avg_name="avg_pool"):
    if include_top:
        x = layers.GlobalAveragePooling2D(name=avg_name)(x)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D()(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D()(x)
    return x


def _correct_pad(x, kernel_size):
    size = backend.int_shape(x)[1:3] if backend.image_data_format() == "channels_last" else backend.int_shape(x)[2:4]
    if size[0] is None:
        adjust = (1, 1)
    else:
        adjust = (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (kernel_size // 2, kernel_size // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def preprocess_input(x, data_format=None):
    # Each application scales or centres the pixels its own way; every way keeps the shape and adds
    # no weights (tf.keras shows the arithmetic as TFOpLambda rows).
    return x / 127.5 - 1.0


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


# VGG16 / VGG19 (Simonyan & Zisserman 2014)

def _vgg(convs, name, include_top, input_tensor, input_shape, pooling, classes, classifier_activation):
    img_input = _input(input_tensor, input_shape, 224, include_top)
    x = img_input
    filters = [64, 128, 256, 512, 512]
    for b in range(5):
        for c in range(convs[b]):
            x = layers.Conv2D(filters[b], (3, 3), activation="relu", padding="same", name="block%d_conv%d" % (b + 1, c + 1))(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name="block%d_pool" % (b + 1))(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    return keras.Model(img_input, x, name=name)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _vgg([2, 2, 3, 3, 3], "vgg16", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _vgg([2, 2, 4, 4, 4], "vgg19", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


# ResNet and ResNetV2 (He et al. 2015, 2016)

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
    return keras.Model(img_input, x, name=name)


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


# MobileNet (Howard et al. 2017)

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
    return keras.Model(img_input, x, name="mobilenet_%0.2f_%s" % (alpha, 224 if input_shape is None else input_shape[0]))


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
    return keras.Model(img_input, x, name="mobilenetv2_%0.2f_%s" % (alpha, 224 if input_shape is None else input_shape[0]))


# DenseNet (Huang et al. 2016)

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
    return keras.Model(img_input, x, name=name)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _densenet([6, 12, 24, 16], "densenet121", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _densenet([6, 12, 32, 32], "densenet169", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _densenet([6, 12, 48, 32], "densenet201", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


# InceptionV3 (Szegedy et al. 2015)

def _conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    bn_name = None if name is None else name + "_bn"
    conv_name = None if name is None else name + "_conv"
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False, name=conv_name)(x)
    x = layers.BatchNormalization(axis=_bn_axis(), scale=False, name=bn_name)(x)
    return layers.Activation("relu", name=name)(x)


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    channel_axis = _bn_axis()
    img_input = _input(input_tensor, input_shape, 299, include_top)
    x = _conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = _conv2d_bn(x, 32, 3, 3, padding="valid")
    x = _conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _conv2d_bn(x, 80, 1, 1, padding="valid")
    x = _conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for i, pool_filters in enumerate([32, 64, 64]):
        branch1x1 = _conv2d_bn(x, 64, 1, 1)
        branch5x5 = _conv2d_bn(_conv2d_bn(x, 48, 1, 1), 64, 5, 5)
        branch3x3dbl = _conv2d_bn(_conv2d_bn(_conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
        branch_pool = _conv2d_bn(layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), pool_filters, 1, 1)
        x = layers.concatenate([branch1x1, branch5x5, branch3x3dbl, branch_pool], axis=channel_axis, name="mixed%d" % i)
    branch3x3 = _conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = _conv2d_bn(_conv2d_bn(_conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([branch3x3, branch3x3dbl, branch_pool], axis=channel_axis, name="mixed3")
    for i, c in enumerate([128, 160, 160, 192]):
        branch1x1 = _conv2d_bn(x, 192, 1, 1)
        branch7x7 = _conv2d_bn(_conv2d_bn(_conv2d_bn(x, c, 1, 1), c, 1, 7), 192, 7, 1)
        branch7x7dbl = _conv2d_bn(x, c, 1, 1)
        branch7x7dbl = _conv2d_bn(branch7x7dbl, c, 7, 1)
        branch7x7dbl = _conv2d_bn(branch7x7dbl, c, 1, 7)
        branch7x7dbl = _conv2d_bn(branch7x7dbl, c, 7, 1)
        branch7x7dbl = _conv2d_bn(branch7x7dbl, 192, 1, 7)
        branch_pool = _conv2d_bn(layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), 192, 1, 1)
        x = layers.concatenate([branch1x1, branch7x7, branch7x7dbl, branch_pool], axis=channel_axis, name="mixed%d" % (4 + i))
    branch3x3 = _conv2d_bn(_conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = _conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = _conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = _conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = _conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([branch3x3, branch7x7x3, branch_pool], axis=channel_axis, name="mixed8")
    for i in range(2):
        branch1x1 = _conv2d_bn(x, 320, 1, 1)
        branch3x3 = _conv2d_bn(x, 384, 1, 1)
        branch3x3 = layers.concatenate([_conv2d_bn(branch3x3, 384, 1, 3), _conv2d_bn(branch3x3, 384, 3, 1)], axis=channel_axis, name="mixed9_" + str(i))
        branch3x3dbl = _conv2d_bn(_conv2d_bn(x, 448, 1, 1), 384, 3, 3)
        branch3x3dbl = layers.concatenate([_conv2d_bn(branch3x3dbl, 384, 1, 3), _conv2d_bn(branch3x3dbl, 384, 3, 1)], axis=channel_axis)
        branch_pool = _conv2d_bn(layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), 192, 1, 1)
        x = layers.concatenate([branch1x1, branch3x3, branch3x3dbl, branch_pool], axis=channel_axis, name="mixed" + str(9 + i))
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(img_input, x, name="inception_v3")


# Xception (Chollet 2016)

def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    channel_axis = _bn_axis()
    img_input = _input(input_tensor, input_shape, 299, include_top)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=channel_axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=channel_axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    for block, filters, first_act in [(2, 128, False), (3, 256, True), (4, 728, True)]:
        residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
        residual = layers.BatchNormalization(axis=channel_axis)(residual)
        if first_act:
            x = layers.Activation("relu", name="block%d_sepconv1_act" % block)(x)
        x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name="block%d_sepconv1" % block)(x)
        x = layers.BatchNormalization(axis=channel_axis, name="block%d_sepconv1_bn" % block)(x)
        x = layers.Activation("relu", name="block%d_sepconv2_act" % block)(x)
        x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name="block%d_sepconv2" % block)(x)
        x = layers.BatchNormalization(axis=channel_axis, name="block%d_sepconv2_bn" % block)(x)
        x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block%d_pool" % block)(x)
        x = layers.add([x, residual])
    for i in range(8):
        residual = x
        prefix = "block" + str(i + 5)
        for j in range(1, 4):
            x = layers.Activation("relu", name=prefix + "_sepconv%d_act" % j)(x)
            x = layers.SeparableConv2D(728, (3, 3), padding="same", use_bias=False, name=prefix + "_sepconv%d" % j)(x)
            x = layers.BatchNormalization(axis=channel_axis, name=prefix + "_sepconv%d_bn" % j)(x)
        x = layers.add([x, residual])
    residual = layers.Conv2D(1024, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=channel_axis)(residual)
    x = layers.Activation("relu", name="block13_sepconv1_act")(x)
    x = layers.SeparableConv2D(728, (3, 3), padding="same", use_bias=False, name="block13_sepconv1")(x)
    x = layers.BatchNormalization(axis=channel_axis, name="block13_sepconv1_bn")(x)
    x = layers.Activation("relu", name="block13_sepconv2_act")(x)
    x = layers.SeparableConv2D(1024, (3, 3), padding="same", use_bias=False, name="block13_sepconv2")(x)
    x = layers.BatchNormalization(axis=channel_axis, name="block13_sepconv2_bn")(x)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block13_pool")(x)
    x = layers.add([x, residual])
    x = layers.SeparableConv2D(1536, (3, 3), padding="same", use_bias=False, name="block14_sepconv1")(x)
    x = layers.BatchNormalization(axis=channel_axis, name="block14_sepconv1_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = layers.SeparableConv2D(2048, (3, 3), padding="same", use_bias=False, name="block14_sepconv2")(x)
    x = layers.BatchNormalization(axis=channel_axis, name="block14_sepconv2_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(img_input, x, name="xception")


# EfficientNet B0–B7 (Tan & Le 2019)

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
    return keras.Model(img_input, x, name=name)


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
    return keras.Model(img_input, x, name=name)


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


# ConvNeXt Tiny / Small / Base / Large / XLarge (Liu et al. 2022)

class LayerScale(layers.Layer):
    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,), initializer=keras.initializers.Constant(self.init_values), trainable=True, name="gamma")

    def call(self, x):
        return x * self.gamma


def _convnext_block(x, projection_dim, layer_scale_init_value, name):
    inputs = x
    x = layers.Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim, name=name + "_depthwise_conv")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name=name + "_layernorm")(x)
    x = layers.Dense(4 * projection_dim, name=name + "_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=name + "_gelu")(x)
    x = layers.Dense(projection_dim, name=name + "_pointwise_conv_2")(x)
    x = LayerScale(layer_scale_init_value, projection_dim, name=name + "_layer_scale")(x)
    x = layers.Activation("linear", name=name + "_identity")(x)
    return inputs + x


def _convnext(depths, projection_dims, default_size, name, include_top, include_preprocessing, input_tensor, input_shape, pooling, classes, classifier_activation):
    img_input = _input(input_tensor, input_shape, default_size, include_top)
    x = img_input
    if include_preprocessing:
        x = layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255], variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2], name=name + "_prestem_normalization")(x)
    # The stem and each downsampling step are Sequential models of their own (one row each in the summary).
    stem = keras.Sequential([layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=name + "_stem_conv"), layers.LayerNormalization(epsilon=1e-6, name=name + "_stem_layernorm")], name=name + "_stem")
    downsampling = [stem]
    for i in range(3):
        downsampling.append(keras.Sequential([layers.LayerNormalization(epsilon=1e-6, name=name + "_downsampling_layernorm_" + str(i)), layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2, name=name + "_downsampling_conv_" + str(i))], name=name + "_downsampling_block_" + str(i)))
    for i in range(4):
        x = downsampling[i](x)
        for j in range(depths[i]):
            x = _convnext_block(x, projection_dims[i], 1e-6, name + "_stage_" + str(i) + "_block_" + str(j))
    if include_top:
        x = layers.GlobalAveragePooling2D(name=name + "_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=name + "_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=name + "_head_dense")(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    return keras.Model(img_input, x, name=name)


def ConvNeXtTiny(model_name="convnext_tiny", include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _convnext([3, 3, 9, 3], [96, 192, 384, 768], 224, model_name, include_top, include_preprocessing, input_tensor, input_shape, pooling, classes, classifier_activation)


def ConvNeXtSmall(model_name="convnext_small", include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _convnext([3, 3, 27, 3], [96, 192, 384, 768], 224, model_name, include_top, include_preprocessing, input_tensor, input_shape, pooling, classes, classifier_activation)


def ConvNeXtBase(model_name="convnext_base", include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _convnext([3, 3, 27, 3], [128, 256, 512, 1024], 224, model_name, include_top, include_preprocessing, input_tensor, input_shape, pooling, classes, classifier_activation)


def ConvNeXtLarge(model_name="convnext_large", include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _convnext([3, 3, 27, 3], [192, 384, 768, 1536], 224, model_name, include_top, include_preprocessing, input_tensor, input_shape, pooling, classes, classifier_activation)


def ConvNeXtXLarge(model_name="convnext_xlarge", include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _convnext([3, 3, 27, 3], [256, 512, 1024, 2048], 224, model_name, include_top, include_preprocessing, input_tensor, input_shape, pooling, classes, classifier_activation)


# MobileNetV3 Small / Large (Howard et al. 2019), with tf.keras 2's layer names

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
    return keras.Model(img_input, x, name="MobilenetV3" + model_type)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _mobilenetv3("small", 1024, input_shape, alpha, minimalistic, include_top, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _mobilenetv3("large", 1280, input_shape, alpha, minimalistic, include_top, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing)
`;
