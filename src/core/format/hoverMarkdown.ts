import { LayerExplanation, LayerSummary, STATISTICS_OF, statisticsPer } from '../../protocol/analysis';
import { formatCount, formatShape } from './summaryText';
import { codeBlock, codeSpan, escapeMarkdown } from './unknownText';

function axisList(e: LayerExplanation, axes: number[] | null): string {
	if (!axes || !e.axisNames) {
		return '?';
	}
	return axes.map((a) => `${escapeMarkdown(e.axisNames?.[a] ?? '?')} (axis ${a}${e.inputShape ? `, ${e.inputShape[a] === null ? (e.axisIndices?.[a] ?? 'n').toUpperCase() : e.inputShape[a]}` : ''})`).join(', ');
}

function fmtShape(s: number[]): string {
	return `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
}

/** Parameter split of a layer in its framework's own words. */
export function paramsLine(layer: LayerSummary): string {
	const p = layer.params;
	if (!p) {
		// With a cause, the hover's "Unknown:" line says exactly why; without one, the general reason.
		return layer.unknown ? 'Parameters: unknown' : 'Parameters: unknown (the input shape or an argument could not be determined statically)';
	}
	const parts = [`${formatCount(p.total)} parameters`, `${formatCount(p.trainable)} trainable`, `${formatCount(p.nonTrainable)} non-trainable`];
	if (layer.framework === 'torch') {
		parts.push(`${formatCount(p.buffers)} in buffers`);
	}
	return parts.join(' · ');
}

/**
 * Hover text for a layer (Markdown). Everything that can come from the user's file (the layer's
 * name and type, axis and weight names, the formula built from them) is a code span, a fenced block
 * or escaped text: no link, image or HTML can come out of it (a hover renders Markdown, and its
 * command links are trusted). The remaining prose is NormLens's own. Normalization layers also get what they normalize, over which
 * axes, with which statistics. Command links are appended by the caller (they are VS Code's);
 * `unknownLine`, the caller's Markdown line on why a count or shape is unknown (with its link),
 * goes right under the counts.
 */
export function layerHoverMarkdown(layer: LayerSummary, explanation: LayerExplanation | null, unknownLine?: string): string {
	const out: string[] = [];
	out.push(`**${escapeMarkdown(layer.type)}** ${codeSpan(layer.name)} · ${layer.framework === 'keras' ? 'Keras' : 'PyTorch'}`);
	out.push('');
	out.push(`Input ${formatShape(layer.inputShape)} → output ${formatShape(layer.outputShape)}`);
	out.push('');
	out.push(paramsLine(layer));
	if (unknownLine) {
		out.push('', unknownLine);
	}
	if (!layer.known) {
		out.push('', '_NormLens does not know this layer type; its shape and parameters are unknown._');
	}
	if (!explanation) {
		return out.join('\n');
	}
	const e = explanation;
	out.push('', '---', '');
	out.push(`**Normalized over:** ${axisList(e, e.reducedAxes)} — ${STATISTICS_OF[e.form].one} per ${escapeMarkdown(statisticsPer(e) ?? '?')}`);
	out.push('');
	out.push(codeBlock(e.formula || '(formula needs the input shape)'));
	const shapes: string[] = [];
	if (e.statShape) {
		shapes.push(`${STATISTICS_OF[e.form].short}: ${formatShape(e.statShape)}`);
	}
	const names: Record<string, string> = { gamma: 'γ (gamma)', beta: 'β (beta)', weight: 'γ (weight)', bias: 'β (bias)' };
	for (const [k, s] of Object.entries(e.paramShapes)) {
		shapes.push(`${names[k] ?? escapeMarkdown(k)}: ${fmtShape(s)}`);
	}
	out.push(`**Shapes:** ${shapes.join(' · ')}`);
	out.push('');
	if (layer.params && layer.weights) {
		const trainable = layer.weights.filter((w) => w.trainable && w.kind === 'param').map((w) => escapeMarkdown(w.name));
		const fixed = layer.weights.filter((w) => !w.trainable || w.kind === 'buffer').map((w) => escapeMarkdown(w.name));
		out.push(
			`**Parameters:** ${formatCount(layer.params.trainable)} trainable (${trainable.join(', ') || 'none'}) · ${formatCount(layer.params.nonTrainable + layer.params.buffers)} non-trainable (${fixed.join(', ') || 'none'})`,
		);
		out.push('');
	}
	out.push(`**ε (epsilon)** = ${e.epsilon ?? '?'}${e.momentum !== null ? ` · **momentum** = ${e.momentum}` : ''}`);
	if (e.momentumRule) {
		out.push('', `Running statistics: ${codeSpan(e.momentumRule)}`);
	}
	if (e.runningVariance) {
		out.push('', `Running variance: ${e.runningVariance}.`);
	}
	out.push('', e.trainEval);
	for (const n of e.notes) {
		out.push('', `_${n}_`);
	}
	return out.join('\n');
}
