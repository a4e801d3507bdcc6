// Advice on a built Keras graph: a bias BatchNormalization makes redundant, a BN on a wrong axis.
import type { WeightInfo } from '../../../protocol/analysis';
import { axesOf, channelAxis } from './rules';
import type { KerasSession } from './session';

/** A bias just before a BatchNormalization that centres (its β does the bias's work): redundant. */
export function checkRedundantBias(s: KerasSession): void {
	for (const layer of s.layers) {
		if (layer.type !== 'BatchNormalization' || layer.inbound.length !== 1) {
			continue;
		}
		const prev = layer.inbound[0];
		if (prev.library) {
			// keras.applications as NormLens has it: the user cannot change that code.
			continue;
		}
		const useBias = prev.config.get('use_bias');
		const center = layer.config.get('center');
		if (
			!prev.spec ||
			!prev.spec.args.some(([n]) => n === 'use_bias') ||
			useBias?.k !== 'bool' ||
			!useBias.v
		) {
			continue;
		}
		if (center?.k !== 'bool' || !center.v) {
			continue;
		}
		const activation = prev.config.get('activation');
		if (
			activation &&
			activation.k !== 'none' &&
			!(activation.k === 'str' && activation.v === 'linear')
		) {
			continue;
		}
		s.diagnostics.push({
			range: prev.range,
			severity: 'warning',
			code: 'redundant-bias',
			subject: prev.name,
			saves: countOf(prev.weights, 'bias'),
			message: `The bias of ${prev.type} \`${prev.name}\` is redundant: the next layer, BatchNormalization \`${layer.name}\`, subtracts the batch mean and adds its own β. Set use_bias=False to save ${countOf(prev.weights, 'bias')} parameters.`,
			fix: prev.sites && {
				title: 'Set use_bias=False',
				edits: [prev.sites.setKeyword('use_bias', 'False')],
			},
		});
	}
}

/** A BatchNormalization whose kept axis is not the channel axis of the convolution feeding it. */
export function checkBatchNormAxis(s: KerasSession): void {
	for (const bn of s.layers) {
		const input = bn.inputShapes?.[0];
		if (bn.type !== 'BatchNormalization' || !input || input.length < 3) {
			continue;
		}
		let src = bn.inbound[0];
		while (
			src &&
			src.spec &&
			src.spec.shape === 'identity' &&
			src.spec.category !== 'normalization' &&
			src.inbound.length === 1
		) {
			src = src.inbound[0];
		}
		if (!src?.spec || !['convolution', 'pooling'].includes(src.spec.category)) {
			continue;
		}
		const channel = channelAxis(src.config, input.length);
		const kept = axesOf(bn.config, input.length);
		if (channel === undefined || !kept || kept.length !== 1 || kept[0] === channel) {
			continue;
		}
		const want = channel === input.length - 1 ? '-1' : String(channel);
		s.diagnostics.push({
			range: bn.range,
			severity: 'warning',
			code: 'bn-axis',
			message: `BatchNormalization \`${bn.name}\` keeps axis ${kept[0]} (size ${input[kept[0]] ?? 'None'}) but the ${src.type} \`${src.name}\` before it puts its ${input[channel] ?? '?'} channels on axis ${channel}: the statistics would be per ${kept[0] === 0 ? 'sample' : `position along axis ${kept[0]}`}, not per channel. Use axis=${want}.`,
			fix: bn.sites && {
				title: `Set axis=${want}`,
				edits: [bn.sites.setKeyword('axis', want)],
			},
		});
	}
}

function countOf(weights: WeightInfo[] | null, name: string): number {
	const w = weights?.find((x) => x.name === name);
	return w ? w.shape.reduce((a, b) => a * b, 1) : 0;
}
