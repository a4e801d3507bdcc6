// What the real-world PyTorch tests share: reading a fixture, finding a model, and checking it
// against PyTorch 1.13's figures (or that it is unknown for a stated cause).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';
import { fixtures } from '../paths';

const dir = path.join(fixtures, 'torch_real');

/** A file under test/fixtures/torch_real. */
export const read = (file: string): string => fs.readFileSync(path.join(dir, file), 'utf8');

export function model(result: AnalysisResult, name: string): ModelSummary {
	const m = result.models.find((x) => x.name === name);
	assert.ok(m, `NormLens reports ${name} (got ${result.models.map((x) => x.name).join(', ')})`);
	return m;
}

export interface Expected {
	total: number;
	trainable: number;
	buffers: number;
	/** The model's output on the file's `# normlens: input`, or on the call the file makes. */
	output?: number[];
}

/** The model's totals (and first call's output) are PyTorch's. */
export function assertAgrees(result: AnalysisResult, name: string, want: Expected): void {
	const m = model(result, name);
	assert.deepStrictEqual(
		{ total: m.totals.total, trainable: m.totals.trainable, buffers: m.totals.buffers },
		{ total: want.total, trainable: want.trainable, buffers: want.buffers },
		`${name}: totals (unknown: ${m.unknown?.reason})`,
	);
	if (want.output) {
		assert.deepStrictEqual(m.calls?.[0]?.outputShape, want.output, `${name}: output shape`);
	}
}

/** Unknown totals whose cause contains `reason` and points at 0-based `line`. */
export function assertUnknown(
	result: AnalysisResult,
	name: string,
	reason: string,
	line: number,
): void {
	const m = model(result, name);
	assert.deepStrictEqual(
		[m.totals.total, m.totals.trainable, m.totals.buffers],
		[null, null, null],
		`${name}: totals must be unknown`,
	);
	assert.ok(m.unknown?.reason.includes(reason), `${name}: cause (got ${m.unknown?.reason})`);
	assert.strictEqual(m.unknown?.range.start.line, line, `${name}: cause line`);
}
