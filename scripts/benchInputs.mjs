// Generated inputs shared by `npm run bench` (analysis timings in plain Node) and its editor-latency
// run (test/integration/latency.test.ts, which reads them from files this module writes).
import fs from 'node:fs';
import path from 'node:path';

/** A 5,000-line Keras functional model: 1,000 residual blocks of five lines. */
export function bigKerasFile() {
	const lines = ['import tensorflow as tf', 'from tensorflow.keras import layers', 'x = inp = layers.Input((32, 32, 16))'];
	for (let i = 0; lines.length < 4995; i++) {
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
	const init = ['import torch', 'import torch.nn as nn', '', '', 'class BigNet(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.stem = nn.Conv2d(3, 16, 3, padding=1)'];
	const forward = ['', '    def forward(self, x):', '        x = self.stem(x)'];
	for (let i = 0; i < blocks; i++) {
		init.push(`        self.conv${i} = nn.Conv2d(16, 16, 3, padding=1, bias=False)`, `        self.bn${i} = nn.BatchNorm2d(16)`, `        self.act${i} = nn.ReLU()`);
		forward.push(`        y = self.bn${i}(self.conv${i}(x))`, `        x = x + self.act${i}(y)`, `        # block ${i}`);
	}
	forward.push('        return x', '', '', 'model = BigNet()', 'y = model(torch.randn(1, 3, 32, 32))');
	return [...init, ...forward].join('\n');
}

/** Writes the large files to `dir`; returns their paths. */
export function writeLatencyInputs(dir) {
	fs.mkdirSync(dir, { recursive: true });
	const keras = path.join(dir, 'big_keras.py');
	const torch = path.join(dir, 'big_torch.py');
	fs.writeFileSync(keras, bigKerasFile());
	fs.writeFileSync(torch, bigTorchFile());
	return { keras, torch };
}
