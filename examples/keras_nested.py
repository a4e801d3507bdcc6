"""Transfer learning: a MobileNetV2 base, an augmentation pipeline and a head, each a model used as a layer.

`model.summary()` lists each of them as one row with all its parameters (mobilenetv2_1.00_96:
2,257,984). In the panel, show "Nested models expanded" and unfold a nested model (Right arrow or a
click on its caret) to see its layers as `model.summary(expand_nested=True)` prints them.
"""
import keras
from keras import layers

augment = keras.Sequential(
    [layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)],
    name="augment",
)
base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))
base.trainable = False

head = keras.Sequential(
    [
        layers.Dense(64, use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Dropout(0.2),
        layers.Dense(5, activation="softmax"),
    ],
    name="head",
)

inputs = keras.Input(shape=(96, 96, 3))
x = augment(inputs)
x = base(x, training=False)
x = layers.GlobalAveragePooling2D()(x)
outputs = head(x)
model = keras.Model(inputs, outputs, name="flowers")
model.summary(expand_nested=True)
