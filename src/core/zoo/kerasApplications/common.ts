// The head of the bundled keras.applications: imports, and the input, head and padding helpers.
export const common = String.raw`# keras.applications as NormLens reads them: the architectures of the published configurations
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


def _model_inputs(input_tensor, img_input):
    # Given input_tensor=, Keras builds the model from that tensor's sources: the layers before it
    # (an augmentation, a rescaling) are the model's first layers.
    if input_tensor is None:
        return img_input
    return keras.utils.get_source_inputs(input_tensor)


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
`;
