// A layer's hover as Markdown: shapes, parameters, the calls of a line, what a normalization computes.
import {
	LayerExplanation,
	LayerSummary,
	STATISTICS_OF,
	statisticsPer,
} from '../../protocol/analysis';
import { formatCount, formatShape } from './summaryText';
import { codeSpan, escapeMarkdown } from './unknownText';
import { plainSentence } from '../explain/sentence';

function axisList(e: LayerExplanation, axes: number[] | null): string {
	if (!axes || !e.axisNames) {
		return '?';
	}
	return axes
		.map(
			(a) =>
				`${escapeMarkdown(e.axisNames?.[a] ?? '?')} (axis ${a}${e.inputShape ? `, ${e.inputShape[a] === null ? (e.axisIndices?.[a] ?? 'n').toUpperCase() : e.inputShape[a]}` : ''})`,
		)
		.join(', ');
}

function fmtShape(s: number[]): string {
	return `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
}

/** Parameter split of a layer in its framework's own words. */
export function paramsLine(layer: LayerSummary): string {
	const p = layer.params;
	if (!p) {
		// With a cause, the hover's "Unknown:" line says exactly why; without one, the general reason.
		return layer.unknown
			? 'Parameters: unknown'
			: 'Parameters: unknown (the input shape or an argument could not be determined statically)';
	}
	const parts = [
		`${formatCount(p.total)} parameters`,
		`${formatCount(p.trainable)} trainable`,
		`${formatCount(p.nonTrainable)} non-trainable`,
	];
	if (layer.framework === 'torch') {
		parts.push(`${formatCount(p.buffers)} in buffers`);
	}
	return parts.join(' · ');
}

/**
 * A call that ran several times (a helper called 12 times): "12 calls · 64–512 channels · 256–2,048
 * params: `bn2b_branch2a` (below) … `bn5c_branch2a`" — the first layer, which the hover below
 * describes, and the last, on one line: with more names the hover outgrew the 250 px VS Code gives
 * it and needed scrolling (the workbench check on the Coursera ResNet50 notebook measured 300 px).
 */
function callsLine(
	layer: LayerSummary,
	e: LayerExplanation | null,
	calls: readonly LayerSummary[],
): string {
	const range = (values: (number | null)[], unit: string) => {
		const known = values.filter((v): v is number => v !== null);
		if (known.length !== values.length || known.length === 0) {
			return `? ${unit}`;
		}
		const lo = Math.min(...known);
		const hi = Math.max(...known);
		return lo === hi
			? `${formatCount(lo)} ${unit}${lo === 1 ? '' : 's'} each`
			: `${formatCount(lo)}–${formatCount(hi)} ${unit}s`;
	};
	const parts = [`**${calls.length} calls**`];
	const axis = e?.featureAxes?.length === 1 ? e.featureAxes[0] : undefined;
	const unit = axis !== undefined ? e?.axisNames?.[axis] : undefined;
	if (axis !== undefined && unit) {
		parts.push(
			range(
				calls.map((l) => l.inputShape?.[axis] ?? null),
				unit.replace(/s$/, ''),
			),
		);
	}
	parts.push(
		range(
			calls.map((l) => l.params?.total ?? null),
			'param',
		),
	);
	// The first, the one below (if another) and the last; an ellipsis where calls are left out.
	const shown = [...new Set([calls[0], layer, calls[calls.length - 1]])];
	const names = shown
		.map((l, i) => {
			const gap =
				i === 0 ? '' : calls.indexOf(l) - calls.indexOf(shown[i - 1]) > 1 ? ' … ' : ', ';
			return `${gap}${codeSpan(l.name)}${l === layer ? ' (below)' : ''}`;
		})
		.join('');
	return `${parts.join(' · ')}: ${names}.`;
}

/** A shape in the layer's framework's notation: PyTorch names an unknown batch `N`, Keras prints `None`. */
function frameworkShape(layer: LayerSummary, shape: LayerSummary['outputShape']): string {
	if (!shape || layer.framework !== 'torch') {
		return formatShape(shape);
	}
	return `(${shape.map((d, i) => (d === null ? (i === 0 ? 'N' : '?') : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * Hover text for a layer (Markdown), short enough to read without scrolling: for a normalization
 * layer, one plain sentence of what it does with this layer's sizes, then the `actions` (the
 * caller's command links), then at most eight short lines — shapes, axes, the statistics' and
 * weights' shapes, the parameter split and ε / momentum in the framework's own terms; the formula,
 * train / eval and the notes are in the panel (Inspect). Everything that can come from the user's
 * file (the layer's name and type, axis and weight names) is a code span, a fenced block or
 * escaped text: no link, image or HTML can come out of it (a hover renders Markdown, and its
 * command links are trusted). `unknownLine`, the caller's Markdown line on why a count or shape is
 * unknown (with its link), goes right under the counts.
 */
export function layerHoverMarkdown(
	layer: LayerSummary,
	explanation: LayerExplanation | null,
	unknownLine?: string,
	actions?: string,
	calls: readonly LayerSummary[] = [layer],
): string {
	const out: string[] = [];
	out.push(
		`**${escapeMarkdown(layer.type)}** ${codeSpan(layer.name)} · ${layer.framework === 'keras' ? 'Keras' : 'PyTorch'}`,
	);
	const e = explanation;
	if (e) {
		out.push('', escapeMarkdown(plainSentence(e)));
	}
	if (calls.length > 1) {
		out.push('', callsLine(layer, e, calls));
	}
	if (actions) {
		out.push('', actions);
	}
	out.push(
		'',
		`Input ${frameworkShape(layer, layer.inputShape)} → output ${frameworkShape(layer, layer.outputShape)}`,
	);
	if (!e) {
		out.push('', paramsLine(layer));
		if (unknownLine) {
			out.push('', unknownLine);
		}
		if (!layer.known) {
			out.push(
				'',
				'_NormLens does not know this layer type; its shape and parameters are unknown._',
			);
		}
		return out.join('\n');
	}
	out.push(
		'',
		`**Normalized over:** ${axisList(e, e.reducedAxes)} — ${STATISTICS_OF[e.form].one} per ${escapeMarkdown(statisticsPer(e) ?? '?')}`,
	);
	if (e.inputNote) {
		// The axes above are a stand-in rank's: say so where they are read.
		out.push('', `_${escapeMarkdown(e.inputNote)}_`);
	}
	const shapes: string[] = [];
	if (e.statShape) {
		shapes.push(`${STATISTICS_OF[e.form].short}: ${frameworkShape(layer, e.statShape)}`);
	}
	const names: Record<string, string> = {
		gamma: 'γ (gamma)',
		beta: 'β (beta)',
		weight: 'γ (weight)',
		bias: 'β (bias)',
	};
	for (const [k, sh] of Object.entries(e.paramShapes)) {
		shapes.push(`${names[k] ?? escapeMarkdown(k)}: ${fmtShape(sh)}`);
	}
	out.push('', `**Shapes:** ${shapes.join(' · ')}`);
	if (layer.params && layer.weights) {
		const list = (ws: NonNullable<LayerSummary['weights']>) =>
			ws.map((w) => escapeMarkdown(w.name)).join(', ') || 'none';
		const trainable = layer.weights.filter((w) => w.trainable && w.kind === 'param');
		const frozen = layer.weights.filter((w) => !w.trainable && w.kind === 'param');
		const buffers = layer.weights.filter((w) => w.kind === 'buffer');
		// Each framework's own split: Keras's non-trainable weights; PyTorch's parameters (frozen or not) and buffers.
		const parts = [`${formatCount(layer.params.trainable)} trainable (${list(trainable)})`];
		if (layer.params.nonTrainable > 0 || layer.framework === 'keras') {
			parts.push(
				`${formatCount(layer.params.nonTrainable)} non-trainable (${list(layer.framework === 'keras' ? [...frozen, ...buffers] : frozen)})`,
			);
		}
		if (layer.framework === 'torch') {
			parts.push(`${formatCount(layer.params.buffers)} in buffers (${list(buffers)})`);
		}
		out.push('', `**Parameters:** ${parts.join(' · ')}`);
	} else {
		out.push('', paramsLine(layer));
	}
	if (unknownLine) {
		out.push('', unknownLine);
	}
	// ε and momentum in the framework's terms, the running statistics' update once (its formula, without the cross-framework note).
	const rule = e.momentumRule?.replace(/ \((Keras|PyTorch): .*\)$/, '');
	out.push(
		'',
		`**ε (epsilon)** = ${e.epsilon ?? '?'}${e.momentum !== null ? ` · **momentum** = ${e.momentum}` : ''}${rule ? ` · ${codeSpan(rule)}` : ''}`,
	);
	return out.join('\n');
}
