// Every diagnostic NormLens reports, as data: its code, the severities it comes with, what kind of
// finding it is, and what it says in one line. The checks run where the facts are (the runtimes
// while interpreting, analyze.ts over the finished models); this table is what they may report,
// and the README's list of diagnostics and the tests are held to it.
import type { Severity } from '../../protocol/analysis';

export interface DiagnosticRule {
	code: string;
	/** The severities it is reported with; the first is the usual one. */
	severities: readonly Severity[];
	/**
	 * `error`: the framework would raise; `advice`: a design choice that wastes parameters
	 * (information in course code and installed packages); `unknown`: why a number is not shown;
	 * `analysis`: about the analysis itself; `check`: a comparison with what the notebook printed.
	 */
	kind: 'error' | 'advice' | 'unknown' | 'analysis' | 'check';
	/** What it says, in one line (the README's list). */
	summary: string;
	/** Shown as information in course code and installed packages, which the user is not meant to change. */
	quietInReferenceCode?: true;
	/**
	 * The quick fix that comes with it where NormLens can edit the call (a layer built by a local
	 * module's code has none): what it changes, in one line (the README's list). Every code may also
	 * be silenced per workspace, which is not listed here.
	 */
	fix?: string;
}

export const DIAGNOSTIC_RULES: readonly DiagnosticRule[] = [
	{
		code: 'syntax-error',
		severities: ['error'],
		kind: 'error',
		summary:
			'Python cannot parse a statement (in its own words); the statement is left out and what that costs is said.',
	},
	{
		code: 'shape-mismatch',
		severities: ['error'],
		kind: 'error',
		summary:
			"A layer receives a shape its framework rejects (PyTorch's or Keras's own reason).",
	},
	{
		code: 'dtype-mismatch',
		severities: ['error'],
		kind: 'error',
		summary:
			"A tensor of a dtype the layer or op refuses (an integer tensor given to a layer with float weights: PyTorch's RuntimeError).",
	},
	{
		code: 'index-error',
		severities: ['error'],
		kind: 'error',
		summary:
			"An index or dimension out of range on a tensor of known shape, or a float tensor used as indices (PyTorch's IndexError).",
	},
	{
		code: 'call-error',
		severities: ['error'],
		kind: 'error',
		summary:
			"Python's TypeError for arguments a function does not take (an unexpected keyword, too many positional arguments, two values for one): the call never runs, so what it would build has no counts.",
	},
	{
		code: 'python-raises',
		severities: ['error', 'info'],
		kind: 'error',
		summary:
			'An exception Python raises here for certain (a `raise` reached, an attribute of None, a name no code of the file defines): the statement stops there, a constructor it crosses leaves no object to count, and a notebook runs none of the rest of the cell; information where a builder the file never calls, which NormLens calls, raises.',
	},
	{
		code: 'unpack-error',
		severities: ['error'],
		kind: 'error',
		summary:
			"Python's ValueError: a tuple of known length unpacked into another number of names (`b, c, h, w = x.shape` on a 3-d tensor).",
	},
	{
		code: 'batch-size-one',
		severities: ['warning'],
		kind: 'error',
		summary: 'BatchNorm in training mode on a batch of one value per channel: PyTorch raises.',
	},
	{
		code: 'invalid-arguments',
		severities: ['error'],
		kind: 'error',
		summary:
			"A layer's arguments its framework refuses (e.g. num_groups not dividing num_channels).",
	},
	{
		code: 'missing-argument',
		severities: ['error'],
		kind: 'error',
		summary: 'A layer is built without an argument it requires.',
	},
	{
		code: 'keras1-api',
		severities: ['warning', 'info'],
		kind: 'unknown',
		summary:
			"Keras 1's API (Convolution2D(32, 3, 3), border_mode=) where NormLens cannot tell which Keras runs it: the layer's count is unknown, with the reason.",
	},
	{
		code: 'redundant-bias',
		severities: ['warning', 'info'],
		kind: 'advice',
		summary:
			'A bias right before a normalization that subtracts the mean: its parameters do nothing.',
		quietInReferenceCode: true,
		fix: "Sets `use_bias=False` (Keras) or `bias=False` (PyTorch) in the layer's call.",
	},
	{
		code: 'bn-axis',
		severities: ['warning'],
		kind: 'advice',
		summary:
			"A Keras BatchNormalization's kept axis is not the channel axis of the convolution before it.",
		fix: "Sets the BatchNormalization's `axis=` to the convolution's channel axis.",
	},
	{
		code: 'unregistered-modules',
		severities: ['warning'],
		kind: 'advice',
		summary:
			'PyTorch modules held in a plain list or dict: PyTorch does not register them (not in parameters() or .to()).',
	},
	{
		code: 'unknown-layer',
		severities: ['info'],
		kind: 'unknown',
		summary:
			'A layer type NormLens does not know: its counts and what depends on them are unknown.',
	},
	{
		code: 'unknown-count',
		severities: ['info'],
		kind: 'unknown',
		summary:
			'Why a total is unknown, at the construct NormLens could not follow (or why a model is not shown).',
	},
	{
		code: 'unknown-base',
		severities: ['info'],
		kind: 'unknown',
		summary: 'A class derives from one NormLens cannot read: it is not shown as a model.',
	},
	{
		code: 'built-by-caller',
		severities: ['info'],
		kind: 'unknown',
		summary:
			'A model class that needs arguments: shown as a file beside it builds it, or why it is not shown.',
	},
	{
		code: 'invalid-size',
		severities: ['error'],
		kind: 'error',
		summary:
			"A weight of negative or fractional size (`Dense(-5)`), which the framework refuses: the layer's count is unknown.",
	},
	{
		code: 'analysis-truncated',
		severities: ['info'],
		kind: 'analysis',
		summary:
			'The analysis stopped at one of its bounds (steps, time, sequence length) and says which; models after that point are not shown.',
	},
	{
		code: 'analysis-stopped',
		severities: ['warning'],
		kind: 'analysis',
		summary:
			"The analysis of the file stopped (its time or memory budget, or its worker failed): no models are shown for this version, and the message says why. The user's text is untouched.",
	},
	{
		code: 'internal-error',
		severities: ['error'],
		kind: 'analysis',
		summary:
			'A NormLens bug: the analysis failed on this file (please report it with the file).',
	},
	{
		code: 'printed-summary',
		severities: ['info', 'warning'],
		kind: 'check',
		summary:
			"A summary the notebook printed: matches NormLens's counts row by row, or the first row that differs.",
	},
];

const byCode = new Map(DIAGNOSTIC_RULES.map((r) => [r.code, r]));

export function diagnosticRule(code: string): DiagnosticRule | undefined {
	return byCode.get(code);
}
