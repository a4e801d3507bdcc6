// Generator functions run to their end when called: what they yield, in order, is what iterating them gives.
import type { SyntaxNode } from '@lezer/common';
import { StopInterpretation } from '../contract';
import { Cause, causeOf, NONE, Scope, Value } from '../values';
import type { Interpreter } from '../interpreter';

/** The values a generator call has yielded so far, and why they may not be all of them. */
export interface GeneratorFrame {
	items: Value[];
	cause?: Cause;
}

/**
 * Yields one generator call may make before NormLens stops following it: layer builders yield
 * fewer (a stage's blocks); a data generator (`while True: yield batch`) is cut early, so that
 * running it costs the analysis little.
 */
const MAX_YIELDS = 64;

/**
 * Thrown at the yield past MAX_YIELDS: the rest of the generator's body does not run. A bound of
 * the generator's own, so that no statement on the way takes it for a failure to follow (as it
 * takes other errors); the generator call catches it.
 */
export class TooManyYields extends StopInterpretation {
	constructor() {
		super(`${MAX_YIELDS} yields of one generator`);
	}
}

/** `yield x`, `yield`, `yield from xs` inside the generator call running now; a yield expression's value is None (nothing is sent). */
export function yieldValue(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	const frame = it.generatorFrames[it.generatorFrames.length - 1];
	const parts: SyntaxNode[] = [];
	let from = false;
	for (let c = node.firstChild; c; c = c.nextSibling) {
		if (c.name === 'from') {
			from = true;
		} else if (c.name !== 'yield' && c.name !== 'Comment') {
			parts.push(c);
		}
	}
	const v = parts[0] ? it.eval(parts[0], scope) : NONE;
	if (!frame) {
		return NONE;
	}
	const items = from ? it.iterate(v) : [v];
	if (!items) {
		frame.cause ??= causeOf(v) ?? {
			reason: `NormLens cannot list what \`${it.snippet(node)}\` yields`,
			range: it.here(node),
		};
		return NONE;
	}
	frame.items.push(...items);
	if (frame.items.length > MAX_YIELDS) {
		frame.cause ??= {
			reason: `this generator yields more than ${MAX_YIELDS} values; NormLens stops following it there`,
			range: it.here(node),
		};
		throw new TooManyYields();
	}
	return NONE;
}

/**
 * Code inside a generator's body that may or may not run (a branch NormLens cannot decide, a loop
 * over what it cannot list): where it holds a `yield`, the values are no longer all known.
 */
export function yieldsMayBeMissed(it: Interpreter, node: SyntaxNode, cause: Cause): void {
	const frame = it.generatorFrames[it.generatorFrames.length - 1];
	if (frame && !frame.cause && holdsYield(node)) {
		frame.cause = cause;
	}
}

/** Whether `node` yields for the generator running it (a nested function's or class's yields are their own). */
export function holdsYield(node: SyntaxNode): boolean {
	if (node.name === 'YieldStatement' || node.name === 'YieldExpression') {
		return true;
	}
	if (
		node.name === 'FunctionDefinition' ||
		node.name === 'ClassDefinition' ||
		node.name === 'LambdaExpression'
	) {
		return false;
	}
	for (let c = node.firstChild; c; c = c.nextSibling) {
		if (holdsYield(c)) {
			return true;
		}
	}
	return false;
}
