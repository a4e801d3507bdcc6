import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
	torchModules,
	torchModuleSpec,
	TorchModuleSpec,
} from '../../../src/core/frameworks/torch/catalogue';
import { TorchTensor } from '../../../src/core/frameworks/torch/objects';
import { torchOutputShape, torchParams } from '../../../src/core/frameworks/torch/rules';
import type { Value } from '../../../src/core/python/values';
import { attempt, bindCatalogueArgs, Outcome } from '../ruleHarness';
import type { Shape } from '../../../src/protocol/analysis';
import { repoRoot } from '../paths';

/**
 * The conformance net under the torch.nn catalogue: tools/torch_conformance.py builds a generated
 * grid of constructor arguments for every catalogue module, runs each case in real PyTorch
 * (Debian's python3-torch), and NormLens's rules must give the same parameter count, buffer count
 * and output shape — and, where PyTorch raises, no number at all (a ShapeError or unknown).
 * The run's answer is also committed (test/unit/fixtures/torchConformance.json) and must stay equal
 * to what the installed PyTorch says when it is the version that wrote it.
 */

/** A case's argument: JSON, where `{ tensor: shape }` is a tensor given to the constructor (a loss's weights). */
type Json = number | string | boolean | null | Json[] | { tensor: number[] };

interface Case {
	type: string;
	args: Json[];
	kwargs: Record<string, Json>;
	inputs: { shape: number[]; dtype?: 'long' | 'offsets' | 'target' }[];
	params?: number;
	buffers?: number;
	outputShape?: number[];
	ctorError?: string;
	forwardError?: string;
	/** The forward cannot run on this machine (SyncBatchNorm wants a GPU): no shape to compare. */
	forwardSkipped?: string;
}

interface Conformance {
	torch: string;
	unsupported: { type: string; reason: string }[];
	cases: Case[];
}

const fixtureFile = path.join(repoRoot, 'test', 'unit', 'fixtures', 'torchConformance.json');

/** Catalogue entries whose parameters NormLens does not count: a lazy module's weights take their size from its first input, which the parameter rule does not see. */
const uncountedParams = (spec: TorchModuleSpec) => spec.params === 'lazy';

/** Catalogue entries whose output shape NormLens does not follow (losses other than element-wise and class scores): it must say unknown. */
const unfollowedShape = (spec: TorchModuleSpec) => spec.shape === 'otherLoss';

function toValue(j: Json): Value {
	if (j === null) {
		return { k: 'none' };
	}
	if (Array.isArray(j)) {
		return { k: 'tuple', items: j.map(toValue) };
	}
	if (typeof j === 'object') {
		return { k: 'obj', obj: new TorchTensor(j.tensor) };
	}
	switch (typeof j) {
		case 'number':
			return { k: 'num', v: j };
		case 'string':
			return { k: 'str', v: j };
		default:
			return { k: 'bool', v: j };
	}
}

/** Binds a call's arguments as the runtime's `bindArgs` does (see ruleHarness). */
function bindTorchArgs(
	spec: TorchModuleSpec,
	args: Value[],
	kwargs: [string, Value][],
): Map<string, Value> {
	return bindCatalogueArgs(spec.args, args, kwargs, !spec.container);
}

/** What NormLens says about one case: its counts and its output shape. */
function normLens(c: Case): {
	params: Outcome<{ params: number; buffers: number }>;
	shape: Outcome<Shape>;
} {
	const spec = torchModuleSpec(c.type) as TorchModuleSpec;
	const cfg = bindTorchArgs(
		spec,
		c.args.map(toValue),
		Object.entries(c.kwargs).map(([k, v]) => [k, toValue(v)]),
	);
	const inputs = c.inputs.map((t) => t.shape);
	if (spec.container) {
		// Containers hold children: an empty Sequential passes its input through; ModuleList and
		// ModuleDict have no forward.
		return {
			params: { ok: { params: 0, buffers: 0 } },
			shape: spec.container === 'sequential' ? { ok: inputs[0] } : { unknown: true },
		};
	}
	const params = attempt(() => {
		const ws = torchParams(spec, cfg);
		if (!ws) {
			return null;
		}
		const count = (kind: string) =>
			ws
				.filter((w) => w.kind === kind)
				.reduce((s, w) => s + w.shape.reduce((a, d) => a * d, 1), 0);
		return { params: count('param'), buffers: count('buffer') };
	});
	return { params, shape: attempt(() => torchOutputShape(spec, cfg, inputs, c.type)) };
}

const show = (o: Outcome<unknown>) =>
	'ok' in o ? JSON.stringify(o.ok) : 'error' in o ? `ShapeError(${o.error})` : 'unknown';

/** Disagreements between NormLens and PyTorch on one case (empty when they agree). */
function disagreements(c: Case): string[] {
	const spec = torchModuleSpec(c.type) as TorchModuleSpec;
	const nl = normLens(c);
	const out: string[] = [];
	if (c.ctorError !== undefined) {
		if ('ok' in nl.params) {
			out.push(
				`PyTorch refuses the arguments (${c.ctorError}) but NormLens counts ${show(nl.params)}`,
			);
		}
		return out;
	}
	const counts = { params: c.params as number, buffers: c.buffers as number };
	if (uncountedParams(spec)) {
		if (!('unknown' in nl.params)) {
			out.push(
				`parameters of a lazy module must be unknown, NormLens says ${show(nl.params)}`,
			);
		}
	} else if (
		!('ok' in nl.params) ||
		nl.params.ok.params !== counts.params ||
		nl.params.ok.buffers !== counts.buffers
	) {
		out.push(`counts: PyTorch ${JSON.stringify(counts)}, NormLens ${show(nl.params)}`);
	}
	if (c.forwardSkipped !== undefined) {
		return out;
	}
	if (unfollowedShape(spec)) {
		if (!('unknown' in nl.shape)) {
			out.push(`the output of ${spec.name} must be unknown, NormLens says ${show(nl.shape)}`);
		}
		return out;
	}
	if (c.forwardError !== undefined) {
		if ('ok' in nl.shape) {
			out.push(
				`PyTorch's forward raises (${c.forwardError}) but NormLens gives the shape ${show(nl.shape)}`,
			);
		}
	} else if (
		!('ok' in nl.shape) ||
		JSON.stringify(nl.shape.ok) !== JSON.stringify(c.outputShape)
	) {
		out.push(
			`output shape: PyTorch ${JSON.stringify(c.outputShape)}, NormLens ${show(nl.shape)}`,
		);
	}
	return out;
}

function describeCase(c: Case): string {
	const args = [
		...c.args.map((a) => JSON.stringify(a)),
		...Object.entries(c.kwargs).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
	].join(', ');
	return `${c.type}(${args}) on ${c.inputs.map((t) => JSON.stringify(t.shape)).join(', ')}`;
}

/** Runs the PyTorch side now; fails when /usr/bin/python3 or its torch is missing. */
function runPyTorch(): Conformance {
	const out = path.join(
		fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-conformance-')),
		'torch.json',
	);
	const r = spawnSync(
		'/usr/bin/python3',
		[path.join(repoRoot, 'tools', 'torch_conformance.py'), out],
		{ encoding: 'utf8' },
	);
	assert.strictEqual(
		r.status,
		0,
		`tools/torch_conformance.py failed (is Debian's python3-torch installed?):\n${r.stderr}`,
	);
	const text = fs.readFileSync(out, 'utf8');
	fs.rmSync(path.dirname(out), { recursive: true, force: true });
	return JSON.parse(text) as Conformance;
}

describe('torch.nn catalogue conformance against real PyTorch', function () {
	this.timeout(180_000);
	let live: Conformance;

	before(() => {
		live = runPyTorch();
	});

	it('the committed fixture is what the installed PyTorch answers (regenerate with tools/torch_conformance.py when the grid changes)', function () {
		const committed = JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) as Conformance;
		if (committed.torch !== live.torch) {
			// Another PyTorch may word its errors differently; the live answer is the one checked below.
			this.skip();
		}
		assert.deepStrictEqual(live, committed);
	});

	it('every catalogue entry has cases (or a stated reason why this PyTorch cannot run it)', () => {
		const covered = new Set(live.cases.map((c) => c.type));
		const unavailable = new Set(
			live.unsupported.filter((u) => u.reason.includes(' has no nn.')).map((u) => u.type),
		);
		const missing = torchModules
			.map((m) => m.name)
			.filter((n) => !covered.has(n) && !unavailable.has(n));
		assert.deepStrictEqual(missing, [], 'catalogue entries without a conformance case');
		const unknown = [...covered].filter((n) => !torchModuleSpec(n));
		assert.deepStrictEqual(unknown, [], 'cases for modules the catalogue does not have');
	});

	for (const spec of torchModules) {
		it(`${spec.name}: counts and output shapes equal PyTorch's on every case`, function () {
			const cases = live.cases.filter((c) => c.type === spec.name);
			if (cases.length === 0) {
				this.skip();
			}
			const failures = cases.flatMap((c) =>
				disagreements(c).map((d) => `${describeCase(c)}: ${d}`),
			);
			if (process.env.NORMLENS_CONFORMANCE_LOG) {
				// Every disagreement, not only the first few the assertion shows.
				fs.appendFileSync(
					process.env.NORMLENS_CONFORMANCE_LOG,
					failures.map((f) => `${f}\n`).join(''),
				);
			}
			assert.deepStrictEqual(
				failures.slice(0, 15),
				[],
				`${failures.length} of ${cases.length} cases disagree`,
			);
		});
	}
});
