// InceptionV3, InceptionResNetV2 and Xception in the bundled keras.applications (joined by ./index.ts).
export const inception = String.raw`# InceptionV3 (Szegedy et al. 2015)

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
    return keras.Model(_model_inputs(input_tensor, img_input), x, name="inception_v3")


# InceptionResNetV2 (Szegedy et al. 2016)

def _conv2d_bn_ir(x, filters, kernel_size, strides=1, padding="same", activation="relu", use_bias=False, name=None):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_bn_axis(), scale=False, name=None if name is None else name + "_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else name + "_ac")(x)
    return x


class CustomScaleLayer(layers.Layer):
    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale


def _inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    if block_type == "block35":
        branch_0 = _conv2d_bn_ir(x, 32, 1)
        branch_1 = _conv2d_bn_ir(_conv2d_bn_ir(x, 32, 1), 32, 3)
        branch_2 = _conv2d_bn_ir(_conv2d_bn_ir(_conv2d_bn_ir(x, 32, 1), 48, 3), 64, 3)
        branches = [branch_0, branch_1, branch_2]
    elif block_type == "block17":
        branch_0 = _conv2d_bn_ir(x, 192, 1)
        branch_1 = _conv2d_bn_ir(_conv2d_bn_ir(_conv2d_bn_ir(x, 128, 1), 160, [1, 7]), 192, [7, 1])
        branches = [branch_0, branch_1]
    else:
        branch_0 = _conv2d_bn_ir(x, 192, 1)
        branch_1 = _conv2d_bn_ir(_conv2d_bn_ir(_conv2d_bn_ir(x, 192, 1), 224, [1, 3]), 256, [3, 1])
        branches = [branch_0, branch_1]
    block_name = block_type + "_" + str(block_idx)
    channel_axis = _bn_axis()
    mixed = layers.Concatenate(axis=channel_axis, name=block_name + "_mixed")(branches)
    up = _conv2d_bn_ir(mixed, backend.int_shape(x)[channel_axis], 1, activation=None, use_bias=True, name=block_name + "_conv")
    x = CustomScaleLayer(scale, name=block_name)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=block_name + "_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    channel_axis = _bn_axis()
    img_input = _input(input_tensor, input_shape, 299, include_top)
    x = _conv2d_bn_ir(img_input, 32, 3, strides=2, padding="valid")
    x = _conv2d_bn_ir(x, 32, 3, padding="valid")
    x = _conv2d_bn_ir(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = _conv2d_bn_ir(x, 80, 1, padding="valid")
    x = _conv2d_bn_ir(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    branch_0 = _conv2d_bn_ir(x, 96, 1)
    branch_1 = _conv2d_bn_ir(_conv2d_bn_ir(x, 48, 1), 64, 5)
    branch_2 = _conv2d_bn_ir(_conv2d_bn_ir(_conv2d_bn_ir(x, 64, 1), 96, 3), 96, 3)
    branch_pool = _conv2d_bn_ir(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)
    x = layers.Concatenate(axis=channel_axis, name="mixed_5b")([branch_0, branch_1, branch_2, branch_pool])
    for block_idx in range(1, 11):
        x = _inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)
    branch_0 = _conv2d_bn_ir(x, 384, 3, strides=2, padding="valid")
    branch_1 = _conv2d_bn_ir(_conv2d_bn_ir(_conv2d_bn_ir(x, 256, 1), 256, 3), 384, 3, strides=2, padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=channel_axis, name="mixed_6a")([branch_0, branch_1, branch_pool])
    for block_idx in range(1, 21):
        x = _inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)
    branch_0 = _conv2d_bn_ir(_conv2d_bn_ir(x, 256, 1), 384, 3, strides=2, padding="valid")
    branch_1 = _conv2d_bn_ir(_conv2d_bn_ir(x, 256, 1), 288, 3, strides=2, padding="valid")
    branch_2 = _conv2d_bn_ir(_conv2d_bn_ir(_conv2d_bn_ir(x, 256, 1), 288, 3), 320, 3, strides=2, padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=channel_axis, name="mixed_7a")([branch_0, branch_1, branch_2, branch_pool])
    for block_idx in range(1, 10):
        x = _inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = _inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = _conv2d_bn_ir(x, 1536, 1, name="conv_7b")
    x = _head(x, include_top, pooling, classes, classifier_activation)
    return keras.Model(_model_inputs(input_tensor, img_input), x, name="inception_resnet_v2")


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
    return keras.Model(_model_inputs(input_tensor, img_input), x, name="xception")
`;
