import * as assert from 'assert';
import { analyzePython, buildProgram } from '../../../src/core';

/**
 * Session 24 (2026-12-08): layers picked by position from an application's layer list, which is not
 * the same in every Keras. TensorFlow 2.0–2.5's MobileNetV2 starts with a `Conv1_pad` layer later
 * versions dropped, so TensorFlow's transfer-learning tutorial (`base_model.layers[:100]`) freezes
 * other weights there: Keras hunt 15 met a TF 2.0-alpha notebook printing trainable 1,863,873 where
 * NormLens counted 1,862,721 (the count of the layer list it bundles, Keras 3's). Expected totals:
 * the tutorial's printed tables (2,257,984 for the base at 160 × 160, 2,259,265 with its head).
 */
function notebook(cells: { source: string; outputs?: string }[]) {
	const program = buildProgram(cells.map((c, index) => ({ index, ...c })));
	return analyzePython(program.text, { printed: program.outputs, cells: program.segments });
}

const TUTORIAL = `import tensorflow as tf
base_model = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights='imagenet')
base_model.trainable = False
model = tf.keras.Sequential([base_model, tf.keras.layers.GlobalAveragePooling2D(), tf.keras.layers.Dense(1)])
`;
const FINE_TUNE = `base_model.trainable = True
fine_tune_at = 100
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
`;

/** The tutorial's second summary, as a tf.keras 2 notebook printed it (TF 2.0-alpha's split). */
const PRINTED_TF2 = `Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
mobilenetv2_1.00_160 (Model) (None, 5, 5, 1280)        2257984
_________________________________________________________________
global_average_pooling2d (Gl (None, 1280)              0
_________________________________________________________________
dense (Dense)                (None, 1)                 1281
=================================================================
Total params: 2,259,265
Trainable params: 1,863,873
Non-trainable params: 395,392
_________________________________________________________________
`;

describe('session 24: layers picked by position from an application whose layer list changed between versions', () => {
	it("the tutorial's `base_model.layers[:100]` in tf.keras: the totals exact, the trainable split unknown, saying why and where", () => {
		const r = analyzePython(`${TUTORIAL}${FINE_TUNE}`);
		const model = r.models.find((m) => m.name === 'model');
		const base = r.models.find((m) => m.name === 'base_model');
		assert.strictEqual(model?.totals.total, 2259265);
		assert.strictEqual(base?.totals.total, 2257984);
		assert.strictEqual(model?.totals.trainable, null);
		assert.strictEqual(model?.totals.nonTrainable, null);
		assert.match(model?.unknown?.reason ?? '', /Conv1_pad/);
		assert.strictEqual(model?.unknown?.range.start.line, 6);
	});

	it('frozen before the slice, and the whole base frozen after it: exact, whatever the order (0 trainable in the base; 1,281 in the head)', () => {
		const r = analyzePython(TUTORIAL);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.trainable, 1281);
		const after = analyzePython(`${TUTORIAL}${FINE_TUNE}base_model.trainable = False\n`);
		assert.strictEqual(after.models.find((m) => m.name === 'model')?.totals.trainable, 1281);
	});

	it('a printed table with the same total but another split is no "differ": NormLens says it cannot tell the split', () => {
		const nb = notebook([
			{ source: TUTORIAL },
			{ source: FINE_TUNE },
			{ source: 'model.summary()', outputs: PRINTED_TF2 },
		]);
		const check = nb.printedSummaries?.find((p) => p.model === 'model');
		assert.strictEqual(check?.verdict, 'unknown');
		assert.match(check?.message ?? '', /cannot tell how much of it is trainable/);
		assert.strictEqual(check?.ours.total, 2259265);
	});

	it("Keras 3 (its summary layout printed): the bundled layer list is the version's, so the split is exact (1,862,721 trainable)", () => {
		const keras3 = `Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 1)              │         1,281 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 2,259,265 (8.62 MB)
`;
		const nb = notebook([
			{ source: TUTORIAL },
			{ source: 'model.summary()', outputs: keras3 },
			{ source: FINE_TUNE },
		]);
		const model = nb.models.find((m) => m.name === 'model');
		assert.strictEqual(model?.totals.total, 2259265);
		assert.strictEqual(model?.totals.trainable, 1862721);
	});

	it("VGG16's layer list is every version's: `vgg.layers[:15]` keeps an exact split; `enumerate` over another application marks it, and a model built from an application's own input and output is sliced the same way (Keras's InceptionV3 example, `model.layers[:249]`)", () => {
		const code = `import keras
from keras.applications import VGG16, InceptionV3
vgg = VGG16(include_top=False, input_shape=(64, 64, 3))
for layer in vgg.layers[:15]:
    layer.trainable = False
base = InceptionV3(weights='imagenet', include_top=False)
x = keras.layers.GlobalAveragePooling2D()(base.output)
out = keras.layers.Dense(200)(x)
model = keras.Model(inputs=base.input, outputs=out)
for layer in model.layers[:249]:
    layer.trainable = False
res = keras.applications.ResNet50(include_top=False, input_shape=(64, 64, 3))
for i, layer in enumerate(res.layers):
    if i < 50:
        layer.trainable = False
`;
		const r = analyzePython(code);
		const vgg = r.models.find((m) => m.name === 'vgg');
		// block5's three convolutions train: 3 · (3 · 3 · 512 · 512 + 512).
		assert.strictEqual(vgg?.totals.trainable, 7079424);
		for (const name of ['model', 'base', 'res']) {
			const m = r.models.find((x) => x.name === name);
			assert.notStrictEqual(m?.totals.total, null, name);
			assert.strictEqual(m?.totals.trainable, null, name);
		}
	});
});
