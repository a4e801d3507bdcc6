// The torch objects besides modules and tensors, by what they are: datasets, loaders and transforms
// (datasets.ts), distributions (distributions.ts), forward hooks' handles (nn/hooks.ts), devices
// (device.ts).
import type { TextRange } from '../../../protocol/analysis';
import type { CallArgs } from '../../python/contract';
import type { FrameworkObject, Value } from '../../python/values';
import { dataAttribute, dataMethod } from './datasets';
import { distributionAttribute, distributionMethod } from './distributions';
import { hookHandleMethod } from './nn/hooks';
import { deviceAttribute } from './device';

export function otherAttribute(obj: FrameworkObject, name: string): Value | undefined {
	return (
		dataAttribute(obj, name) ?? distributionAttribute(obj, name) ?? deviceAttribute(obj, name)
	);
}
export function otherMethod(
	obj: FrameworkObject,
	name: string,
	args: CallArgs,
	range: TextRange,
): Value | undefined {
	return (
		dataMethod(obj, name, range) ??
		distributionMethod(obj, name, args) ??
		hookHandleMethod(obj, name)
	);
}
