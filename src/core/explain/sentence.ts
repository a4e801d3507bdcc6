// What a normalization layer does in one plain sentence with its sizes (the first line of its hover).
import { AXIS_UNIT, LayerExplanation, statisticsPer } from '../../protocol/analysis';

/**
 * What a normalization layer does, in one plain sentence with this layer's sizes — the first thing
 * its hover says: "Each of the 64 channels gets its own mean and variance, computed over the
 * N×15×15 values of that channel in the batch; γ and β then rescale and shift each channel with
 * learned values." Words are the layer's own axes' (channel, feature, position), sizes the
 * explanation's (a letter where a size is unknown).
 */
export function plainSentence(e: LayerExplanation): string {
	const words = statisticsPer(e);
	// "sample and channel" reads as it is; three or more units as a tuple: "(sample, row, column)".
	const parts = words?.split(' and ') ?? [];
	const per = parts.length > 2 ? `(${parts.join(', ')})` : words;
	if (!per || !e.reductionSize) {
		return 'NormLens cannot tell over which values this layer computes its statistics: its input shape is unknown.';
	}
	const m = e.reductionSize.replace(/·/g, '×');
	const values = m === '1' ? 'its 1 value' : `its ${m} values`;
	let head: string;
	if (e.family === 'batch' && e.form === 'standardize') {
		const n =
			e.statShape && e.statShape.every((d): d is number => d !== null)
				? e.statShape.reduce((p, d) => p * d, 1)
				: null;
		head = `${n === null ? `Each ${per}` : n === 1 ? `The one ${per}` : `Each of the ${n.toLocaleString('en-US')} ${plural(per)}`} gets its own mean and variance, computed over the ${m} values of that ${per} in the batch`;
	} else if (e.form === 'rms') {
		head = `Each ${per} is divided by the root mean square of ${values} (no mean is subtracted)`;
	} else if (e.form === 'unit') {
		head = `Each ${per} is divided by the L2 norm of ${values}, so that it has length 1`;
	} else {
		head = `Each ${per} gets its own mean and variance, computed over ${values}`;
	}
	const names = Object.keys(e.paramShapes);
	const gamma = names.includes('gamma') || names.includes('weight');
	const beta = names.includes('beta') || names.includes('bias');
	const each = learnedUnit(e);
	const tail =
		gamma && beta
			? `γ and β then rescale and shift each ${each} with learned values`
			: gamma
				? `γ then rescales each ${each} with a learned value`
				: beta
					? `β then shifts each ${each} by a learned value`
					: 'nothing is learned on top (no γ, β)';
	return `${head}; ${tail}.`;
}

/** What γ and β belong to: the singular names of the parameter axes (channel, feature). */
function learnedUnit(e: LayerExplanation): string {
	const names = (e.featureAxes ?? [])
		.map((a) => e.axisNames?.[a])
		.filter((n): n is string => n !== undefined);
	return names.length > 0 ? names.map((n) => AXIS_UNIT[n] ?? n).join(' and ') : 'feature';
}

function plural(unit: string): string {
	return unit.includes(' ') ? unit.replace(/^(\w+)/, '$1s') : `${unit}s`;
}
