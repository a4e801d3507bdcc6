// Subclassed Keras layers and models: the layers and variables they hold, as Keras tracks them.
import type { Shape } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/interpreter';
import {
	asInt,
	asSequence,
	asString,
	causeOf,
	ClassValue,
	findMethod,
	FrameworkObject,
	FunctionValue,
	Value,
} from '../../python/values';
import type { SyntaxNode } from '@lezer/common';
import { children } from '../../python/parse';
import { functionalInitArgs, functionalModel } from './models';
import { createLayer } from './layers';
import { kerasLayerSpec } from './catalogue';
import { REQUIRED } from '../common/spec';
import { KerasLayer, KerasModel, KerasTensor, KerasVariable } from './objects';
import { kerasSubpath } from './paths';
import { KerasSession, toSnakeCase } from './session';

/**
 * The layers in the lists, tuples and dicts a subclass holds as attributes (nested ones too), as
 * Keras's tracking wrappers see them — also those appended after the assignment. Runs before
 * anything reads the model's layers; an item NormLens cannot read makes the model unknown.
 */
export function trackContainers(s: KerasSession, obj: KerasModel): void {
	if (obj.tracked.length === 0) {
		return;
	}
	const have = new Set<KerasLayer>(obj.layers);
	const visit = (v: Value, name: string, depth: number): void => {
		if (depth > 8) {
			return;
		}
		if (v.k === 'obj' && v.obj instanceof KerasLayer) {
			if (!have.has(v.obj)) {
				have.add(v.obj);
				obj.layers.push(v.obj);
			}
		} else if (v.k === 'obj' && v.obj instanceof KerasModel) {
			const layer = s.modelLayer(v.obj);
			if (!have.has(layer)) {
				have.add(layer);
				obj.layers.push(layer);
			}
		} else if (v.k === 'list' || v.k === 'tuple' || v.k === 'dict') {
			if (v.cause) {
				obj.unknownCause ??= v.cause;
			}
			for (const item of v.k === 'dict' ? v.entries.values() : v.items) {
				visit(item, name, depth + 1);
			}
		} else if (v.k === 'unknown') {
			obj.unknownCause ??= causeOf(v) ?? {
				reason: `an item of \`self.${name}\` is not a layer NormLens can read`,
				range: obj.range,
			};
		}
	};
	for (const { name, value } of obj.tracked) {
		visit(value, name, 0);
	}
}

/** A variable from its initial value (a concrete tensor of known shape) or a shape; unknown otherwise, saying why. */
export function variable(
	init: Value | undefined,
	trainable: Value | undefined,
	args: CallArgs,
	ctx: CallContext,
	what: string,
	shapeArg?: Value,
): Value {
	const range = ctx.range(args.node);
	let shape: Shape | null = null;
	if (shapeArg !== undefined) {
		const dims = (asSequence(shapeArg) ?? [shapeArg]).map(asInt);
		shape =
			shapeArg.k === 'none'
				? []
				: dims.every((d) => d !== undefined)
					? (dims as number[])
					: null;
	} else if (
		init?.k === 'obj' &&
		init.obj instanceof KerasTensor &&
		init.obj.shape?.every((d) => d !== null)
	) {
		shape = init.obj.shape;
	} else if (init?.k === 'num' || init?.k === 'bool') {
		shape = [];
	}
	const cause =
		shape === null
			? (causeOf(shapeArg ?? init) ?? {
					reason: `NormLens cannot determine the shape of the weight \`${what}(…)\` creates`,
					range,
				})
			: undefined;
	return {
		k: 'obj',
		obj: new KerasVariable(
			shape,
			trainable?.k === 'bool' ? trainable.v : true,
			range,
			cause,
			what === 'tf.Variable',
		),
	};
}

/** Counts a variable as a weight of the layer or model that holds it (Keras's automatic tracking). */
export function holdVariable(model: KerasModel, name: string, v: KerasVariable): void {
	if (v.registered) {
		return;
	}
	v.registered = true;
	if (v.shape === null) {
		model.unknownCause ??= v.cause;
		return;
	}
	model.ownWeights.push({
		name,
		shape: v.shape as number[],
		kind: 'param',
		trainable: v.trainable,
	});
}

/** A source subclass of keras.Model or keras.layers.Layer: a model whose layers are its attributes. */
export function instantiate(
	s: KerasSession,
	cls: ClassValue,
	bases: string[],
	args: CallArgs,
	ctx: CallContext,
): FrameworkObject | undefined {
	const base = bases
		.map(kerasSubpath)
		.find((p) => p && (p[p.length - 1] === 'Model' || p[p.length - 1] === 'Layer'));
	if (!base) {
		return asCatalogueLayer(s, cls, bases, args, ctx);
	}
	const isLayer = base[base.length - 1] === 'Layer';
	if (!isLayer && !findMethod(cls, '__init__') && functionalInitArgs(args)) {
		// `class MaskedLanguageModel(keras.Model)` that only overrides `train_step`, made with
		// `(inputs, outputs)`: Keras's Model.__init__ makes it a functional model of those layers.
		return functionalModel(s, args, ctx, toSnakeCase(cls.name));
	}
	const name = asString(args.keywords.get('name')) ?? s.uniqueName(toSnakeCase(cls.name));
	const model = new KerasModel(
		'subclass',
		name,
		ctx.depth === 0 ? ctx.assignedTo : undefined,
		ctx.range(args.node),
		ctx.depth === 0,
	);
	model.isLayer = isLayer;
	if (!model.isLayer) {
		s.models.push(model);
	}
	return model;
}

/**
 * `self.name = value` in a subclass: a layer or model becomes one of its layers, a container of them is
 * tracked, a variable is one of its weights; true only where the assignment is the runtime's alone.
 */
export function setAttr(
	s: KerasSession,
	obj: FrameworkObject,
	name: string,
	value: Value,
): boolean {
	if (!(obj instanceof KerasModel) || obj.modelKind !== 'subclass') {
		return false;
	}
	if (name === 'trainable' && value.k === 'bool') {
		obj.setTrainable(value.v);
		return true;
	}
	if (value.k === 'obj' && value.obj instanceof KerasVariable) {
		// Still stored as a plain attribute for `call` to read (hence false).
		if (!value.obj.fromTensorFlow || s.dialect.naming !== 'keras3') {
			holdVariable(obj, name, value.obj);
		} else if (s.dialect.guessed) {
			// Keras 3 tracks only its own variables; tf.keras 2 tracked TensorFlow's too (a shape
			// NormLens cannot know is then the first reason).
			obj.unknownCause ??= value.obj.cause ?? {
				reason: `Keras 3 does not count a \`tf.Variable\` a layer holds (\`self.${name}\`) as a weight, tf.keras 2 does, and nothing in the code says which Keras runs it: a \`# normlens: keras 3\` or \`# normlens: keras 2\` comment decides`,
				range: value.obj.range,
			};
		}
		return false;
	}
	const add = (v: Value): boolean => {
		if (v.k === 'obj' && v.obj instanceof KerasLayer) {
			obj.layers.push(v.obj);
			return true;
		}
		if (v.k === 'obj' && v.obj instanceof KerasModel) {
			obj.layers.push(s.modelLayer(v.obj));
			return true;
		}
		return false;
	};
	// Tracked as layers, and still stored as plain attributes for `call` to read (hence false).
	if (value.k === 'list' || value.k === 'tuple' || value.k === 'dict') {
		// Keras tracks the container itself: layers appended to it later are the model's too (trackContainers).
		obj.tracked.push({ name, value });
		trackContainers(s, obj);
	} else {
		add(value);
	}
	return false;
}

/** Methods a subclass of a catalogue layer may define and still be that layer (they build nothing). */
const CONFIG_METHODS = new Set(['get_config', 'from_config']);

/** Layers the runtime treats by their class name (a Lambda's traced function, a wrapper's states, an input). */
const BY_TYPE = new Set(['Lambda', 'Bidirectional', 'InputLayer', 'TimeDistributed']);

/**
 * `class MCDropout(keras.layers.Dropout)` whose `call` only returns `super().call(…)` (Monte Carlo
 * dropout, `training=True`): the catalogue's layer, with the subclass's name and type, since its
 * weights and its output shape are the base's. A subclass that defines anything else (its own
 * `__init__`, `build`, another `call`) may change both: undefined, as before.
 */
function asCatalogueLayer(
	s: KerasSession,
	cls: ClassValue,
	bases: string[],
	args: CallArgs,
	ctx: CallContext,
): FrameworkObject | undefined {
	const path = bases.map(kerasSubpath).find((p) => p && p.length === 2 && p[0] === 'layers');
	const spec = path ? kerasLayerSpec(path[1]) : undefined;
	if (!spec || BY_TYPE.has(spec.name) || cls.bases.length !== 1) {
		return undefined;
	}
	if (args.node.name === 'ClassDefinition' && spec.args.some(([, d]) => d === REQUIRED)) {
		// Built after the program because nothing called it (a library's builders are): without the
		// arguments its layer requires, it is no model of the file's, and no error of the user's.
		return undefined;
	}
	for (const [name, fn] of cls.methods) {
		if (!CONFIG_METHODS.has(name) && !(name === 'call' && callsBaseOnly(fn))) {
			return undefined;
		}
	}
	const layer = createLayer(s, cls.name, spec, args, ctx, cls.name);
	layer.pyClass = cls;
	return layer;
}

/** Whether a `call` is one statement, `return super().call(…)` (or `super(Cls, self).call(…)`). */
function callsBaseOnly(fn: FunctionValue): boolean {
	const source = fn.source as { slice(node: SyntaxNode): string } | undefined;
	const body = fn.body;
	if (!body || !source || typeof source.slice !== 'function') {
		return false;
	}
	const statements = children(body).filter((c) => /Statement$/.test(c.name));
	if (statements.length !== 1 || statements[0].name !== 'ReturnStatement') {
		return false;
	}
	return /^return\s+super\(\s*(?:\w+\s*,\s*self\s*)?\)\s*\.\s*call\s*\([^]*\)$/.test(
		source.slice(statements[0]).trim(),
	);
}
