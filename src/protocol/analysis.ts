// The JSON contract of static analysis: models, layers, shapes, counts, unknowns and their causes.
import type { NormalizeForm } from './engineProtocol';

/**
 * The results of static analysis, shared by every layer of NormLens (core produces them; the
 * extension, the webview and the CLI consume them). Plain, structured-cloneable data only.
 */

/** A tensor shape; `null` at a position whose size cannot be known statically (e.g. the batch). */
export type Shape = (number | null)[];

/** Which framework built a model or layer. */
export type Framework = 'keras' | 'torch';

/** A 0-based position in a text (core never sees `vscode.Position`). */
export interface TextPosition {
	line: number;
	character: number;
}

/** A 0-based half-open range in a text. */
export interface TextRange {
	start: TextPosition;
	end: TextPosition;
}

/**
 * Why a count or shape is unknown: the first construct NormLens could not follow that it depends
 * on, and where that construct is (in the analysed file). Every `null` count carries one.
 */
export interface UnknownCause {
	reason: string;
	range: TextRange;
}

/** One weight (Keras) or parameter / buffer (PyTorch) owned by a layer. */
export interface WeightInfo {
	name: string;
	shape: number[];
	/** `param` counts toward the framework's parameter total; `buffer` only toward buffers (PyTorch). */
	kind: 'param' | 'buffer';
	trainable: boolean;
}

/** Parameter counts of one layer or model, in the framework's own convention (see DESIGN.md). */
export interface ParamCounts {
	total: number;
	trainable: number;
	nonTrainable: number;
	buffers: number;
}

/** One layer row of a model summary. */
export interface LayerSummary {
	/** The layer's name as the framework assigns it (`dense_1`) or the module path (`features.0`). */
	name: string;
	/** Class name as written in the framework (`BatchNormalization`, `BatchNorm2d`). */
	type: string;
	framework: Framework;
	/** Where the layer is constructed. */
	range: TextRange;
	/** Input shape of the layer's (first) call; `null` when unknown. */
	inputShape: Shape | null;
	/** Output shape; `null` when unknown. */
	outputShape: Shape | null;
	/** Counts; `null` when they cannot be known (never a guess). */
	params: ParamCounts | null;
	weights: WeightInfo[] | null;
	/** Resolved constructor arguments (JSON values; `"<unknown>"` where not decidable). */
	config: Record<string, unknown>;
	/** True when the catalogue knows the layer type. */
	known: boolean;
	/** Why `params` (or the output shape) is unknown, when it is. */
	unknown?: UnknownCause;
	/** Names of the layers whose outputs feed this one (functional graphs). */
	inbound: string[];
}

/**
 * One call of a module in a model's forward, as torchinfo prints its rows (PyTorch): a module called
 * three times has three calls; counts stay per module (`repeat` marks the later calls).
 */
export interface ModuleCall {
	/** The module's path in the model (`layer1.0.conv1`), or its class name for a module outside the model. */
	name: string;
	type: string;
	/** Nesting in the call stack, as torchinfo's depth: the model's own call is at 0, its submodules' at 1. */
	depth: number;
	inputShape: Shape | null;
	outputShape: Shape | null;
	/** Parameters of the module with its submodules; `null` when unknown. */
	params: number | null;
	/** The module already ran in this forward, so its parameters are counted once (torchinfo's "(recursive)"). */
	repeat: boolean;
	/**
	 * Every parameter the module owns directly was counted on an earlier row (tied weights: a head
	 * sharing an embedding's weight); torchinfo prints it "(recursive)" as a repeat.
	 */
	tied: boolean;
	/** torchinfo's Kernel Shape: the module's `kernel_size` as PyTorch stores it (`[3, 3]`, `2`); null when it has none, `'?'` when unknown. */
	kernelSize: number | number[] | '?' | null;
	/** The module has no submodules (torchinfo's leaf layer: its mult-adds count toward the total). */
	leaf: boolean;
	/**
	 * torchinfo's Mult-Adds of this call: a leaf's own (batch included); a container's, the sum of the
	 * leaf calls inside it (what torchinfo prints for it at its depth limit). `null` when unknown.
	 */
	macs: number | null;
	/** Trainable parameters of the module with its submodules (torchinfo's Trainable column); null when unknown. */
	trainableParams: number | null;
	/**
	 * The parameters torchinfo's Param # and Param % show on this row with every depth shown: a leaf's
	 * own, a container's leftover (its own, not in a row below), 0 for a repeat. `null` when unknown.
	 */
	rowParams: number | null;
	/** Why `macs` (or `rowParams`) is unknown, when it is. */
	unknown?: UnknownCause;
	/**
	 * Where the call's tensor arguments came from (the data-flow graph's edges into it): the calls,
	 * merge ops or model inputs that produced them, `unknown` for a value NormLens could not follow.
	 */
	inbound?: FlowSource[];
}

/**
 * torchinfo's footer for a PyTorch model's forward (its `ModelStatistics`, torchinfo 1.8.0): each
 * figure in units (mult-adds) or bytes; `null` with a cause when an input it needs is unknown.
 */
export interface CallEstimates {
	/** Mult-adds of every leaf call. */
	totalMacs: number | null;
	/** The positional input tensors' bytes, each with the 56 bytes CPython's `sys.getsizeof` adds to a storage. */
	inputBytes: number | null;
	/** Output bytes of every leaf call of a module with parameters, ×2 (gradients). */
	forwardBackwardBytes: number | null;
	/** Bytes of the model's parameters. */
	paramBytes: number | null;
	/** The three sizes added up. */
	totalBytes: number | null;
	/** Why a figure is unknown, by its field name. */
	causes: Partial<
		Record<
			'totalMacs' | 'inputBytes' | 'forwardBackwardBytes' | 'paramBytes' | 'totalBytes',
			UnknownCause
		>
	>;
}

/**
 * A source of a tensor in a PyTorch forward: a row of `ModelSummary.calls`, an entry of
 * `ModelSummary.ops`, the model call's positional argument `index` (the example input), or one
 * NormLens could not follow (an edge shown as unknown, never invented).
 */
export type FlowSource =
	| { kind: 'call'; index: number }
	| { kind: 'op'; index: number }
	| { kind: 'input'; index: number }
	| { kind: 'unknown' };

/**
 * An op between module calls whose tensor inputs come from two or more sources — a residual
 * `out + identity`, a U-Net's `torch.cat([up, skip], 1)` — shown as a merge node of the graph. An
 * op on one source's tensors (`F.relu`, `.view`) is no node: its result keeps that source.
 */
export interface FlowOp {
	/** The op as PyTorch names it: `add`, `cat`, `matmul`. */
	name: string;
	/** Where it is written (null where the interpreter has no position for it). */
	range: TextRange | null;
	outputShape: Shape | null;
	inbound: FlowSource[];
}

/**
 * One row of a Keras model's summary with its nested models expanded, as
 * `model.summary(expand_nested=True)` lists them: the model itself at depth 0, its layers at depth 1
 * (the rows of `model.summary()`), the layers of a model used as a layer (`base(x)`) below it.
 */
export interface KerasNestedRow {
	/** The layer's name (`dense_1`, `mobilenetv2_1.00_96`); the model's framework name at depth 0. */
	name: string;
	/** Class name as Keras prints it (`Dense`, `Sequential`, `Functional`). */
	type: string;
	/** 0 the model, 1 its layers, 2 the layers of a model used as a layer, and so on. */
	depth: number;
	/** Where the layer is constructed. */
	range: TextRange;
	/** Output shape (Keras's `(None, 3, 3, 1280)`); `null` when unknown. */
	outputShape: Shape | null;
	/** Keras's `count_params()`: a nested model's row sums its layers' (each weight once); `null` when unknown. */
	params: number | null;
	/** The part of `params` that is trainable (the layer and the models above it trainable); `null` when unknown. */
	trainableParams: number | null;
	/** The layer's `trainable` flag (Keras's `show_trainable=True` column: Y, or N; `-` for a row without weights). */
	trainable: boolean;
	/** Why `params` (or the output shape) is unknown, when it is. */
	unknown?: UnknownCause;
}

/** One model found in a file. */
export interface ModelSummary {
	/** The variable (or function/class) name the model is bound to in the source. */
	name: string;
	/** The framework's own name for it (`sequential`, `functional`), where one exists. */
	frameworkName: string | null;
	framework: Framework;
	kind: 'sequential' | 'functional' | 'subclass' | 'module';
	range: TextRange;
	layers: LayerSummary[];
	/** Totals; a field is `null` when any contributing layer's count is unknown. */
	totals: {
		total: number | null;
		trainable: number | null;
		nonTrainable: number | null;
		buffers: number | null;
	};
	/** Why the totals are unknown (the first cause), when they are. */
	unknown?: UnknownCause;
	/**
	 * In a notebook: the totals when the cell that builds the model has run, where later cells change
	 * them (a base frozen in cell 9 is fully trainable in cell 7, as a summary printed there shows).
	 */
	cellTotals?: ModelSummary['totals'];
	/**
	 * PyTorch: the model's call, then every module call of its forward in call order, with its depth —
	 * torchinfo's rows — when NormLens followed a forward; `callsOmitted` counts calls past the recording bound.
	 */
	calls?: ModuleCall[];
	callsOmitted?: number;
	/**
	 * Keras, where a layer is a model (a Sequential or functional model, or a Model subclass, used as a
	 * layer): the rows of `model.summary(expand_nested=True)` under a row for the model itself. A model
	 * used twice is one layer of the model (Keras lists a layer once), so its rows appear once.
	 */
	nestedRows?: KerasNestedRow[];
	/** PyTorch, with `calls`: torchinfo's footer estimates. */
	estimates?: CallEstimates;
	/** PyTorch, with `calls`: the merge ops of the forward (`FlowOp`), and where the model's output came from. */
	ops?: FlowOp[];
	outputs?: FlowSource[];
}

export type Severity = 'error' | 'warning' | 'info';

/** A finding about the source, with an optional machine-applicable fix. */
export interface AnalysisDiagnostic {
	range: TextRange;
	severity: Severity;
	/** Stable identifier, e.g. `syntax-error`, `unknown-layer`, `redundant-bias`. */
	code: string;
	message: string;
	fix?: { title: string; edits: { range: TextRange; newText: string }[] };
	/** How many calls of this line the finding stands for (a helper called 12 times reports once); 1 when absent. */
	calls?: number;
}

/** One row of a summary as a tool prints it: NormLens's, or the one a notebook stored. */
export interface PrintedRowView {
	name: string;
	type: string;
	/** The output shape in the tool's notation (`[-1, 64, 112, 112]`, `(None, 15, 15, 64)`); null: none printed. */
	shape: string | null;
	/** The parameter figure as the tool prints it (`9,408`, `--`, `(recursive)`), `?` where NormLens cannot know it. */
	params: string;
}

/**
 * A summary a notebook printed, held against what NormLens counts at the call that printed it:
 * the totals, and the rows side by side where they could be read.
 */
export interface PrintedSummaryCheck {
	/** The summary call (`model.summary()`, `summary(model, …)`). */
	range: TextRange;
	/** The model as the call names it (`model`, `model.generator`). */
	model: string;
	tool: 'keras' | 'torchsummary' | 'torchinfo' | 'unknown';
	/** `match`: the totals agree; `differ`: they do not; `unknown`: NormLens cannot count the model there. */
	verdict: 'match' | 'differ' | 'unknown';
	printed: { total: number; trainable: number | null; nonTrainable: number | null };
	ours: ModelSummary['totals'];
	/**
	 * The rows by position: the printed one and NormLens's as the tool would print it; `same` is null
	 * where NormLens cannot know its figure. Null when the printed rows could not all be read.
	 */
	rows:
		| { printed: PrintedRowView | null; ours: PrintedRowView | null; same: boolean | null }[]
		| null;
	/** The first row (index in `rows`) that differs; null when none does. */
	firstDifference: number | null;
	/** The diagnostic's words. */
	message: string;
}

/** Everything the analysis of one program yields. */
/** torchinfo's per-call rows of a PyTorch model and what comes with them, which an analysis can leave for later (AnalysisResult.callsDeferred). */
export type DeferredCallRows = Pick<
	ModelSummary,
	'calls' | 'callsOmitted' | 'estimates' | 'ops' | 'outputs'
>;

/** The deferred call rows of `AnalysisResult.models[model]`. */
export type CallDetails = DeferredCallRows & { model: number };

export interface AnalysisResult {
	models: ModelSummary[];
	/**
	 * Set when the PyTorch models' call rows (DeferredCallRows) were left out to answer sooner: the
	 * editor's analysis worker sends them after the result, and `mergeCallDetails` puts them in.
	 */
	callsDeferred?: true;
	diagnostics: AnalysisDiagnostic[];
	/** Interpreter steps spent; useful for benchmarks and the step bound. */
	steps: number;
	/** Set when the interpreter stopped at its step or time bound. */
	truncated: boolean;
	/** A notebook's printed summaries against NormLens's counts (absent for a file without stored outputs). */
	printedSummaries?: PrintedSummaryCheck[];
}

/** What one normalization layer computes, for hovers, the panel and `normlens explain`. */
export interface LayerExplanation {
	type: string;
	name: string;
	framework: Framework;
	/** `batch` | `layer` | `group` | `instance` | `rms` | `unit` */
	family: string;
	/** What the engine computes from the statistics: the layer kind's one kernel form. */
	form: NormalizeForm;
	inputShape: Shape | null;
	/**
	 * Where no example input reaches a layer that takes inputs of several ranks, which input its axes
	 * are shown for, in words (LayerNorm(768): "shown for a (N, L, 768) input …"); null otherwise.
	 */
	inputNote?: string | null;
	outputShape: Shape | null;
	/** A name per input axis, e.g. `["batch", "height", "width", "channels"]`. */
	axisNames: string[] | null;
	/** Index letters per axis used by the formula, e.g. `["n", "h", "w", "c"]`. */
	axisIndices: string[] | null;
	/** Axes that μ and σ² are computed over (each μ is shared along these). */
	reducedAxes: number[] | null;
	/**
	 * Axes along which γ and β vary: the channel (feature) axis for batch, group and instance norm,
	 * the normalized axes for layer norm. μ and σ² vary along every axis not in `reducedAxes`.
	 */
	featureAxes: number[] | null;
	/** Shape of μ and σ² for one call. */
	statShape: Shape | null;
	/** Group normalization: the channel axis split into `count` groups that share μ and σ². */
	groups: { axis: number; count: number } | null;
	/** Number of values averaged into each μ (per call, with the batch size left symbolic as `N`). */
	reductionSize: string | null;
	paramShapes: Record<string, number[]>;
	params: { trainable: number; nonTrainable: number; buffers: number } | null;
	/** `null` when the layer's ε is an expression NormLens cannot evaluate. */
	epsilon: number | null;
	momentum: number | null;
	/** Which way momentum points: Keras weights the old value, PyTorch the new one; null for a layer that keeps no running statistics. */
	momentumConvention: 'keras' | 'torch' | null;
	/**
	 * Whether the layer keeps running statistics: `kept`, `none` (LayerNorm, or PyTorch's
	 * track_running_stats=False), or null when an argument that decides it (track_running_stats,
	 * momentum) is an expression NormLens cannot evaluate.
	 */
	runningStatistics: 'kept' | 'none' | null;
	/** How the running statistics move, in the framework's own convention. */
	momentumRule: string | null;
	/** Which variance estimator feeds the running / moving variance. */
	runningVariance: string | null;
	trainEval: string;
	/** The formula as plain text, with this layer's index names and sizes. */
	formula: string;
	/** The same as TeX (for typesetting). */
	formulaTex: string;
	notes: string[];
}

/** One index along an axis, in words: the axis names of `LayerExplanation.axisNames` are plural or collective. */
export const AXIS_UNIT: Record<string, string> = {
	batch: 'sample',
	features: 'feature',
	channels: 'channel',
	steps: 'step',
	sequence: 'position',
	length: 'position',
	depth: 'slice',
	height: 'row',
	width: 'column',
};

/**
 * The statistics a form computes per group, in words: `one` for sentences ("one μ and σ² per
 * channel"), `short` for labels ("μ, σ²: (64)"). The hover, the CLI and the panel say it the same way.
 */
export const STATISTICS_OF: Record<NormalizeForm, { one: string; short: string }> = {
	standardize: { one: 'one μ and σ²', short: 'μ, σ²' },
	rms: { one: 'one root mean square', short: 'rms' },
	unit: { one: 'one L2 norm', short: '‖x‖₂' },
};

/**
 * What one μ, σ² belongs to, in words, from the axes that are not reduced: `channel` (batch norm
 * on images), `sample and position` (layer norm on (N, L, C)), `sample and group of 4 channels`
 * (group norm). The hover, the CLI and the panel say it the same way.
 */
export function statisticsPer(
	e: Pick<LayerExplanation, 'axisNames' | 'reducedAxes' | 'groups' | 'inputShape'>,
): string | null {
	if (!e.axisNames || !e.reducedAxes) {
		return null;
	}
	const names = e.axisNames;
	const reduced = e.reducedAxes;
	const units = names
		.map((n, a) => (reduced.includes(a) ? undefined : (AXIS_UNIT[n] ?? n)))
		.filter((u): u is string => u !== undefined);
	if (e.groups) {
		const name = names[e.groups.axis] ?? 'channels';
		const channels = e.inputShape?.[e.groups.axis];
		const size =
			typeof channels === 'number' && channels % e.groups.count === 0
				? channels / e.groups.count
				: undefined;
		units.push(
			size === undefined
				? `group of ${name}`
				: `group of ${size} ${size === 1 ? (AXIS_UNIT[name] ?? name) : name}`,
		);
	}
	return units.length > 0 ? units.join(' and ') : 'call (one for the whole tensor)';
}
