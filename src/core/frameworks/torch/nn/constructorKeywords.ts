// The keywords PyTorch 1.13's module constructors take (checked against `inspect.signature`).
import type { CallArgs } from '../../../python/contract';
import type { TorchModuleSpec } from '../catalogue';

/**
 * What PyTorch 1.13's constructors take beyond the arguments the catalogue reads (each takes
 * `device` and `dtype` too); the modules taking `**kwargs` are not checked.
 */
const ALSO_TAKES: Readonly<Record<string, readonly string[]>> = {
	AvgPool2d: ['divisor_override'],
	AvgPool3d: ['divisor_override'],
	SyncBatchNorm: ['process_group'],
	Embedding: ['norm_type', 'scale_grad_by_freq', 'sparse', '_weight'],
	EmbeddingBag: ['sparse', '_weight', 'include_last_offset', 'padding_idx'],
	Hardtanh: ['min_value', 'max_value'],
	Upsample: ['recompute_scale_factor'],
};
const TAKES_KWARGS = new Set(['Identity', 'RNN', 'LSTM', 'GRU']);

/** Keywords a module taking `**kwargs` refuses (nn.GRU / nn.RNN: "proj_size argument is only supported for LSTM"). */
export const REFUSED_KEYWORDS: Readonly<Record<string, string>> = {
	RNN: 'proj_size',
	GRU: 'proj_size',
};

/** A keyword no PyTorch 1.13 constructor of this module takes (checked against `inspect.signature`). */
export function strangeKeyword(spec: TorchModuleSpec, args: CallArgs): string | undefined {
	const refused = REFUSED_KEYWORDS[spec.name];
	if (refused && args.keywords.has(refused)) {
		return refused;
	}
	if (TAKES_KWARGS.has(spec.name)) {
		return undefined;
	}
	const known = (k: string) =>
		k === 'device' ||
		k === 'dtype' ||
		spec.args.some(([n]) => n === k) ||
		(ALSO_TAKES[spec.name]?.includes(k) ?? false);
	return [...args.keywords.keys()].find((k) => !known(k));
}
