import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import type { FlowSource, ModelSummary } from '../../../src/protocol/analysis';
import { examples, fixtures, repoRoot } from '../paths';

/**
 * The data-flow edges of a PyTorch forward (ModuleCall.inbound, ModelSummary.ops) against the
 * graph torch.fx traces from the same file in real PyTorch (tools/torch_flow.py), reduced the
 * same way: leaf module calls, merge ops, the model's inputs.
 */

interface Flow {
	calls: [string, string[]][];
	ops: [string, string[]][];
	outputs: string[];
}

function fxFlow(file: string, names: string[]): Record<string, Flow> {
	const r = spawnSync(
		'/usr/bin/python3',
		[path.join(repoRoot, 'tools', 'torch_flow.py'), file, ...names],
		{
			encoding: 'utf8',
			maxBuffer: 64 << 20,
		},
	);
	assert.strictEqual(
		r.status,
		0,
		`torch.fx failed (is Debian's python3-torch installed?):\n${r.stderr}`,
	);
	return JSON.parse(r.stdout) as Record<string, Flow>;
}

/** NormLens's flow in tools/torch_flow.py's terms: leaf calls as `path#k`, sources as strings. */
function ourFlow(m: ModelSummary): Flow {
	const calls = m.calls ?? [];
	const seen = new Map<string, number>();
	const keys = calls.map((c) => {
		const k = seen.get(c.name) ?? 0;
		seen.set(c.name, k + 1);
		return `${c.name}#${k}`;
	});
	const ref = (s: FlowSource): string =>
		s.kind === 'call'
			? `call:${keys[s.index]}`
			: s.kind === 'unknown'
				? 'unknown'
				: `${s.kind}:${s.index}`;
	const leaf = (i: number) =>
		i > 0 && (i + 1 >= calls.length || calls[i + 1].depth <= calls[i].depth);
	return {
		calls: calls.flatMap((c, i) =>
			leaf(i) ? [[keys[i], (c.inbound ?? []).map(ref)] as [string, string[]]] : [],
		),
		ops: (m.ops ?? []).map((o) => [o.name, o.inbound.map(ref)]),
		outputs: (m.outputs ?? []).map(ref),
	};
}

function analyse(file: string): ModelSummary[] {
	return analyzePython(fs.readFileSync(file, 'utf8')).models;
}

describe('PyTorch data flow (graph edges) against torch.fx', function () {
	this.timeout(60_000);

	it("torchvision's resnet18 and resnet50: every leaf call's sources and each residual add's two", () => {
		const file = path.join(fixtures, 'torch', 'graph_resnets.py');
		const ref = fxFlow(file, ['resnet18', 'resnet50']);
		const models = analyse(file);
		for (const name of ['resnet18', 'resnet50']) {
			const m = models.find((x) => x.name === name);
			assert.ok(m, name);
			assert.deepStrictEqual(ourFlow(m), ref[name], name);
		}
		const r18 = ourFlow(models.find((x) => x.name === 'resnet18') as ModelSummary);
		// A BasicBlock's add: the conv branch and the identity; with a downsample, the downsample's BatchNorm.
		assert.deepStrictEqual(r18.ops[0], ['add', ['call:layer1.0.bn2#0', 'call:maxpool#0']]);
		assert.deepStrictEqual(r18.ops[2], [
			'add',
			['call:layer2.0.bn2#0', 'call:layer2.0.downsample.1#0'],
		]);
		assert.strictEqual(r18.ops.length, 8);
	});

	it("a U-Net's skip bridges: each torch.cat takes the encoder's map of its level and the upsampled one", () => {
		const file = path.join(examples, 'torch_unet.py');
		const ref = fxFlow(file, ['unet']);
		const m = analyse(file).find((x) => x.name === 'unet');
		assert.ok(m);
		const ours = ourFlow(m);
		assert.deepStrictEqual(ours, ref.unet);
		assert.deepStrictEqual(ours.ops, [
			['cat', ['call:down1.bn2#0', 'call:up1.up#0']],
			['cat', ['call:inc.bn2#0', 'call:up2.up#0']],
		]);
	});

	it('a value NormLens could not follow is an unknown source, not an invented edge', () => {
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
        h = mystery.transform(self.a(x))
        return self.b(h) + x

net = Net()
y = net(torch.randn(2, 4))
`).models.find((x) => x.name === 'net');
		assert.ok(m);
		const f = ourFlow(m);
		assert.deepStrictEqual(f.calls, [
			['a#0', ['input:0']],
			['b#0', ['unknown']],
		]);
		assert.deepStrictEqual(f.ops, [['add', ['call:b#0', 'input:0']]]);
	});
});
