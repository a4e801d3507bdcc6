// `normlens explain FILE:LINE`: what the normalization layer on LINE computes, as text or JSON.
import { LayerExplanation, STATISTICS_OF, statisticsPer } from '../protocol/analysis';
import { layerAt } from './load';

export function explainCommand(
	target: string | undefined,
	json: boolean,
	out: (s: string) => void,
): void {
	const e = layerAt(target);
	out(json ? JSON.stringify(e, null, 2) : explainText(e));
}

function explainText(e: LayerExplanation): string {
	const names = e.axisNames ?? [];
	const list = (axes: number[] | null) =>
		axes ? axes.map((a) => `${names[a]} (${a})`).join(', ') : '?';
	const shape = (s: (number | null)[] | null) =>
		s ? `(${s.map((d) => d ?? 'None').join(', ')})` : '?';
	const lines = [
		`${e.name} (${e.type}, ${e.framework})`,
		`  input ${shape(e.inputShape)} → output ${shape(e.outputShape)}`,
		`  axes: ${names.join(', ')}`,
		`  normalized over: ${list(e.reducedAxes)}; ${STATISTICS_OF[e.form].one} per ${statisticsPer(e) ?? '?'}`,
		`  ${STATISTICS_OF[e.form].short} shape: ${shape(e.statShape)}`,
		...Object.entries(e.paramShapes).map(([k, s]) => `  ${k}: (${s.join(', ')})`),
		e.params
			? `  parameters: ${e.params.trainable} trainable, ${e.params.nonTrainable} non-trainable, ${e.params.buffers} buffers`
			: '  parameters: unknown',
		`  epsilon ${e.epsilon ?? '?'}${e.momentum !== null ? `, momentum ${e.momentum}` : ''}`,
		'',
		...e.formula.split('\n').map((l) => `  ${l}`),
		'',
		...(e.momentumRule ? [`  running statistics: ${e.momentumRule}`] : []),
		...(e.runningVariance ? [`  running variance: ${e.runningVariance}`] : []),
		`  ${e.trainEval}`,
	];
	return lines.join('\n');
}
