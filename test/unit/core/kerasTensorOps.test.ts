import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

/**
 * TensorFlow and keras.ops functions between Keras layers (`tf.concat`, `tf.reshape`,
 * `tf.reduce_mean`, `tf.expand_dims`, `tf.squeeze`, `tf.transpose`, `tf.matmul`): the shape each
 * gives, by TensorFlow's documented semantics, read at the Dense layer after it (a Dense of `i`
 * inputs and `o` units has i·o + o parameters). Before, such a call made the model unknown.
 */
function denseAfter(expr: string, input = '(8, 4)'): number | null {
	const r = analyzePython(
		`import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\ninp = layers.Input(${input})\nx = ${expr}\nout = layers.Dense(1)(layers.Flatten()(x))\nmodel = keras.Model(inp, out)\n`,
	);
	const m = r.models.find((x) => x.name === 'model');
	const dense = m?.layers.filter((l) => l.type === 'Dense').pop();
	return dense?.params?.total === undefined ? null : dense.params.total - 1;
}

describe('TensorFlow ops between Keras layers', () => {
	it('each op gives the shape TensorFlow gives (read as the flattened size the Dense after it sees)', () => {
		const cases: [string, number][] = [
			['tf.concat([inp, layers.Dense(6)(inp)], axis=-1)', 8 * 10],
			['tf.concat([inp, inp], 1)', 16 * 4],
			['keras.ops.concatenate([inp, inp], axis=2)', 8 * 8],
			['tf.reshape(inp, (-1, 4, 8))', 32],
			['tf.reduce_mean(inp, axis=1)', 4],
			['tf.reduce_sum(inp, axis=[1, 2], keepdims=True)', 1],
			['tf.reduce_max(inp, 2, True)', 8],
			['tf.expand_dims(inp, axis=-1)', 32],
			['tf.squeeze(tf.expand_dims(inp, 1), axis=1)', 32],
			['tf.transpose(inp, perm=[0, 2, 1])', 32],
			['tf.matmul(inp, tf.transpose(inp, perm=[0, 2, 1]))', 64],
		];
		assert.deepStrictEqual(
			cases.map(([e]) => [e, denseAfter(e)]),
			cases,
		);
	});

	it('resize, tile, pad, one_hot, stack, einsum and the Keras 2 backend: the shapes TensorFlow documents', () => {
		// Read as the flattened size the Dense after them sees, from an input of (None, 8, 4).
		const cases: [string, number][] = [
			['tf.image.resize(tf.expand_dims(inp, -1), (16, 6))', 16 * 6],
			['tf.image.resize(tf.expand_dims(inp, -1), size=[3, 2], method="nearest")', 3 * 2],
			['keras.ops.image.resize(tf.expand_dims(inp, -1), (5, 7))', 5 * 7],
			['tf.tile(inp, [1, 2, 3])', 16 * 12],
			['tf.pad(inp, [[0, 0], [1, 2], [0, 3]])', 11 * 7],
			['tf.pad(inp, paddings=((0, 0), (2, 2), (1, 1)), mode="REFLECT")', 12 * 6],
			['tf.one_hot(tf.cast(inp, tf.int32), 3)', 8 * 4 * 3],
			['tf.one_hot(tf.cast(inp, tf.int32), depth=3, axis=1)', 3 * 8 * 4],
			['tf.stack([inp, inp, inp], axis=1)', 3 * 8 * 4],
			['tf.stack([inp, inp], axis=-1)', 8 * 4 * 2],
			['tf.einsum("bij,bkj->bik", inp, inp)', 8 * 8],
			['tf.einsum("bij->bji", inp)', 4 * 8],
			['keras.ops.einsum("bij,bjk->bik", inp, tf.transpose(inp, perm=[0, 2, 1]))', 8 * 8],
			['keras.backend.concatenate([inp, inp])', 8 * 8],
			['keras.backend.expand_dims(inp)', 8 * 4],
			['keras.backend.permute_dimensions(inp, (0, 2, 1))', 4 * 8],
			['keras.backend.mean(inp, axis=1, keepdims=True)', 4],
			['keras.backend.sum(inp, axis=-1)', 8],
		];
		assert.deepStrictEqual(
			cases.map(([e]) => [e, denseAfter(e)]),
			cases,
		);
	});

	it('split and unstack give lists of tensors; matmul reads transpose_b (attention from one projection)', () => {
		const cases: [string, number][] = [
			['tf.split(inp, 2, axis=1)[1]', 4 * 4],
			['tf.split(inp, [3, -1], axis=-1)[0]', 8 * 3],
			['tf.split(inp, [3, -1], axis=-1)[1]', 8 * 1],
			['keras.ops.split(inp, [1, 5], axis=1)[1]', 4 * 4],
			['keras.ops.split(inp, 4, axis=1)[3]', 2 * 4],
			['tf.unstack(inp, axis=1)[7]', 4],
			['tf.matmul(inp, inp, transpose_b=True)', 8 * 8],
			['tf.matmul(inp, inp, transpose_a=True)', 4 * 4],
		];
		assert.deepStrictEqual(
			cases.map(([e]) => [e, denseAfter(e)]),
			cases,
		);
		const r = analyzePython(
			[
				'import tensorflow as tf',
				'from tensorflow import keras',
				'x = keras.Input(shape=(10, 64))',
				'q, k, v = tf.split(keras.layers.Dense(3 * 64)(x), 3, axis=-1)',
				'scores = tf.nn.softmax(tf.matmul(q, k, transpose_b=True) / 8.0)',
				'out = keras.layers.Dense(4)(tf.matmul(scores, v))',
				'model = keras.Model(x, out)',
			].join('\n'),
		);
		// Dense 64·192 + 192; Dense 64·4 + 4 on the (None, 10, 64) attention output.
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 12480 + 260);
	});

	it('a split TensorFlow refuses is an error at the call, and the model unknown with it', () => {
		const r = analyzePython(
			[
				'import tensorflow as tf',
				'from tensorflow import keras',
				'x = keras.Input(shape=(10, 64))',
				'a, b, c = tf.split(x, 3, axis=-1)',
				'model = keras.Model(x, keras.layers.Dense(2)(a))',
			].join('\n'),
		);
		assert.ok(
			r.diagnostics.some((d) => /3 pieces do not divide the axis of 64/.test(d.message)),
		);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, null);
	});

	it("functions that keep their argument's shape; tf.nn.crelu, which doubles the last axis, is not one of them", () => {
		for (const e of [
			'tf.reverse(inp, [1])',
			'tf.roll(inp, 2, axis=1)',
			'tf.sort(inp)',
			'tf.argsort(inp, axis=1)',
			'tf.math.cumsum(inp, axis=1)',
			'tf.zeros_like(inp)',
			'tf.math.sin(inp)',
			'keras.ops.flip(inp, axis=1)',
			'keras.ops.triu(inp)',
			'keras.ops.normalize(inp)',
		]) {
			assert.strictEqual(denseAfter(e), 32, e);
		}
		// CReLU concatenates relu(x) and relu(-x): (None, 8, 8), which NormLens does not model (unknown, never 32).
		assert.strictEqual(denseAfter('tf.nn.crelu(inp)'), null);
	});

	it('tensors that do not fit are no shape: a concat whose other dims differ, an einsum whose labels disagree', () => {
		assert.strictEqual(
			denseAfter('tf.concat([inp, tf.transpose(inp, perm=[0, 2, 1])], -1)'),
			null,
		);
		assert.strictEqual(
			denseAfter('tf.einsum("bij,bij->bi", inp, tf.transpose(inp, perm=[0, 2, 1]))'),
			null,
		);
		assert.strictEqual(denseAfter('tf.stack([inp, tf.transpose(inp, perm=[0, 2, 1])])'), null);
		assert.strictEqual(denseAfter('tf.tile(inp, [1, 2])'), null);
		assert.strictEqual(denseAfter('tf.einsum("...ij->...ji", inp)'), null);
	});

	it('a -1 that absorbs the unknown batch is unknown-sized as in TensorFlow; an op TensorFlow refuses leaves the shape unknown', () => {
		// (None, 8, 4) → (-1, 5): TensorFlow's static shape is (None, 5).
		assert.strictEqual(denseAfter('tf.reshape(inp, (-1, 5))'), 5);
		// Squeezing an axis of size 8 raises in TensorFlow: no shape, never a guess.
		assert.strictEqual(denseAfter('tf.squeeze(inp, axis=1)'), null);
	});
});
