import * as assert from 'assert';
import { analyzePython, buildProgram } from '../../../src/core';
import { kerasDialect } from '../../../src/core/frameworks/keras/dialect';

/**
 * The thirteenth Keras hunt (2026-12-07: 171 printed tables in 115 notebooks from 20 repositories
 * never read before): its one wrong number and the unknowns Keras's rules decide, each reduced to
 * a few lines. Expected: the tables the notebooks printed.
 */
function notebook(cells: { source: string; outputs?: string }[]) {
	const program = buildProgram(cells.map((c, index) => ({ index, ...c })));
	return analyzePython(program.text, { printed: program.outputs, cells: program.segments });
}

/** The Keras 2 layout of a summary (underscore rules), as tf.keras 2.0 printed it. */
const GRU_TABLE = `Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
embedding (Embedding)        (None, 120, 16)           160000
_________________________________________________________________
gru (GRU)                    (None, 32)                4800
=================================================================
Total params: 164,800
Trainable params: 164,800
Non-trainable params: 0
_________________________________________________________________
`;

describe('Keras hunt 13: a wrong number, and unknowns made exact', () => {
	it("a commented-out `# tf.enable_eager_execution()` is no sign of TensorFlow 1: a GRU keeps TF 2's reset_after=True (4,704 for the printed 4,800 in a Coursera TF-in-Practice notebook)", () => {
		const r = notebook([
			{
				source: `import tensorflow as tf
# tf.enable_eager_execution()
model = tf.keras.Sequential([
    tf.keras.layers.Embedding(10000, 16, input_length=120),
    tf.keras.layers.GRU(32),
])
model.summary()`,
				outputs: GRU_TABLE,
			},
		]);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 164800);
		// A TensorFlow 1 API in code still says so, and a Colab magic kept as a comment in a script.
		assert.strictEqual(
			kerasDialect(
				'import tensorflow as tf\nsess = tf.Session()\nx = tf.keras.layers.Dense(3)\nm.fit_generator(g)',
			).beforeTf2,
			true,
		);
		assert.strictEqual(
			kerasDialect('# %tensorflow_version 1.x\nimport tensorflow as tf\nm.fit_generator(g)')
				.beforeTf2,
			true,
		);
		assert.strictEqual(
			kerasDialect('print("tf.Session is gone")\nm.fit_generator(g)  # tf.Session').beforeTf2,
			false,
		);
	});

	it('a custom layer of a Sequential built by `build()` in a later cell is built (the end of the cell that made the model marked it as never built: unknown where Keras printed 262,272)', () => {
		const r = notebook([
			{
				source: `import tensorflow as tf
from tensorflow.keras.layers import Dense
class UnitNormLayer(tf.keras.layers.Layer):
    def __init__(self):
        super(UnitNormLayer, self).__init__()
    def call(self, input_tensor):
        norm = tf.norm(input_tensor, axis=1)
        return input_tensor / tf.reshape(norm, [-1, 1])`,
			},
			{
				source: `projector = tf.keras.models.Sequential([Dense(128, activation='relu', trainable=False), UnitNormLayer()])`,
			},
			{ source: 'projector.build((None, 2048))\nprojector.summary()' },
		]);
		const m = r.models.find((x) => x.name === 'projector');
		assert.deepStrictEqual([m?.totals.total, m?.totals.trainable], [262272, 0]);
	});

	it("scikit-learn's Bunch by key: `ds['data']` is `ds.data` (a diabetes regression was unknown, blaming `targets.mean`)", () => {
		const r = analyzePython(`from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
diabetes_dataset = load_diabetes()
data = diabetes_dataset['data']
targets = diabetes_dataset['target']
targets = (targets - targets.mean(axis=0)) / (targets.std())
train_data, test_data, train_targets, test_targets = train_test_split(data, targets, test_size=0.1)
model = Sequential([Dense(64, input_shape=[train_data.shape[1],], activation="relu")])
`);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 704);
	});
});
