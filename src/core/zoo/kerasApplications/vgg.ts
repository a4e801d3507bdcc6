// VGG16 and VGG19 in the bundled keras.applications (joined by ./index.ts).
export const vgg = String.raw`# VGG16 / VGG19 (Simonyan & Zisserman 2014)

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
    return keras.Model(_model_inputs(input_tensor, img_input), x, name=name)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _vgg([2, 2, 3, 3, 3], "vgg16", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", **kwargs):
    classes = _check_classes(weights, include_top, classes)
    return _vgg([2, 2, 4, 4, 4], "vgg19", include_top, input_tensor, input_shape, pooling, classes, classifier_activation)
`;
