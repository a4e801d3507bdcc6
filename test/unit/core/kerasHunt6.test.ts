import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Constructs from the Keras hunts of 2026-12-07 (session 18), each reduced to a few lines. Expected
 * values: the tables the notebooks printed, or Keras's own rule, as each case says.
 */

function modelOf(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `a model ${name} in ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

const totals = (m: ModelSummary) => [m.totals.total, m.totals.trainable, m.totals.nonTrainable];

describe('Keras hunts of session 18: exact where Keras decides', () => {
	it("predict() gives arrays of the model's output shape: bottleneck features build the classifier on top", () => {
		// PacktPublishing/Neural-Networks-with-Keras-Cookbook Chapter05: a classifier built on
		// `features.shape[1:]` after `features = vgg16.predict(x)`. VGG16(include_top=False) on
		// 150×150 gives (None, 4, 4, 512): Flatten 8,192 → Dense 2,097,408 + Dense 257 = 2,097,665.
		const r = analyzePython(`import numpy as np
from keras.applications import VGG16
from keras.models import Sequential
from keras.layers import Dense, Flatten
base = VGG16(include_top=False, weights=None, input_shape=(150, 150, 3))
x = np.load('images.npy')
features = base.predict(x)
model = Sequential()
model.add(Flatten(input_shape=features.shape[1:]))
model.add(Dense(256, activation='relu'))
model.add(Dense(1, activation='sigmoid'))
model.summary()
`);
		assert.deepStrictEqual(totals(modelOf(r, 'model')), [2097665, 2097665, 0]);
	});

	it("predict()'s samples are its data's where NormLens holds them, and unknown with the reason otherwise", () => {
		// Keras returns one row per sample given: (100, 4) for 100 samples; a generator's count
		// depends on what it yields. Each output of a model of several is an array of its own.
		const r = analyzePython(`import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
x = np.zeros((100, 8))
m = keras.Sequential([layers.Dense(4)])
y = m.predict(x)
wide = keras.Sequential([layers.Dense(y.shape[0], input_shape=(y.shape[1],))])
feats = m.predict_generator(iter([x]), 3)
unknown_rows = keras.Sequential([layers.Dense(feats.shape[0], input_shape=(3,))])
inp = keras.Input((5,))
two = keras.Model(inp, [layers.Dense(3)(inp), layers.Dense(7)(inp)])
a, b = two.predict(np.ones((10, 5)))
second = keras.Sequential([layers.Dense(1, input_shape=b.shape[1:])])
`);
		// Dense(100) on 4 features: 500; Dense(1) on b's 7: 8.
		assert.strictEqual(modelOf(r, 'wide').totals.total, 500);
		assert.strictEqual(modelOf(r, 'second').totals.total, 8);
		const unknownRows = modelOf(r, 'unknown_rows');
		assert.strictEqual(unknownRows.totals.total, null);
		assert.match(
			unknownRows.unknown?.reason ?? '',
			/predict_generator\(…\)` returns as many samples as its data holds/,
		);
	});
});
