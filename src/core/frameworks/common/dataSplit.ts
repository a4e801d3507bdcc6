// scikit-learn's `train_test_split(*arrays, test_size=None, train_size=None, …)` on arrays of known
// shapes, whichever framework holds them (NumPy arrays in keras/numpyArrays.ts, PyTorch tensors in
// torch/datasets.ts): the shapes of its pieces, as `_validate_shuffle_split` counts them.
import type { CallArgs } from '../../python/contract';
import { asNumber, Cause, causeOf, isFloat, Value } from '../../python/values';

export type SplitResult =
	| { shapes: number[][] }
	/** scikit-learn's ValueError. */
	| { refused: string }
	| { cause: Cause | undefined };

/**
 * The pieces' shapes, train then test for each array in order: a float test size rounds up, a float
 * train size down, 0.25 for the test when neither is given. `shapes` are the arrays' shapes.
 */
export function trainTestSplitShapes(shapes: number[][], args: CallArgs): SplitResult {
	const n = shapes[0][0];
	if (shapes.some((x) => x[0] !== n)) {
		return { refused: 'scikit-learn refuses arrays of different lengths (ValueError)' };
	}
	const sizeOf = (key: string): number | null | undefined => {
		const v = args.keywords.get(key);
		if (!v || v.k === 'none') {
			return null;
		}
		const f = asNumber(v);
		if (f === undefined) {
			return undefined;
		}
		const float = isFloat(v) || !Number.isInteger(f);
		return float ? (key === 'test_size' ? Math.ceil(f * n) : Math.floor(f * n)) : f;
	};
	let nTest = sizeOf('test_size');
	let nTrain = sizeOf('train_size');
	if (nTest === undefined || nTrain === undefined) {
		const given = [args.keywords.get('test_size'), args.keywords.get('train_size')];
		return { cause: causeOf(given.find((v): v is Value => causeOf(v) !== undefined)) };
	}
	if (nTest === null && nTrain === null) {
		nTest = Math.ceil(0.25 * n);
	}
	nTrain ??= n - (nTest as number);
	nTest ??= n - nTrain;
	if (nTrain <= 0 || nTest <= 0 || nTrain + nTest > n) {
		return {
			refused: `scikit-learn refuses a split of ${n} samples into ${nTrain} and ${nTest} (ValueError)`,
		};
	}
	const [train, test] = [nTrain, nTest];
	return {
		shapes: shapes.flatMap((x) => [
			[train, ...x.slice(1)],
			[test, ...x.slice(1)],
		]),
	};
}

/** `sklearn.model_selection.train_test_split` (or its old home, `cross_validation`). */
export const TRAIN_TEST_SPLIT = /^sklearn\.(?:model_selection|cross_validation)\.train_test_split$/;
