// ConvNeXt Tiny to XLarge in the bundled keras.applications (joined by ./index.ts).
export const convnext = String.raw`# ConvNeXt Tiny / Small / Base / Large / XLarge (Liu et al. 2022)

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
    return keras.Model(_model_inputs(input_tensor, img_input), x, name=name)


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
`;
