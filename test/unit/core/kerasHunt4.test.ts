import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Constructs from the fourth Keras hunt (2026-12-07: 315 printed model.summary() tables in 199
 * notebooks from 34 repositories; no wrong number, 17 knowable unknowns), each reduced to a few
 * lines. Expected values: the tables the notebooks printed, as each case says.
 */

function modelOf(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `a model ${name} in ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

describe('the fourth Keras hunt: knowable unknowns made exact', () => {
	it("a Sequential of two built Sequentials (a GAN): each row has its model's output shape", () => {
		// tirthajyoti/Deep-learning-with-Python GAN_1D.ipynb printed (None, 2) 402 and (None, 1)
		// 401; total 803, trainable 402 (the discriminator frozen).
		const m = modelOf(
			analyzePython(`from keras.models import Sequential
from keras.layers import Dense

def define_discriminator(n_inputs=2):
    model = Sequential()
    model.add(Dense(100, activation='relu', input_dim=n_inputs))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='adam')
    return model

def define_generator(latent_dim, n_outputs=2):
    model = Sequential()
    model.add(Dense(50, activation='relu', input_dim=latent_dim))
    model.add(Dense(n_outputs, activation='linear'))
    return model

discriminator = define_discriminator()
discriminator.trainable = False
model_gan = Sequential()
model_gan.add(define_generator(5))
model_gan.add(discriminator)
model_gan.summary()
`),
			'model_gan',
		);
		assert.deepStrictEqual(
			m.layers.map((l) => [l.outputShape, l.params?.total]),
			[
				[[null, 2], 402],
				[[null, 1], 401],
			],
		);
		assert.deepStrictEqual([m.totals.total, m.totals.trainable], [803, 402]);
	});

	it('np.reshape(data, (data.shape[0], 28, 28, 1)) of data NormLens does not hold has the sizes written', () => {
		// the-deep-learners/deep-learning-illustrated GAN discriminator: 14,209 printed.
		assert.strictEqual(
			modelOf(
				analyzePython(`import numpy as np
from tensorflow.keras.layers import Input, Conv2D, Flatten, Dense
from tensorflow.keras.models import Model

data = np.load('quickdraw_apple.npy')          # (N, 784) uint8; N unknown statically
data = data / 255
data = np.reshape(data, (data.shape[0], 28, 28, 1))
img_w, img_h = data.shape[1:3]

image = Input((img_w, img_h, 1))
x = Conv2D(64, 5, strides=2, padding='same', activation='relu')(image)
out = Dense(1, activation='sigmoid')(Flatten()(x))
discriminator = Model(image, out)
discriminator.summary()
`),
				'discriminator',
			).totals.total,
			14209,
		);
	});

	it("a Lambda over a pair with K.maximum (a siamese network's euclidean distance) has its shape", () => {
		// Siamese network notebook (standalone Keras 2): 100,482 printed.
		assert.strictEqual(
			modelOf(
				analyzePython(`from keras import backend as K
from keras.layers import Input, Flatten, Dense, Lambda
from keras.models import Model

def euclidean_distance(vects):
    x, y = vects
    sum_square = K.sum(K.square(x - y), axis=1, keepdims=True)
    return K.sqrt(K.maximum(sum_square, K.epsilon()))

inp = Input((28, 28))
dense = Model(inp, Dense(128, activation='relu')(Flatten()(inp)))
input1, input2 = Input((28, 28)), Input((28, 28))
d = Lambda(euclidean_distance)([dense(input1), dense(input2)])
out = Dense(1, activation='sigmoid')(d)
model = Model(inputs=[input1, input2], outputs=out)
model.summary()
`),
				'model',
			).totals.total,
			100482,
		);
	});

	it('a Lambda whose function NormLens cannot follow says so, and the layers after it name that function', () => {
		// YOLOv2's space_to_depth_x2 with TF 1's tf.space_to_depth: the totals said only that
		// conv_22 was never built.
		const m = modelOf(
			analyzePython(`import tensorflow as tf
from tensorflow.keras.layers import Input, Conv2D, Lambda, concatenate
from tensorflow.keras.models import Model

def space_to_depth_x2(x):
    return tf.space_to_depth(x, block_size=2)   # TF1 name, as in the notebook

skip = Input(shape=(26, 26, 64))
deep = Input(shape=(13, 13, 1024))
s = Lambda(space_to_depth_x2)(skip)
x = concatenate([s, deep])
x = Conv2D(1024, (3, 3), padding='same', use_bias=False, name='conv_22')(x)
model = Model([skip, deep], x)
model.summary()
`),
			'model',
		);
		assert.strictEqual(m.totals.total, null);
		assert.match(
			m.unknown?.reason ?? '',
			/^NormLens cannot compute the output shape of Lambda `lambda`: NormLens cannot follow `tf\.space_to_depth\(…\)`/,
		);
	});

	it("a built model called in a training loop NormLens stops following changes no count (a WGAN's critic)", () => {
		// WGAN-GP notebook: 641 printed after 5,000 steps (Dense 8·64 + 64, Dense 64 + 1).
		const r = analyzePython(`import tensorflow as tf
import tensorflow_datasets as tfds
from tensorflow.keras import Sequential, layers

class WGAN:
    def __init__(self):
        self.critic = Sequential([layers.Input((8,)), layers.Dense(64), layers.Dense(1)])
        self.opt = tf.keras.optimizers.Adam(1e-4)
        self.n_critic = 5

    def train_critic(self, real):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(self.critic(real))
        grads = tape.gradient(loss, self.critic.variables)
        self.opt.apply_gradients(zip(grads, self.critic.variables))

    def train(self, data_generator, steps):
        for i in range(steps):
            for _ in range(self.n_critic):
                self.train_critic(next(data_generator))

ds_train = tfds.load('some_dataset', split='train').batch(64)
wgan = WGAN()
wgan.train(iter(ds_train), 5000)
wgan.critic.summary()
`);
		assert.strictEqual(modelOf(r, 'self.critic').totals.total, 641);
	});

	it('a Lambda returning a list of tensors is unpacked (`z_mean, z_log_sigma = Slicer(enc)`); its row says it has several shapes', () => {
		// Hands-On Computer Vision with TensorFlow 2, ch. 7 VAE: 3,168 (Dense 64·32 + 32, Dense 16·64 + 64;
		// Keras 3.15 gives the same).
		const m = modelOf(
			analyzePython(`import tensorflow as tf
from tensorflow.keras.layers import Input, Dense, Lambda
from tensorflow.keras.models import Model

latent_dim = 16
Slicer = Lambda(lambda args: [tf.reshape(args[..., :latent_dim], (-1, latent_dim)),
                              tf.reshape(args[..., latent_dim:], (-1, latent_dim))], name='slicer')
inputs = Input(shape=(64,))
enc = Dense(2 * latent_dim)(inputs)
z_mean, z_log_sigma = Slicer(enc)
out = Dense(64)(z_mean)
vae = Model(inputs, out)
vae.summary()
`),
			'vae',
		);
		assert.strictEqual(m.totals.total, 3168);
		const slicer = m.layers.find((l) => l.name === 'slicer');
		assert.strictEqual(slicer?.outputShape, null);
		assert.match(slicer?.unknown?.reason ?? '', /returns a list of 2 tensors/);
	});

	it('np.zeros / np.eye / np.identity / np.full make arrays of the sizes asked for', () => {
		// NumPy: 28·3 = 84 inputs, 7 + 4 + 6 = 17 units: 84·17 + 17 = 1,445.
		assert.strictEqual(
			modelOf(
				analyzePython(`import numpy as np
from tensorflow.keras.layers import Input, Dense
from tensorflow.keras.models import Model
x = np.zeros((100, 28, 3))
e = np.eye(5, 7)
i = np.identity(4)
f = np.full((2, 6), 0.5)
a = Input((x.shape[1] * x.shape[2],))
m = Model(a, Dense(e.shape[1] + i.shape[0] + f.shape[1])(a))
`),
				'm',
			).totals.total,
			1445,
		);
	});

	it("tf.image.resize(a, tf.shape(b)[-3:-1]) in a Lambda (a U-Net's resize to the skip's size) takes b's static sides", () => {
		// Conv2D 3·3·1·32 + 32 = 320, Conv2D 3·3·32·1 + 1 = 289: 609 (the helper's count, Keras 3.15 alike).
		const m = modelOf(
			analyzePython(`import tensorflow as tf
from tensorflow.keras.layers import Input, Conv2D, Lambda, UpSampling2D
from tensorflow.keras.models import Model

ResizeToSame = lambda name: Lambda(
    lambda images: tf.image.resize(images[0], tf.shape(images[1])[-3:-1]), name=name)

inp = Input(shape=(28, 28, 1))
x = Conv2D(32, 3, strides=2, padding='same')(inp)
x = UpSampling2D()(x)
x = ResizeToSame('resize_to_same0')([x, inp])
x = Conv2D(1, 3, padding='same')(x)
model = Model(inp, x)
model.summary()
`),
			'model',
		);
		assert.strictEqual(m.totals.total, 609);
		assert.deepStrictEqual(m.layers.find((l) => l.name === 'resize_to_same0')?.outputShape, [
			null,
			28,
			28,
			32,
		]);
	});
});
