"""Tabular model: Dense -> BatchNormalization -> Dense.

What is normalized here? BatchNormalization keeps one mean, variance, gamma and beta per feature
(50 of them) and averages over the batch only. Hover over BatchNormalization to see it.
"""
import tensorflow as tf

inp = tf.keras.layers.Input((30,))
x = tf.keras.layers.Dense(50)(inp)
bn = tf.keras.layers.BatchNormalization()(x)
out = tf.keras.layers.Dense(5)(bn)

model = tf.keras.Model(inp, out)
model.summary()
