// `+` and `+=` on nn.Sequential and nn.ModuleList, as PyTorch defines them (Sequential.__add__ /
// __iadd__, ModuleList.__add__ / __iadd__): the modules they combine, never a count without them.
import type { TextRange } from '../../../../protocol/analysis';
import { asSequence, Cause, causeOf, unknown, Value } from '../../../python/values';
import { TorchModule } from '../objects';
import type { TorchSession } from '../session';
import { attach } from './registration';

/** Python's arithmetic and bitwise operators: on a module, `__mul__`, `__or__`… NormLens does not model. */
const ARITHMETIC = new Set(['+', '-', '*', '/', '//', '%', '**', '@', '<<', '>>', '&', '|', '^']);

/**
 * `a op b` (`inPlace`: `a op= b`) on a module that `combineContainers` does not take
 * (`nn.Sequential(…) * 3`, `seq *= 2`): unknown, and the module it may have changed or built from
 * — the left one in place, or one built inside this very expression, which is otherwise shown as
 * the statement's model — holds an unknown part for that cause. Undefined for other operators.
 */
export function moduleOperator(
	s: TorchSession,
	op: string,
	a: Value,
	b: Value,
	inPlace: boolean,
	range: TextRange,
): Value | undefined {
	if (!ARITHMETIC.has(op)) {
		return undefined;
	}
	const cause: Cause = {
		reason: `NormLens does not follow \`${op}${inPlace ? '=' : ''}\` on a module`,
		range,
	};
	for (const v of inPlace ? [a] : [a, b]) {
		if (
			v.k === 'obj' &&
			v.obj instanceof TorchModule &&
			(inPlace || (!v.obj.attached && within(v.obj.range, range)))
		) {
			unknownPart(s, v.obj, cause, true);
		}
	}
	return inPlace && a.k === 'obj' ? a : unknown(cause);
}

/** A stand-in for what NormLens cannot read, held under `key`: its parameters are unknown for `cause`. */
function unknownPart(s: TorchSession, target: TorchModule, cause: Cause, inPlace: boolean): void {
	const stand = new TorchModule('?', undefined, new Map(), cause.range, false, false, undefined);
	stand.paramsKnown = false;
	stand.unknownCause = cause;
	s.modules.push(stand);
	const key = String(target.children.size);
	target.unknownCause ??= cause;
	if (inPlace) {
		attach(target, key, stand);
	} else {
		target.children.set(key, stand);
	}
}

const before = (a: TextRange['start'], b: TextRange['start']) =>
	a.line < b.line || (a.line === b.line && a.character <= b.character);
/** Whether `inner` lies within `outer`. */
const within = (inner: TextRange, outer: TextRange) =>
	before(outer.start, inner.start) && before(inner.end, outer.end);

/** The modules `other` holds, for the right operand of `+` / `+=`; undefined when NormLens cannot list them. */
function operandModules(left: TorchModule, other: Value): (TorchModule | Value)[] | undefined {
	if (other.k === 'obj' && other.obj instanceof TorchModule) {
		// Sequential + Sequential; a ModuleList takes any iterable of modules (a container iterates its children).
		if (left.spec?.container === 'sequential' && other.obj.spec?.container !== 'sequential') {
			return undefined;
		}
		return other.obj.spec?.container && !other.obj.taint
			? [...other.obj.children.values()]
			: undefined;
	}
	// ModuleList += [m1, m2] (a list or tuple of modules); a Sequential takes only a Sequential.
	return left.spec?.container === 'list' ? asSequence(other) : undefined;
}

/**
 * `left + right` (`inPlace`: `left += right`) where `left` is a Sequential or ModuleList; undefined
 * for other modules. `+` makes a new container of the same module objects (PyTorch shares them);
 * `+=` adds them to `left`. What NormLens cannot list makes the result unknown, with that cause —
 * and `left` too when it was to be extended in place.
 */
export function combineContainers(
	s: TorchSession,
	left: TorchModule,
	right: Value,
	inPlace: boolean,
	range: TextRange,
): Value | undefined {
	const kind = left.spec?.container;
	if (kind !== 'sequential' && kind !== 'list') {
		return undefined;
	}
	const items = left.taint ? undefined : operandModules(left, right);
	if (!items) {
		const cause: Cause = {
			reason:
				kind === 'sequential'
					? `NormLens cannot tell what \`${inPlace ? '+=' : '+'}\` adds to this Sequential (PyTorch takes only another Sequential)`
					: `NormLens cannot list what \`${inPlace ? '+=' : '+'}\` adds to this ModuleList`,
			range,
		};
		if (inPlace) {
			unknownPart(s, left, cause, true);
		}
		return unknown(cause);
	}
	const target = inPlace
		? left
		: new TorchModule(left.type, left.spec, new Map(), range, true, false, undefined);
	if (!inPlace) {
		[...left.children.values()].forEach((c, i) => target.children.set(String(i), c));
		target.unknownCause = left.unknownCause;
		s.modules.push(target);
	}
	// Operands built inside this statement (`nn.ModuleList(…) + nn.ModuleList(…)`, `seq +=
	// nn.Sequential(…)`) are temporaries: only the result is the model the statement binds.
	for (const operand of [inPlace ? undefined : left, right.k === 'obj' ? right.obj : undefined]) {
		if (operand instanceof TorchModule && within(operand.range, range)) {
			operand.attached = true;
		}
	}
	for (const v of items) {
		const key = String(target.children.size);
		if (v instanceof TorchModule) {
			if (inPlace) {
				attach(target, key, v);
			} else {
				target.children.set(key, v);
			}
		} else if (v.k === 'obj' && v.obj instanceof TorchModule) {
			if (inPlace) {
				attach(target, key, v.obj);
			} else {
				target.children.set(key, v.obj);
			}
		} else {
			unknownPart(
				s,
				target,
				causeOf(v) ?? {
					reason: 'what this `+` adds is not a module NormLens can read',
					range,
				},
				inPlace,
			);
		}
	}
	return { k: 'obj', obj: target };
}
