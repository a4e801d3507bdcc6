// TensorFlow and keras.ops functions, and Python operators, on symbolic tensors: the tensor each gives.
import type { Shape, TextRange } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/contract';
import {
	asInt,
	asNumber,
	asSequence,
	causeOf,
	firstCause,
	NONE,
	tuple,
	unknown,
	Value,
} from '../../python/values';
import { reduceInts } from '../../python/stdlib';
import { KerasTensor, KerasVariable, tensorShapeCause } from './objects';
import {
	axisIndex,
	BROADCASTING,
	K_DEFAULT_AXIS,
	rangeLength,
	SCALAR_COMPARISONS,
	shapeKeepingLayerName,
	TensorOp,
	tensorOpResult,
	tensorShapePath,
	tensorShapeValue,
	tfOpLayerName,
	TF_OPERATOR_LAYER_NAMES,
	TF_OPS,
} from './ops';
import { shapeEntries } from './dynamicShapes';
import { INTEGER_ARITHMETIC, matmulShape } from '../common/shapes';
import { splitShapes } from './opsMore';
import { callPath, rangeTensor, ShapeArgument } from './paths';
import type { KerasSession } from './session';

/**
 * `tf.nn.relu(x)`, `tf.reshape(x, …)`, `keras.ops.maximum(a, b)`, `tf.zeros((2, 3))`, `tf.range(n)`
 * …: the value TensorFlow (or keras.ops) gives, or undefined for a function this does not know. A
 * function it knows whose tensor argument is unknown is unknown for that argument's cause: the
 * place that lost the value, not the function, is the reason.
 */
export function tfFunctionCall(
	s: KerasSession,
	path: string,
	args: CallArgs,
	ctx: CallContext,
): Value | undefined {
	const got = kerasGetter(path, args) ?? constantReduce(path, args);
	if (got) {
		return got;
	}
	const { concrete, keepsShape } = callPath(path);
	const first = args.positional[0] ?? args.keywords.get('x') ?? args.keywords.get('features');
	if (SHAPE_OF.test(path) && s.insideLayerCall) {
		const x = first ?? args.keywords.get('input');
		if (x?.k === 'obj' && x.obj instanceof KerasTensor) {
			return shapeTensor(s, x.obj);
		}
	}
	if (KERAS_SHAPE_OF.test(path) && first?.k === 'obj' && first.obj instanceof KerasTensor) {
		return kerasShape(s, first.obj);
	}
	if (keepsShape && first?.k === 'obj' && first.obj instanceof KerasTensor) {
		const layer = s.opLayer(
			shapeKeepingLayerName(path),
			[first.obj],
			first.obj.shape,
			ctx.range(args.node),
		);
		return {
			k: 'obj',
			obj: new KerasTensor(s.tensorIds++, first.obj.shape, layer, [first.obj]),
		};
	}
	const comparison =
		/^(?:tensorflow|tf)(?:\.math)?\.(\w+)$|^(?:tensorflow\.|tf\.)?keras\.ops\.(\w+)$/.exec(
			path,
		);
	const compare = comparison ? SCALAR_COMPARISONS[comparison[1] ?? comparison[2]] : undefined;
	if (compare) {
		const [a, b] = [
			args.positional[0] ?? args.keywords.get('x'),
			args.positional[1] ?? args.keywords.get('y'),
		];
		const x = asNumber(a);
		const y = asNumber(b);
		if (x !== undefined && y !== undefined && a?.k === 'num' && b?.k === 'num') {
			return { k: 'bool', v: compare(x, y) };
		}
	}
	// Keras 2's backend has the two of them too (`K.maximum(sum_square, K.epsilon())`).
	const backend = /^(?:(?:tensorflow|tf)\.)?keras\.backend\.(maximum|minimum)$/.exec(path)?.[1];
	const elementwise = comparison
		? BROADCASTING[comparison[1] ?? comparison[2]]
		: backend
			? BROADCASTING[backend]
			: undefined;
	if (elementwise) {
		// `ops.maximum(sum_square, keras.backend.epsilon())`, `tf.add(x, y)`: NumPy broadcasting.
		const [a, b] = [args.positional[0], args.positional[1]];
		const v =
			a && b
				? binaryOp(
						s,
						'',
						a,
						b,
						ctx.range(args.node),
						path.includes('keras.ops') ? null : elementwise,
					)
				: undefined;
		if (v) {
			return v;
		}
	}
	if (tensorShapePath.test(path)) {
		return tensorShapeValue(args);
	}
	if (rangeTensor.test(path)) {
		return {
			k: 'obj',
			obj: new KerasTensor(s.tensorIds++, [rangeLength(args)], null, []),
		};
	}
	if (concrete) {
		return concreteTensor(s, path, concrete, args);
	}
	const opPath = path
		.replace(/^(?:tensorflow\.|tf\.)?keras\.ops\./, 'ops.')
		.replace(/^(?:tensorflow\.|tf\.)?keras\.backend\./, 'K.')
		.replace(/^(?:tensorflow|tf)\./, 'tf.');
	const split = SPLITS[opPath];
	if (split && first?.k === 'obj' && first.obj instanceof KerasTensor) {
		return splitCall(s, split, first.obj, args, ctx.range(args.node));
	}
	const data = args.keywords.get('value') ?? first;
	if (
		opPath === 'tf.constant' &&
		!args.keywords.has('shape') &&
		data?.k === 'obj' &&
		data.obj instanceof KerasTensor &&
		data.obj.producer === null
	) {
		// `tf.constant(x_train, dtype=tf.float32)`: the data, as an eager tensor of its shape.
		const t = new KerasTensor(s.tensorIds++, data.obj.shape, null, []);
		t.shapeCause = data.obj.shapeCause;
		return { k: 'obj', obj: t };
	}
	if (opPath === 'tf.convert_to_tensor' || opPath === 'ops.convert_to_tensor') {
		// A tensor is itself; a list of tensors (a decoder's per-step outputs) is stacked on a new
		// first axis, as `tf.stack` does.
		const value = args.keywords.get('value') ?? args.keywords.get('x') ?? first;
		if (value?.k === 'obj' && value.obj instanceof KerasTensor) {
			return value;
		}
		const stacked = value
			? tensorOp(
					s,
					'stack',
					{ ...args, positional: [value], keywords: new Map() },
					undefined,
					ctx.range(args.node),
				)
			: undefined;
		if (stacked) {
			return stacked;
		}
	}
	const op = TF_OPS[opPath];
	if (op) {
		const axis = K_DEFAULT_AXIS[opPath];
		// `K.concatenate([a, b])`, `K.expand_dims(x)`: the backend's own default axis.
		const given =
			axis !== undefined && !args.keywords.has('axis') && args.positional.length < 2
				? {
						...args,
						keywords: new Map([
							...args.keywords,
							['axis', { k: 'num', v: axis } as Value],
						]),
					}
				: args;
		const v = tensorOp(s, op, given, tfOpLayerName(opPath), ctx.range(args.node));
		if (v) {
			return v;
		}
	}
	if (op || keepsShape || elementwise) {
		// A function NormLens follows, given something it does not know (`tf.reshape(patches, …)`
		// after a call it could not read): that something's cause.
		const cause = firstCause([...args.positional, ...args.keywords.values()]);
		if (cause) {
			return unknown(cause);
		}
	}
	return undefined;
}

/**
 * `tf.zeros((2, 3))`, `np.random.rand(100, 28)`, `np.random.normal(0, 1, size=(64, 10))`: a tensor
 * of the shape given where that function takes it (undefined where none is given: NumPy's random
 * functions then return a float). Inside a layer's `call`, `tf.random.normal(shape=(batch, dim))`
 * with `batch = tf.shape(z)[0]` has None where only the run knows the size.
 */
function concreteTensor(
	s: KerasSession,
	path: string,
	where: ShapeArgument,
	args: CallArgs,
): Value | undefined {
	const arg =
		where === 'varargs'
			? args.positional.length > 0
				? tuple(args.positional)
				: undefined
			: (args.positional[where.position] ?? args.keywords.get(where.keyword));
	if (!arg || arg.k === 'none') {
		return undefined;
	}
	const dims = arg.k === 'obj' || asSequence(arg) ? shapeEntries(arg) : [asInt(arg)];
	// A negative size is NumPy's and TensorFlow's error: no shape.
	if (dims?.every((d) => d !== undefined && (d === null || d >= 0))) {
		const t = new KerasTensor(s.tensorIds++, dims as Shape, null, []);
		// NumPy's arrays have NumPy's methods; one with a size only a layer's run knows is none.
		t.ndarray = (/^(?:numpy|np)\./.test(path) && dims.every((d) => d !== null)) || undefined;
		return { k: 'obj', obj: t };
	}
	return unknown(causeOf(arg));
}

/** `tf.shape(x)`, `keras.backend.shape(x)`: x's dimensions as a 1-D int tensor. */
const SHAPE_OF = /^(?:tensorflow|tf)\.shape$|^(?:tensorflow\.|tf\.)?keras\.backend\.shape$/;

/** The functions that cut a tensor into a list of tensors. */
const SPLITS: Readonly<Record<string, 'tf.split' | 'ops.split' | 'unstack'>> = {
	'tf.split': 'tf.split',
	'ops.split': 'ops.split',
	'tf.unstack': 'unstack',
	'ops.unstack': 'unstack',
};

/**
 * `q, k, v = tf.split(qkv, 3, axis=-1)`, `tf.unstack(x, axis=1)`: a list of tensors of the pieces'
 * shapes, made by one tf.keras 2 row between layers (whose one shape column cannot show them); the
 * list is unknown, with why, where the pieces cannot be counted, and TensorFlow's refusals are errors.
 */
function splitCall(
	s: KerasSession,
	kind: 'tf.split' | 'ops.split' | 'unstack',
	x: KerasTensor,
	args: CallArgs,
	range: TextRange,
): Value {
	if (!x.shape) {
		return unknown(tensorShapeCause(x));
	}
	const a = args.positional;
	const kw = (name: string, i: number) => args.keywords.get(name) ?? a[i];
	const r = splitShapes(kind, x.shape, { args, kw, axisOf: axisIndex });
	if (!r.shapes) {
		const reason = r.why ?? 'NormLens cannot count the pieces';
		if (reason.startsWith('TensorFlow refuses')) {
			s.diagnostics.push({
				range,
				severity: 'error',
				code: 'shape-mismatch',
				message: `${reason}.`,
			});
		}
		return unknown({ reason: `\`${kind}\`: ${reason}`, range });
	}
	const layer = s.opLayer(kind === 'unstack' ? 'tf.unstack' : 'tf.split', [x], null, range);
	if (layer) {
		layer.outputCause = {
			reason: `it returns ${r.shapes.length} tensors, which a row of one shape cannot show`,
			range,
		};
	}
	return {
		k: 'list',
		items: r.shapes.map((shape) => ({
			k: 'obj',
			obj: new KerasTensor(s.tensorIds++, shape, layer, [x]),
		})),
	};
}

/** `keras.ops.shape(x)`: a tuple. */
const KERAS_SHAPE_OF = /^(?:tensorflow\.|tf\.)?keras\.ops\.shape$/;

/**
 * `keras.ops.shape(x)`: a tuple of x's dimensions — between layers x's static shape (None for the
 * batch); inside a layer's `call` a None one is the run's size, a scalar tensor (TensorFlow's
 * backend, where Keras 3 traces the call; JAX's tracing gives the same output shapes).
 */
function kerasShape(s: KerasSession, x: KerasTensor): Value {
	if (!x.shape) {
		return unknown(tensorShapeCause(x));
	}
	return {
		k: 'tuple',
		items: x.shape.map((d): Value => {
			if (d !== null) {
				return { k: 'num', v: d };
			}
			if (!s.insideLayerCall) {
				return { k: 'none' };
			}
			const t = new KerasTensor(s.tensorIds++, [], null, [x]);
			t.values = [null];
			return { k: 'obj', obj: t };
		}),
	};
}

/**
 * `tf.shape(x)` inside a layer's `call` (where it takes the graph's tensor; between layers tf.keras 2
 * makes it a row, and Keras 3 refuses it): a 1-D int tensor whose items are x's dimensions, known
 * to the graph where x's static shape has them (`tf.shape(images)[1]` is 224, `[0]` is None).
 */
function shapeTensor(s: KerasSession, x: KerasTensor): Value {
	const t = new KerasTensor(s.tensorIds++, x.shape ? [x.shape.length] : null, null, [x]);
	if (x.shape) {
		t.values = [...x.shape];
	}
	return { k: 'obj', obj: t };
}

/** The value of a scalar int a graph knows (a shape's item, null for a None one), or of an int; undefined otherwise. */
function scalarInt(v: Value, t: KerasTensor | undefined): number | null | undefined {
	if (t) {
		return t.shape?.length === 0 && t.values?.length === 1 ? t.values[0] : undefined;
	}
	return v.k === 'num' && Number.isInteger(v.v) && !v.float ? v.v : undefined;
}

/**
 * TensorFlow / keras.ops functions on symbolic tensors (`tf.concat`, `tf.reshape`, `tf.reduce_mean`…):
 * a tensor of the shape TensorFlow gives, made by no layer of weights (tf.keras prints a TFOpLambda
 * row), so that the layers after it are built. Undefined when the first argument is no symbolic tensor.
 */
function tensorOp(
	s: KerasSession,
	op: TensorOp,
	args: CallArgs,
	layerName: string | undefined,
	range: TextRange,
): Value | undefined {
	// A variable (`tf.matmul(x, self.w)` with a weight from add_weight) is a tensor of its shape.
	const r = tensorOpResult(op, args, (v) =>
		v?.k === 'obj'
			? v.obj instanceof KerasTensor
				? v.obj
				: v.obj instanceof KerasVariable
					? new KerasTensor(s.tensorIds++, v.obj.shape, null, [])
					: undefined
			: undefined,
	);
	if (!r) {
		return undefined;
	}
	const layer = s.opLayer(layerName, r.inputs, r.shape, range);
	const tensor = new KerasTensor(s.tensorIds++, r.shape, layer, r.inputs);
	if (r.shape === null && !r.inputs.some((t) => tensorShapeCause(t))) {
		// TensorFlow's own refusals (shapes that do not fit) are errors at the call.
		const refused = r.why?.startsWith('TensorFlow refuses') ? r.why : undefined;
		tensor.shapeCause = {
			reason:
				refused ??
				`NormLens cannot compute the shape \`${op}\` gives here (${r.why ?? 'an axis or a size it does not know'})`,
			range,
		};
		if (refused) {
			s.diagnostics.push({
				range,
				severity: 'error',
				code: 'shape-mismatch',
				message: `${refused}.`,
			});
		}
	}
	return { k: 'obj', obj: tensor };
}

/**
 * `x + y` on symbolic tensors (residual connections in `call`), and the element-wise functions of
 * two tensors: NumPy's broadcast shape. Undefined where neither operand is a tensor, or for an
 * operator tensors do not broadcast under.
 */
export function binaryOp(
	s: KerasSession,
	op: string,
	a: Value,
	b: Value,
	range?: TextRange,
	/** A function's TFOpLambda name (`tf.math.maximum`); null for a function that makes no row (keras.ops). */
	apiName?: string | null,
): Value | undefined {
	// A variable in arithmetic (`x * self.gamma`) is a concrete tensor of its shape.
	const t = (v: Value) =>
		v.k === 'obj'
			? v.obj instanceof KerasTensor
				? v.obj
				: v.obj instanceof KerasVariable
					? new KerasTensor(s.tensorIds++, v.obj.shape, null, [])
					: undefined
			: undefined;
	const ta = t(a);
	const tb = t(b);
	// Integer arithmetic on the scalars of a shape (`tf.shape(x)[1] // patch`).
	const arithmetic = apiName === undefined ? INTEGER_ARITHMETIC[op] : undefined;
	const [va, vb] = [scalarInt(a, ta), scalarInt(b, tb)];
	if ((ta?.values || tb?.values) && arithmetic && va !== undefined && vb !== undefined) {
		// On the scalars of a shape inside a layer's `call`: their value where both are known.
		const r = new KerasTensor(
			s.tensorIds++,
			[],
			null,
			[ta, tb].filter((x) => x !== undefined),
		);
		r.values = [va === null || vb === null ? null : (arithmetic(va, vb) ?? null)];
		return { k: 'obj', obj: r };
	}
	if ((!ta && !tb) || (apiName === undefined && !['+', '-', '*', '/', '@'].includes(op))) {
		return undefined;
	}
	// A number, known or not (`x / float(x.max())`): it broadcasts as a scalar.
	const scalar = (v: Value) =>
		v.k === 'num' || v.k === 'bool' || (v.k === 'unknown' && v.scalar === true);
	if (apiName !== undefined && ((!ta && !scalar(a)) || (!tb && !scalar(b)))) {
		// A function's other operand is neither a tensor nor a number NormLens knows.
		return undefined;
	}
	const inputs = [ta, tb].filter((x): x is KerasTensor => x !== undefined);
	// An operand NormLens does not know may be a tensor of any shape: the broadcast is unknown.
	const other = (!ta && !scalar(a) && a) || (!tb && !scalar(b) && b) || undefined;
	const sa = ta ? ta.shape : other ? null : [];
	const sb = tb ? tb.shape : other ? null : [];
	let shape: Shape | null = null;
	let mismatch: string | undefined;
	if (sa && sb && op === '@') {
		// `x @ self.kernel`: a matrix product, batch axes broadcast (a custom Dense's call).
		shape = sa.length >= 2 && sb.length >= 2 ? matmulShape(sa, sb) : null;
		mismatch = shape
			? undefined
			: `${fmt(sa)} @ ${fmt(sb)} is no matrix product of rank 2 or more`;
	} else if (sa && sb) {
		const r = Math.max(sa.length, sb.length);
		shape = [];
		for (let i = 0; i < r; i++) {
			const x = i < r - sa.length ? 1 : sa[sa.length - r + i];
			const y = i < r - sb.length ? 1 : sb[sb.length - r + i];
			if (x !== null && y !== null && x !== 1 && y !== 1 && x !== y) {
				mismatch = `${fmt(sa)} and ${fmt(sb)} do not broadcast (${x} against ${y})`;
				shape = null;
				break;
			}
			shape.push(x === 1 ? y : y === 1 ? x : (x ?? y));
		}
	}
	const layer =
		range && apiName !== null
			? s.opLayer(apiName ?? TF_OPERATOR_LAYER_NAMES[op], inputs, shape, range)
			: null;
	const tensor = new KerasTensor(s.tensorIds++, shape, layer, inputs);
	// NumPy arithmetic on arrays (`x_train / 255`) gives an array; with a TensorFlow tensor, a tensor.
	tensor.ndarray = inputs.length > 0 && inputs.every((x) => x.ndarray) ? true : undefined;
	if (shape === null && range) {
		const why = mismatch
			? { reason: `TensorFlow refuses this: ${mismatch}`, range }
			: other
				? (causeOf(other) ?? {
						reason:
							other.k === 'ref'
								? `NormLens cannot read \`${other.path}\`, which may be a tensor of any shape`
								: 'NormLens does not know the other operand, which may be a tensor of any shape',
						range,
					})
				: undefined;
		tensor.shapeCause = why;
		if (mismatch) {
			s.diagnostics.push({
				range,
				severity: 'error',
				code: 'shape-mismatch',
				message: `Incompatible shapes: ${mismatch}.`,
			});
		}
	}
	return { k: 'obj', obj: tensor };
}

function fmt(shape: Shape): string {
	return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

const GETTER =
	/^((?:(?:tensorflow|tf)\.)?(?:keras|tf_keras))\.(activations|initializers|regularizers|constraints)\.get$/;

/**
 * `keras.activations.get('relu')` and the `get` of initializers, regularizers and constraints (a
 * custom layer's `__init__`): what the name names in that module, the object itself when given one,
 * None for None (the linear activation for an activation). They make no weights.
 */
function kerasGetter(path: string, args: CallArgs): Value | undefined {
	const m = GETTER.exec(path);
	const v = args.positional[0] ?? args.keywords.get('identifier');
	if (!m || !v || args.positional.length > 1) {
		return undefined;
	}
	const [, root, module] = m;
	if (v.k === 'none') {
		return module === 'activations' ? { k: 'ref', path: `${root}.activations.linear` } : NONE;
	}
	if (v.k === 'str' && /^[A-Za-z_]\w*$/.test(v.v)) {
		return { k: 'ref', path: `${root}.${module}.${v.v}` };
	}
	return v.k === 'ref' || v.k === 'func' || v.k === 'obj' ? v : undefined;
}

/**
 * `tf.math.reduce_prod((5, 9, 9))` / `reduce_sum` / `reduce_max` / `reduce_min` of a list or tuple
 * of Python ints, no axis: TensorFlow's int32 scalar, which a layer takes as its int
 * (`Dense(tf.math.reduce_prod(shape))` has 405 units).
 */
function constantReduce(path: string, args: CallArgs): Value | undefined {
	const op = /^(?:tensorflow|tf)(?:\.math)?\.reduce_(prod|sum|max|min)$/.exec(path)?.[1];
	const given = args.positional.length + args.keywords.size;
	const v =
		op && given === 1
			? reduceInts(
					op as 'prod' | 'sum' | 'max' | 'min',
					args.positional[0] ?? args.keywords.get('input_tensor'),
				)
			: undefined;
	// int32: a value past it overflows in TensorFlow.
	return v !== undefined && Math.abs(v) < 2 ** 31 ? { k: 'num', v } : undefined;
}
