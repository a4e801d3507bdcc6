// Python's callable(): which values can be called, where NormLens can tell.
import { findMethod, Value } from './values';

const CALLABLE: ReadonlySet<Value['k']> = new Set(['func', 'class', 'builtin', 'bound', 'partial']);
const NOT_CALLABLE: ReadonlySet<Value['k']> = new Set([
	'num',
	'str',
	'bool',
	'none',
	'list',
	'tuple',
	'dict',
]);
/** Framework objects by kind: modules, layers, models, initializers and transforms are called; tensors and data are not. */
const CALLABLE_OBJECTS = new Set(['module', 'layer', 'model', 'initializer', 'transform']);
const DATA_OBJECTS = new Set(['tensor', 'param', 'variable', 'dataset', 'dataloader', 'iterator']);

/** `callable(v)`; undefined where NormLens cannot tell (an unknown, a library reference). */
export function isCallable(v: Value): boolean | undefined {
	if (CALLABLE.has(v.k)) {
		return true;
	}
	if (NOT_CALLABLE.has(v.k)) {
		return false;
	}
	if (v.k === 'instance') {
		return findMethod(v.inst.cls, '__call__') !== undefined;
	}
	if (v.k === 'obj') {
		return CALLABLE_OBJECTS.has(v.obj.kind)
			? true
			: DATA_OBJECTS.has(v.obj.kind)
				? false
				: undefined;
	}
	return undefined;
}
