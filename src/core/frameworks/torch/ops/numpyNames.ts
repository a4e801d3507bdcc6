// NumPy's names for PyTorch's arguments: `torch.cat(xs, axis=1)`, `x.sum(axis=0, keepdims=True)`.
import type { AnalysisDiagnostic, TextRange } from '../../../../protocol/analysis';
import type { CallArgs } from '../../../python/contract';
import type { Value } from '../../../python/values';
import { raisedTensor } from '../shapeCauses';

/**
 * PyTorch's argument parser (python_arg_parser.cpp, "numpy compatibility") reads these NumPy
 * keywords as its own for every native function and Tensor method: `axis` is `dim`, `keepdims` is
 * `keepdim`. A rule reading `dim` must see them, or it takes the default (torch.cat along dim 0).
 */
const ALIASES: Readonly<Record<string, string>> = { axis: 'dim', keepdims: 'keepdim' };

/**
 * Functions written in Python (torch/functional.py, torch/_tensor.py), which the parser does not
 * see: a NumPy keyword there is Python's TypeError.
 */
const PYTHON_FUNCTIONS = new Set([
	'split',
	'einsum',
	'stft',
	'istft',
	'norm',
	'unique',
	'unique_consecutive',
	'meshgrid',
	'tensordot',
	'cdist',
	'broadcast_tensors',
	'block_diag',
	'cartesian_prod',
	'chain_matmul',
	'lu',
	'atleast_1d',
	'atleast_2d',
	'atleast_3d',
	'unflatten',
]);

/**
 * The call's arguments with NumPy's keywords under PyTorch's names, or the TypeError's text where
 * PyTorch refuses them (a Python-level function, or both names given).
 */
export function torchKeywords(name: string, args: CallArgs): CallArgs | string {
	if (args.keywords.size === 0) {
		// Most calls (every tensor method a forward makes): nothing to read.
		return args;
	}
	const given = [...args.keywords.keys()].filter((k) => k in ALIASES);
	if (given.length === 0) {
		return args;
	}
	if (PYTHON_FUNCTIONS.has(name)) {
		return `${name}() got an unexpected keyword argument '${given[0]}'`;
	}
	const keywords = new Map(args.keywords);
	for (const k of given) {
		const own = ALIASES[k];
		if (keywords.has(own)) {
			return `${name}() got multiple values for argument '${own}'`;
		}
		keywords.set(own, keywords.get(k) as NonNullable<ReturnType<typeof keywords.get>>);
		keywords.delete(k);
	}
	return { ...args, keywords };
}

/** What PyTorch's TypeError leaves: an error where it is raised, and a tensor whose shape no run gives. */
export function raisedTypeError(
	message: string,
	range: TextRange,
	report: (d: AnalysisDiagnostic) => void,
): Value {
	report({
		range,
		severity: 'error',
		code: 'invalid-arguments',
		message: `${message} (TypeError).`,
	});
	return { k: 'obj', obj: raisedTensor(`${message} (TypeError)`, range) };
}
