// Generated inputs shared by `npm run bench` (analysis timings in plain Node) and its editor-latency
// run (test/integration/latency.test.ts, which reads them from files this module writes).
import fs from 'node:fs';
import path from 'node:path';

/**
 * A Keras functional model of residual blocks (conv, batch norm, ReLU, add; a comment line between
 * blocks): 5,000 lines (3,997 layers) by default.
 */
export function bigKerasFile(totalLines = 4995) {
	const lines = [
		'import tensorflow as tf',
		'from tensorflow.keras import layers',
		'x = inp = layers.Input((32, 32, 16))',
	];
	for (let i = 0; lines.length < totalLines; i++) {
		lines.push(
			`y = layers.Conv2D(16, 3, padding="same", use_bias=False)(x)`,
			`y = layers.BatchNormalization()(y)`,
			`y = layers.ReLU()(y)`,
			`x = layers.Add()([x, y])`,
			`# block ${i}`,
		);
	}
	lines.push('model = tf.keras.Model(inp, x)');
	return lines.join('\n');
}

/**
 * A 5,000-line PyTorch model: one `nn.Module` whose `__init__` builds 830 residual blocks (conv
 * without bias, BatchNorm2d, ReLU: 2,490 modules, one per line) and whose `forward` uses them, with
 * an example input call so that every output shape is known.
 */
export function bigTorchFile() {
	const blocks = 830;
	const init = [
		'import torch',
		'import torch.nn as nn',
		'',
		'',
		'class BigNet(nn.Module):',
		'    def __init__(self):',
		'        super().__init__()',
		'        self.stem = nn.Conv2d(3, 16, 3, padding=1)',
	];
	const forward = ['', '    def forward(self, x):', '        x = self.stem(x)'];
	for (let i = 0; i < blocks; i++) {
		init.push(
			`        self.conv${i} = nn.Conv2d(16, 16, 3, padding=1, bias=False)`,
			`        self.bn${i} = nn.BatchNorm2d(16)`,
			`        self.act${i} = nn.ReLU()`,
		);
		forward.push(
			`        y = self.bn${i}(self.conv${i}(x))`,
			`        x = x + self.act${i}(y)`,
			`        # block ${i}`,
		);
	}
	forward.push(
		'        return x',
		'',
		'',
		'model = BigNet()',
		'y = model(torch.randn(1, 3, 32, 32))',
	);
	return [...init, ...forward].join('\n');
}

/** Writes the large files to `dir`; returns their paths. */
export function writeLatencyInputs(dir) {
	fs.mkdirSync(dir, { recursive: true });
	const keras = path.join(dir, 'big_keras.py');
	const torch = path.join(dir, 'big_torch.py');
	const notebook = path.join(dir, 'notebook_150_cells.ipynb');
	// 250 blocks: 1,001 layers (#20's "1,000-layer model").
	const keras1000 = path.join(dir, 'keras_1000_layers.py');
	fs.writeFileSync(keras, bigKerasFile());
	fs.writeFileSync(keras1000, bigKerasFile(1253));
	fs.writeFileSync(torch, bigTorchFile());
	fs.writeFileSync(notebook, JSON.stringify(notebook150()));
	return { keras, keras1000, torch, notebook };
}

/**
 * A 150-cell Keras notebook as people write them: imports, a markdown note every ten cells, a
 * model grown a few layers a cell (Conv2D / BatchNormalization / ReLU), the summary at the end.
 */
function notebook150() {
	const code = (source) => ({
		cell_type: 'code',
		execution_count: null,
		metadata: {},
		outputs: [],
		source,
	});
	const cells = [
		code(
			'import tensorflow as tf\nfrom tensorflow.keras import layers\nmodel = tf.keras.Sequential([tf.keras.Input((32, 32, 3))])',
		),
	];
	for (let i = 1; i < 149; i++) {
		cells.push(
			i % 10 === 0
				? { cell_type: 'markdown', metadata: {}, source: `## Block ${i / 10}` }
				: code(
						`model.add(layers.Conv2D(16, 3, padding="same", use_bias=False))\nmodel.add(layers.BatchNormalization())\nmodel.add(layers.ReLU())`,
					),
		);
	}
	cells.push(
		code(
			'model.add(layers.GlobalAveragePooling2D())\nmodel.add(layers.Dense(10))\nmodel.summary()',
		),
	);
	return {
		cells,
		metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
		nbformat: 4,
		nbformat_minor: 5,
	};
}
