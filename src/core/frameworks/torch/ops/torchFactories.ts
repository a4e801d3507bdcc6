// torch.* functions that make a tensor (`torch.zeros`, `torch.arange`, `torch.tensor`, the legacy
// constructors): its shape from the sizes or the data, its dtype by PyTorch's defaults or `dtype=`.
import type { AnalysisDiagnostic } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import { asInt, asNumber, asSequence, isFloat, show, UNKNOWN, Value } from '../../../python/values';
import { DEFAULT_FLOAT, factoryDtype, LEGACY_TYPES, TorchDtype } from '../dtypes';
import { TorchTensor } from '../objects';

/** A torch.* call as its rule reads it. */
export interface TorchFunctionCall {
	/** The function as written (rules shared by several names tell them apart). */
	name: string;
	/** The positional arguments. */
	a: Value[];
	args: CallArgs;
	ctx: CallContext;
	report: (d: AnalysisDiagnostic) => void;
	/** A tensor, or a parameter used as one (`torch.cat([self.cls_token, x])`). */
	tensorArg(v: Value | undefined): TorchTensor | undefined;
}

/** A rule's result; `undefined` leaves the call to the interpreter as one NormLens cannot follow. */
export type TorchFunctionRule = (c: TorchFunctionCall) => Value | undefined;

/** A new tensor of the sizes given, separately or as one sequence (`torch.full`'s first argument). */
const filled: TorchFunctionRule = (c) => {
	const { name, a, args, ctx, report } = c;
	const sizeKeyword = args.keywords.get('size');
	const list = name === 'full' ? [a[0] ?? sizeKeyword] : a.length > 0 ? a : [sizeKeyword];
	// One sequence is the sizes, `()` too (a 0-d tensor); `torch.zeros()` is PyTorch's TypeError.
	const sequence = list.length === 1 && list[0] ? asSequence(list[0]) : undefined;
	const sizes = sequence ?? list.filter((v): v is Value => v !== undefined);
	// PyTorch takes sizes as ints: `torch.zeros(1, dim / 2)` raises TypeError.
	const float = sizes.find(isFloat);
	if (float) {
		report({
			range: ctx.range(args.node),
			severity: 'error',
			code: 'invalid-arguments',
			message: `torch.${name}: the size ${show(float)} is a float where PyTorch takes an int (TypeError; use \`//\` or \`int(…)\`).`,
		});
		return { k: 'obj', obj: new TorchTensor(null) };
	}
	const dims = sizes.map(asInt);
	return {
		k: 'obj',
		obj: new TorchTensor(
			(dims.length > 0 || sequence) && dims.every((d) => d !== undefined)
				? (dims as number[])
				: null,
			null,
			// float32, PyTorch's default dtype, unless one is given (`torch.full` takes the fill's dtype).
			factoryDtype(
				args,
				name === 'full'
					? fillDtype(a[1] ?? args.keywords.get('fill_value'))
					: DEFAULT_FLOAT,
			),
		),
	};
};

/** The dtype `torch.full` gives a fill value: bool, int64 or the default float. */
function fillDtype(v: Value | undefined): TorchDtype | undefined {
	return v?.k === 'bool'
		? 'bool'
		: v?.k === 'num'
			? isFloat(v)
				? DEFAULT_FLOAT
				: 'int64'
			: undefined;
}

/** `torch.zeros_like(x)` and its kin: the input's shape. */
const likeInput: TorchFunctionRule = (c) => {
	const { a, tensorArg } = c;
	const t = tensorArg(a[0]);
	return {
		k: 'obj',
		obj: new TorchTensor(t?.shape ?? null, null, factoryDtype(c.args, t?.dtype)),
	};
};

/** `torch.from_numpy(x_train)`, `torch.as_tensor(X)`: the array's shape and (unknown here) dtype. */
const fromArray: TorchFunctionRule = (c) => {
	const array = ndarrayShape(c.a[0]);
	return array ? { k: 'obj', obj: new TorchTensor(array, null) } : undefined;
};

function legacyConstructor(dtype: TorchDtype): TorchFunctionRule {
	return (c) => {
		const { a, args } = c;
		if (args.keywords.size > 0) {
			return undefined;
		}
		const given = a.length === 1 && !ndarrayShape(a[0]) ? c.tensorArg(a[0]) : undefined;
		if (given) {
			// `torch.FloatTensor(t)` of a float32 tensor is t's data as it is (another dtype is
			// PyTorch's TypeError; an unknown one, unknown).
			if (given.dtype !== dtype) {
				return undefined;
			}
			const same = new TorchTensor(given.shape, null, dtype);
			same.shapeCause = given.shapeCause;
			return { k: 'obj', obj: same };
		}
		const data =
			a.length === 1
				? (ndarrayShape(a[0]) ?? (asSequence(a[0]) ? dataShape(a[0]) : undefined))
				: undefined;
		const sizes = a.every((v) => v.k === 'num' && !isFloat(v)) ? a.map(asInt) : undefined;
		const shape =
			data ??
			(sizes && sizes.every((d) => d !== undefined && d >= 0) ? (sizes as number[]) : null);
		return {
			k: 'obj',
			obj: new TorchTensor(a.length === 0 ? [0] : shape, null, shape ? dtype : undefined),
		};
	};
}

/**
 * A NumPy array of data NormLens holds (`keras.datasets`, `np.zeros`, scikit-learn's `make_circles`;
 * keras/numpyArrays.ts): its shape, every size known. Read by its shape, not its class, as PyTorch
 * reads any array.
 */
function ndarrayShape(v: Value | undefined): number[] | undefined {
	if (v?.k !== 'obj' || v.obj.kind !== 'tensor') {
		return undefined;
	}
	const o = v.obj as { ndarray?: boolean; shape?: unknown };
	return o.ndarray === true &&
		Array.isArray(o.shape) &&
		o.shape.every((d) => typeof d === 'number')
		? (o.shape as number[])
		: undefined;
}

/** The numbers of nested lists or tuples, depth first; undefined if any leaf is not a number (a bool, unknown). */
function numbers(v: Value): (Value & { k: 'num' })[] | undefined {
	if (v.k === 'num') {
		return [v];
	}
	const items = asSequence(v);
	if (!items) {
		return undefined;
	}
	const out: (Value & { k: 'num' })[] = [];
	for (const it of items) {
		const n = numbers(it);
		if (!n) {
			return undefined;
		}
		out.push(...n);
	}
	return out;
}

/** The shape of nested lists or tuples of numbers (a number: 0-d); undefined when ragged or not all known. */
function dataShape(v: Value, depth = 0): number[] | undefined {
	// `[float('-inf')]` (PointerNet's mask fill): one number, whatever its value.
	if (v.k === 'num' || v.k === 'bool' || (v.k === 'unknown' && v.scalar)) {
		return [];
	}
	const items = asSequence(v);
	if (!items || depth > 32 || ((v.k === 'list' || v.k === 'tuple') && v.cause)) {
		return undefined;
	}
	const inner = items.map((x) => dataShape(x, depth + 1));
	const first = inner[0];
	if (items.length === 0) {
		return [0];
	}
	if (
		first === undefined ||
		inner.some(
			(s) => s === undefined || s.length !== first.length || s.some((d, i) => d !== first[i]),
		)
	) {
		return undefined;
	}
	return [items.length, ...first];
}

/** Whether every number in the data is a Python float (PyTorch then makes a float32 tensor). */
function allFloats(v: Value): boolean {
	const items = asSequence(v);
	return items
		? items.length > 0 && items.every(allFloats)
		: isFloat(v) || (v.k === 'unknown' && v.scalar === true);
}

/** The factories of the torch.* table, by name. */
/** `torch.hann_window(n)` and its kin: a 1-D float tensor of n values (a length that is no int is PyTorch's TypeError). */
const windowFunction: TorchFunctionRule = ({ a, args }) => {
	const n = a[0] ?? args.keywords.get('window_length');
	const length = n && !isFloat(n) ? asInt(n) : undefined;
	return length !== undefined && length >= 0
		? { k: 'obj', obj: new TorchTensor([length], null, factoryDtype(args, DEFAULT_FLOAT)) }
		: undefined;
};

export const FACTORIES: Readonly<Record<string, TorchFunctionRule>> = {
	randn: filled,
	rand: filled,
	zeros: filled,
	ones: filled,
	// `torch.eye(n, m=None)`: (n, m or n); sizes that are no ints are PyTorch's TypeError (unknown).
	eye: ({ a, args }) => {
		const [n, m] = [a[0] ?? args.keywords.get('n'), a[1] ?? args.keywords.get('m')];
		const dims = [n, m ?? n].map((v) => (v && !isFloat(v) ? asInt(v) : undefined));
		return dims.every((d) => d !== undefined && d >= 0)
			? {
					k: 'obj',
					obj: new TorchTensor(dims as number[], null, factoryDtype(args, DEFAULT_FLOAT)),
				}
			: undefined;
	},
	empty: filled,
	full: filled,
	// The window functions of a spectrogram (`torch.hann_window(win_length)`): window_length values.
	...Object.fromEntries(
		[
			'hann_window',
			'hamming_window',
			'blackman_window',
			'bartlett_window',
			'kaiser_window',
		].map((name): [string, TorchFunctionRule] => [name, windowFunction]),
	),
	randint: (c) => {
		const { a, args } = c;
		const size = asSequence(a[a.length - 1] ?? args.keywords.get('size'))?.map(asInt);
		return {
			k: 'obj',
			obj: new TorchTensor(
				size && size.every((d) => d !== undefined) ? (size as number[]) : null,
				null,
				// int64, torch.randint's default, unless one is given.
				factoryDtype(args, 'int64'),
			),
		};
	},
	// A tensor from data: sizes from the nesting of known numbers (`[[1, 2], [3, 4]]` (2, 2)).
	tensor: (c) => {
		const array = ndarrayShape(c.a[0]);
		if (array) {
			// A NumPy array of data: its shape; its dtype is the array's.
			return { k: 'obj', obj: new TorchTensor(array, null) };
		}
		const shape = c.a[0] ? dataShape(c.a[0]) : undefined;
		const floats = shape !== undefined && c.a[0] !== undefined && allFloats(c.a[0]);
		// Small data's values, no dtype given: float32 (the default) if any is a float, else int64.
		const leaves =
			c.a[0] && shape && !c.args.keywords.has('dtype') ? numbers(c.a[0]) : undefined;
		const integral = leaves !== undefined && leaves.every((v) => !isFloat(v));
		const t = new TorchTensor(
			shape ?? null,
			null,
			// float32 (PyTorch's default dtype) for data of Python floats, unless a dtype is given.
			factoryDtype(
				c.args,
				floats || (leaves && !integral) ? DEFAULT_FLOAT : integral ? 'int64' : undefined,
			),
		);
		if (leaves && leaves.length <= 4096) {
			t.values = leaves.map((v) => (integral ? v.v : Math.fround(v.v)));
		}
		return { k: 'obj', obj: t };
	},
	from_numpy: fromArray,
	as_tensor: fromArray,
	// The legacy constructors: torch.Tensor(3, 4) has those sizes; torch.Tensor([3, 4]) is data (2,).
	...Object.fromEntries(Object.entries(LEGACY_TYPES).map(([n, d]) => [n, legacyConstructor(d)])),
	arange: (c) => {
		const { a, args } = c;
		// arange(end), arange(start, end[, step]): ⌈(end − start) / step⌉ values.
		const [x, y, z] = [
			a[0] ?? args.keywords.get('start') ?? args.keywords.get('end'),
			a[1] ?? args.keywords.get('end'),
			a[2] ?? args.keywords.get('step'),
		];
		const nums = [x, y, z].map((v) => (v === undefined ? undefined : asNumber(v)));
		const [start, end, step] =
			y === undefined ? [0, nums[0], 1] : [nums[0], nums[1], z === undefined ? 1 : nums[2]];
		if (start === undefined || end === undefined || step === undefined || step === 0) {
			return { k: 'obj', obj: new TorchTensor(null) };
		}
		const n = Math.max(0, Math.ceil((end - start) / step));
		// Of ints alone (no dtype given), an int64 tensor whose values are known: `x[:, torch.arange(3)]`.
		const ints =
			!args.keywords.has('dtype') &&
			[x, y, z].every((v) => v === undefined || (v.k === 'num' && !isFloat(v)));
		const t = new TorchTensor(
			Number.isSafeInteger(n) ? [n] : null,
			null,
			factoryDtype(
				args,
				ints
					? 'int64'
					: [x, y, z].every((v) => v === undefined || v.k === 'num')
						? DEFAULT_FLOAT
						: undefined,
			),
		);
		if (ints && Number.isSafeInteger(n) && n <= 4096) {
			t.values = Array.from({ length: n }, (_, i) => start + i * step);
		}
		return { k: 'obj', obj: t };
	},
	// torch.linspace(start, end, steps): `steps` float32 values, computed as PyTorch's CPU kernel does
	// (in float32, from both ends towards the middle), kept when there are few enough to read.
	linspace: (c) => {
		const { a, args } = c;
		const [start, end, steps] = ['start', 'end', 'steps'].map((k, i) =>
			asNumber(a[i] ?? args.keywords.get(k) ?? UNKNOWN),
		);
		const n = steps !== undefined && Number.isSafeInteger(steps) && steps >= 0 ? steps : null;
		const t = new TorchTensor(n === null ? null : [n], null, factoryDtype(args, DEFAULT_FLOAT));
		if (
			n !== null &&
			n <= 4096 &&
			start !== undefined &&
			end !== undefined &&
			!args.keywords.has('dtype')
		) {
			t.values = linspaceFloat32(start, end, n);
		}
		return { k: 'obj', obj: t };
	},
	zeros_like: likeInput,
	ones_like: likeInput,
	empty_like: likeInput,
	rand_like: likeInput,
	randn_like: likeInput,
	full_like: likeInput,
};

/** at::linspace's float32 values (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp). */
function linspaceFloat32(start: number, end: number, steps: number): number[] {
	const f = Math.fround;
	const [a, b] = [f(start), f(end)];
	if (steps === 1) {
		return [a];
	}
	const step = f(f(b - a) / (steps - 1));
	const halfway = Math.floor(steps / 2);
	return Array.from({ length: steps }, (_, i) =>
		i < halfway ? f(a + f(step * i)) : f(b - f(step * (steps - i - 1))),
	);
}
