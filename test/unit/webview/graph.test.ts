import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython, isNormalization } from '../../../src/core';
import type { ModelSummary } from '../../../src/protocol/analysis';
import { layoutGraph } from '../../../src/webview/graphLayout';
import { ModelGraph, modelGraph, skipEdges } from '../../../src/webview/graphModel';
import { examples, fixtures } from '../paths';

/**
 * The panel's graph view (src/webview/graphModel.ts, graphLayout.ts): nodes, edges and normalization
 * marks of torchvision's resnet18 and a U-Net (whose edges flow.test.ts checks against torch.fx),
 * a Keras functional model with a merge, and the layout's geometry.
 */
function models(file: string): ModelSummary[] {
	return analyzePython(fs.readFileSync(path.join(fixtures, 'torch', file), 'utf8')).models;
}

function graphOf(m: ModelSummary | undefined): ModelGraph {
	assert.ok(m, 'a model');
	const g = modelGraph(m, new Set(m.layers.filter(isNormalization).map((l) => l.name)));
	assert.ok(g, 'a graph');
	return g;
}

const label = (g: ModelGraph, id: string) => g.nodes.find((n) => n.id === id)?.label;
const into = (g: ModelGraph, name: string) =>
	g.edges
		.filter((e) => label(g, e.to) === name)
		.map((e) => label(g, e.from))
		.sort();

describe('the graph view (panel)', function () {
	this.timeout(60_000);
	const resnet18 = graphOf(models('graph_resnets.py').find((m) => m.name === 'resnet18'));

	it("resnet18: one node per layer call and residual add, the add's two inbound, an input and an output", () => {
		const kinds = (k: string) => resnet18.nodes.filter((n) => n.kind === k).length;
		// 20 convolutions, 20 batch norms, 17 ReLU calls, a max pool, an average pool, a linear; 8 adds.
		assert.deepStrictEqual(
			[kinds('input'), kinds('layer'), kinds('op'), kinds('output'), kinds('unknown')],
			[1, 60, 8, 1, 0],
		);
		const adds = resnet18.nodes.filter((n) => n.kind === 'op');
		assert.deepStrictEqual(
			resnet18.edges.filter((e) => e.to === adds[0].id).map((e) => label(resnet18, e.from)),
			['layer1.0.bn2', 'maxpool'],
		);
		assert.deepStrictEqual(
			resnet18.edges.filter((e) => e.to === adds[2].id).map((e) => label(resnet18, e.from)),
			['layer2.0.bn2', 'layer2.0.downsample.1'],
		);
		assert.deepStrictEqual(into(resnet18, 'conv1'), ['input']);
		assert.deepStrictEqual(into(resnet18, 'output'), ['fc']);
	});

	it('marks normalization layers (and only them), and selects their summary rows', () => {
		const norms = resnet18.nodes.filter((n) => n.norm);
		assert.strictEqual(norms.length, 20);
		assert.ok(norms.every((n) => n.type === 'BatchNorm2d' && n.layerName === n.label));
	});

	it('finds the skip connections: each identity edge around a residual block', () => {
		const skips = skipEdges(resnet18).map(
			(e) => `${label(resnet18, e.from)} → ${label(resnet18, e.to)}`,
		);
		assert.ok(skips.includes('maxpool → add'), skips.join('\n'));
		assert.ok(skips.includes('layer1.0.relu → add'), skips.join('\n'));
	});

	it("a U-Net's bridges: each cat takes the encoder's map of its level, and feeds the decoder", () => {
		const unet = graphOf(
			analyzePython(
				fs.readFileSync(path.join(examples, 'torch_unet.py'), 'utf8'),
			).models.find((m) => m.name === 'unet'),
		);
		const cats = unet.nodes.filter((n) => n.kind === 'op');
		assert.deepStrictEqual(
			cats.map((c) => [
				c.label,
				unet.edges.filter((e) => e.to === c.id).map((e) => label(unet, e.from)),
			]),
			[
				['cat', ['down1.bn2', 'up1.up']],
				['cat', ['inc.bn2', 'up2.up']],
			],
		);
		const skips = skipEdges(unet).map((e) => `${label(unet, e.from)} → ${label(unet, e.to)}`);
		assert.ok(skips.includes('inc.bn2 → cat'), skips.join('\n'));
		assert.ok(skips.includes('down1.bn2 → cat'), skips.join('\n'));
	});

	it("a Keras functional model: edges from each layer's inbound layers; a Sequential model is a chain", () => {
		const result = analyzePython(`
from tensorflow import keras
from tensorflow.keras import layers
inp = keras.Input((30,))
x = layers.Dense(50)(inp)
bn = layers.BatchNormalization()(x)
out = layers.Dense(5)(layers.Add()([bn, x]))
model = keras.Model(inp, out)
seq = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.BatchNormalization(), layers.Dense(2)])
`);
		const g = graphOf(result.models.find((m) => m.name === 'model'));
		assert.deepStrictEqual(into(g, 'add'), ['batch_normalization', 'dense']);
		assert.deepStrictEqual(into(g, 'dense'), ['input_layer']);
		assert.deepStrictEqual(
			g.nodes.filter((n) => n.norm).map((n) => n.label),
			['batch_normalization'],
		);
		const s = graphOf(result.models.find((m) => m.name === 'seq'));
		assert.deepStrictEqual(
			s.edges.map((e) => [label(s, e.from), label(s, e.to)]),
			[
				['dense_2', 'batch_normalization_1'],
				['batch_normalization_1', 'dense_3'],
			],
		);
	});

	it('an unknown source is a `?` node with a dashed edge, not an invented edge', () => {
		const m = analyzePython(`
import torch
import torch.nn as nn
import mystery
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 4)
    def forward(self, x):
        return self.b(mystery.transform(self.a(x)))
net = Net()
y = net(torch.randn(2, 4))
`).models.find((x) => x.name === 'net');
		const g = graphOf(m);
		const e = g.edges.find((x) => label(g, x.to) === 'b');
		assert.ok(e?.unknown);
		assert.strictEqual(label(g, e.from), '?');
	});

	it('lays the graph out top to bottom: every edge goes down, no two nodes overlap', () => {
		const l = layoutGraph(resnet18);
		const at = new Map(l.nodes.map((n) => [n.node.id, n]));
		for (const e of l.edges) {
			const a = at.get(e.from);
			const b = at.get(e.to);
			assert.ok(a && b && a.y + a.height <= b.y, `${e.from} above ${e.to}`);
			assert.ok(e.points.length >= 2);
		}
		for (const a of l.nodes) {
			for (const b of l.nodes) {
				if (a !== b) {
					const apart =
						a.x + a.width <= b.x ||
						b.x + b.width <= a.x ||
						a.y + a.height <= b.y ||
						b.y + b.height <= a.y;
					assert.ok(apart, `${a.node.label} and ${b.node.label} overlap`);
				}
			}
		}
		assert.ok(l.width > 0 && l.height > l.nodes.length * 10);
	});
});
