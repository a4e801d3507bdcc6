// From a catalogue row to its rules: PyTorch's argument checks, then the weight or shape rule the row names.
import type { Shape, WeightInfo } from '../../../protocol/analysis';
import { asInt, asNumber, asSequence, Value } from '../../python/values';
import { ShapeError } from '../common/spec';
import type { ArgCheck, TorchModuleSpec, TorchParamRule, TorchShapeRule } from './catalogue';
import { activationParams, activationShapes } from './layers/activation';
import { convolutionParams, convolutionShapes } from './layers/convolution';
import { embeddingParams, embeddingShapes } from './layers/embedding';
import { linearParams, linearShapes } from './layers/linear';
import { lossParams, lossShapes } from './layers/loss';
import { normalizationParams, normalizationShapes } from './layers/normalization';
import { poolingShapes } from './layers/pooling';
import { recurrentParams, recurrentShapes } from './layers/recurrent';
import { reshapeShapes } from './layers/reshape';
import { fmt, intLoose, ModuleConfig, ParamFn, ShapeFn } from './layers/shared';
import { transformerParams, transformerShapes } from './layers/transformer';

export { MAX_STACKED_LAYERS, SizeBoundError } from './layers/shared';
export type { ModuleConfig } from './layers/shared';

/** Every weight rule a catalogue row may name: the two without weights of their own, then each family's. */
const paramRules: Record<TorchParamRule, ParamFn> = {
	none: () => [],
	lazy: () => null,
	...linearParams,
	...convolutionParams,
	...normalizationParams,
	...embeddingParams,
	...recurrentParams,
	...transformerParams,
	...lossParams,
	...activationParams,
};

/** Every shape rule a catalogue row may name: the identity, then each family's. */
const shapeRules: Record<TorchShapeRule, ShapeFn> = {
	identity: (_s, _c, [x]) => x,
	...linearShapes,
	...convolutionShapes,
	...poolingShapes,
	...normalizationShapes,
	...embeddingShapes,
	...recurrentShapes,
	...transformerShapes,
	...lossShapes,
	...activationShapes,
	...reshapeShapes,
};

function checkArg(c: ArgCheck, cfg: ModuleConfig, name: string): void {
	if ('exactlyOne' in c) {
		const given = c.exactlyOne.filter(
			(a) =>
				cfg.get(a) !== undefined && cfg.get(a)?.k !== 'none' && cfg.get(a)?.k !== 'unknown',
		);
		const unknown = c.exactlyOne.some((a) => cfg.get(a)?.k === 'unknown');
		if (!unknown && given.length !== 1) {
			throw new ShapeError(`${name}: give exactly one of ${c.exactlyOne.join(' and ')}`);
		}
		return;
	}
	const v = cfg.get(c.arg);
	if (!v || v.k === 'unknown') {
		return;
	}
	const bad = (why: string) => new ShapeError(`${name}: ${c.arg}=${show(v)} ${why}`);
	if ('oneOf' in c) {
		const plain =
			v.k === 'none'
				? null
				: v.k === 'num' || v.k === 'str' || v.k === 'bool'
					? v.v
					: undefined;
		if (plain !== undefined && !c.oneOf.includes(plain)) {
			throw bad(`must be one of ${c.oneOf.map((o) => JSON.stringify(o)).join(', ')}`);
		}
	} else if ('strings' in c) {
		if (v.k === 'str' && !c.strings.includes(v.v)) {
			throw bad(
				c.strings.length
					? `must be one of ${c.strings.map((o) => `'${o}'`).join(', ')}`
					: 'must be a number',
			);
		}
	} else if ('below' in c) {
		const [a, b] = [asNumber(v), asNumber(cfg.get(c.below))];
		if (a !== undefined && b !== undefined && a >= b) {
			throw bad(`must be smaller than ${c.below}=${b}`);
		}
	} else if ('divides' in c) {
		const [a, b] = [asInt(v), intLoose(cfg, c.divides)];
		if (a !== undefined && b !== undefined && a > 0 && b % a !== 0) {
			throw bad(`must divide ${c.divides}=${b}`);
		}
	} else if ('indexInto' in c) {
		const [a, n] = [asInt(v), intLoose(cfg, c.indexInto)];
		if (a !== undefined && n !== undefined && (a < -n || a >= n)) {
			throw bad(`must index into ${c.indexInto}=${n}`);
		}
	} else {
		const nums = (asSequence(v) ?? [v]).map(asNumber);
		if (
			nums.some(
				(x) =>
					x !== undefined &&
					((c.min !== undefined && x < c.min) || (c.max !== undefined && x > c.max)),
			)
		) {
			throw bad(
				c.max === undefined
					? `must be at least ${c.min}`
					: `must lie in [${c.min}, ${c.max}]`,
			);
		}
	}
}

function show(v: Value): string {
	return v.k === 'str'
		? `'${v.v}'`
		: v.k === 'num' || v.k === 'bool'
			? String(v.v)
			: v.k === 'none'
				? 'None'
				: v.k === 'tuple' || v.k === 'list'
					? `(${v.items.map(show).join(', ')})`
					: '…';
}

function checkArgs(spec: TorchModuleSpec, cfg: ModuleConfig, stage: 'init' | 'call'): void {
	for (const c of spec.checks ?? []) {
		if ((c.stage ?? 'init') === stage) {
			checkArg(c, cfg, spec.name);
		}
	}
}

/** The weights and buffers a module creates; `null` when unknown; a ShapeError for arguments PyTorch refuses. */
export function torchParams(spec: TorchModuleSpec, cfg: ModuleConfig): WeightInfo[] | null {
	checkArgs(spec, cfg, 'init');
	return paramRules[spec.params](spec, cfg);
}

/** The output shape of a call on `inputs`; `null` when unknown; a ShapeError for what PyTorch refuses. */
export function torchOutputShape(
	spec: TorchModuleSpec,
	cfg: ModuleConfig,
	inputs: Shape[],
	name: string,
): Shape | null {
	checkArgs(spec, cfg, 'call');
	const x = inputs[0];
	if (spec.ranks && x && (x.length < spec.ranks[0] || x.length > spec.ranks[1])) {
		const [lo, hi] = spec.ranks;
		const want =
			lo === hi ? `${lo}-D` : hi === Infinity ? `at least ${lo}-D` : `${lo}-D to ${hi}-D`;
		throw new ShapeError(`${name} expects a ${want} input but got ${x.length}-D ${fmt(x)}`);
	}
	return shapeRules[spec.shape](spec, cfg, inputs, name);
}
