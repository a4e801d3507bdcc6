// The seeded sample tensor: fills any range of it, the same values however the tensor is split
// among workers (the SIMD generator, or its scalar replica without WebAssembly SIMD).
import type { Distribution, NormalizeTask } from '../protocol/engineProtocol';
import type { Arena } from './kernels/arena';
import type { ReductionLayout } from './kernels/layout';
import type { SampleShifts, WasmKernels } from './kernels/normalizeWasm';
import { featureShifts, FeatureShifts, sampleShifts } from './simulation';
import { fillStandardJs } from './sampleJs';

/** Values per generation chunk: cancellation and progress are looked at between chunks. */
export const CHUNK = 1 << 16;

/**
 * Fills elements [from, to) of the sample tensor (x holds exactly those elements). The values depend
 * only on the seed and the element index, not on how the tensor is split among workers: a
 * counter-based generator (normalize.as.ts's fillStandard), then each feature's offset and scale in
 * float32, then each sample's (sampleShifts; `null` for none, as a simulation's stationary batches). Without WebAssembly SIMD, its scalar replica (sampleJs.ts) gives the same values bit for
 * bit. `check` runs before each chunk (cancellation), `advance` after it (progress). `shifts`
 * defaults to the seed's population (a simulation's steps share one population, each its own seed).
 */
export function fillRange(
	x: Float32Array,
	from: number,
	shape: number[],
	featureAxis: number,
	distribution: Distribution,
	seed: number,
	check: () => void,
	simd?: { kernels: WasmKernels; arena: Arena },
	advance: (elements: number) => void = () => undefined,
	shifts: FeatureShifts = featureShifts(shape[featureAxis] ?? 1, seed),
	perSample: SampleShifts | null = sampleShifts(shape, seed) ?? null,
): void {
	const features = shape[featureAxis] ?? 1;
	const inner = shape.slice(featureAxis + 1).reduce((p, d) => p * d, 1);
	if (simd) {
		simd.kernels.fillSample(
			x,
			from,
			seed,
			distribution,
			features,
			inner,
			shifts,
			simd.arena,
			check,
			CHUNK,
			advance,
			perSample ?? undefined,
		);
		return;
	}
	const layers = [
		{
			features,
			inner,
			offset: Float32Array.from(shifts.offset),
			scale: Float32Array.from(shifts.scale),
		},
	];
	if (perSample) {
		layers.push({
			features: perSample.offset.length,
			inner: perSample.size,
			offset: Float32Array.from(perSample.offset),
			scale: Float32Array.from(perSample.scale),
		});
	}
	for (let i0 = 0; i0 < x.length; i0 += CHUNK) {
		check();
		const i1 = Math.min(x.length, i0 + CHUNK);
		fillStandardJs(x.subarray(i0, i1), from + i0, seed >>> 0, distribution);
		for (const l of layers) {
			let c = Math.floor((from + i0) / l.inner) % l.features;
			let k = (from + i0) % l.inner;
			for (let i = i0; i < i1; i++) {
				x[i] = Math.fround(l.offset[c] + Math.fround(l.scale[c] * x[i]));
				if (++k === l.inner) {
					k = 0;
					if (++c === l.features) {
						c = 0;
					}
				}
			}
		}
		advance(i1 - i0);
	}
}

/** The axis whose features get their own offset and scale in the sample (the same for one task and its slabs). */
export function sampleAxis(
	task: Pick<NormalizeTask, 'sampleFeatureAxis' | 'channelGroups' | 'shape'>,
	layout: ReductionLayout,
): number {
	return (
		task.sampleFeatureAxis ??
		task.channelGroups?.axis ??
		layout.keptAxes[layout.keptAxes.length - 1] ??
		task.shape.length - 1
	);
}
