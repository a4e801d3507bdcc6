// The graph view's layout time (issue #20): the panel's own graph building and dagre layout
// (src/webview/graphModel.ts, graphLayout.ts) on torchvision's ResNet50 and DenseNet121 as NormLens
// analyses them, median of 5 after a warm-up. `--elk DIR` also times elkjs (a copy installed
// outside the project, e.g. `npm install elkjs@0.12.1` in /tmp) on the same nodes and laid edges
// (layered, downward), for the choice of library; `--all-edges` gives elkjs every edge.
// Run after `npx tsc -p test/unit`; results are recorded in BENCHMARKS.md.
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { analyzePython, isNormalization } = require(path.join(repoRoot, 'out/src/core/index.js'));
const { modelGraph } = require(path.join(repoRoot, 'out/src/webview/graphModel.js'));
const { laidEdges, layoutGraph, nodeWidth, NODE_HEIGHT } = require(
	path.join(repoRoot, 'out/src/webview/graphLayout.js'),
);
const elkAt = process.argv.includes('--elk')
	? process.argv[process.argv.indexOf('--elk') + 1]
	: null;
const ELK = elkAt ? require(path.join(path.resolve(elkAt), 'lib/elk.bundled.js')) : null;

const source = `
import torch
import torchvision
resnet50 = torchvision.models.resnet50()
y = resnet50(torch.randn(1, 3, 224, 224))
densenet121 = torchvision.models.densenet121()
z = densenet121(torch.randn(1, 3, 224, 224))
`;

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

async function time(fn, runs = 5) {
	await fn();
	const ts = [];
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		await fn();
		ts.push(performance.now() - t0);
	}
	return median(ts);
}

const models = analyzePython(source).models;
for (const name of ['resnet50', 'densenet121']) {
	const m = models.find((x) => x.name === name);
	const norms = new Set(m.layers.filter(isNormalization).map((l) => l.name));
	const build = await time(() => modelGraph(m, norms));
	const g = modelGraph(m, norms);
	const dagreMs = await time(() => layoutGraph(g));
	let line = `${name}: ${g.nodes.length} nodes, ${g.edges.length} edges; graph ${build.toFixed(1)} ms, dagre layout ${dagreMs.toFixed(0)} ms`;
	if (ELK) {
		const elk = new ELK();
		const edges = process.argv.includes('--all-edges') ? g.edges : [...laidEdges(g)];
		const elkMs = await time(() =>
			elk.layout({
				id: 'root',
				layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'DOWN' },
				children: g.nodes.map((n) => ({
					id: n.id,
					width: nodeWidth(n),
					height: NODE_HEIGHT,
				})),
				edges: edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
			}),
		);
		line += `, elkjs layout ${elkMs.toFixed(0)} ms`;
	}
	console.log(line);
}
