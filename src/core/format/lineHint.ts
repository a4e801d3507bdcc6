// The inlay hint of one source line (one layer, or a collapsed hint for a line that runs several times).
import type { LayerSummary } from '../../protocol/analysis';
import { formatCount, formatShape } from './summaryText';

/** Layers named in a collapsed hint's tooltip; the rest are counted. */
const LISTED = 20;

/**
 * The inlay hint of one source line: `→ (None, 50) · 200 params` for a line that builds one layer;
 * for a line that runs several times (a helper's `Conv2D(...)` called 12 times) one collapsed hint —
 * `→ 12 layers · (None, 56, 56, 64) · 4,160 params each` when they agree, `→ 12 layers · 4,160–
 * 2,359,808 params` when they do not — with every layer in the tooltip, instead of a run of hints
 * the editor cuts off.
 */
export function lineHint(layers: readonly LayerSummary[]): { label: string; tooltip: string } {
	const params = (l: LayerSummary) =>
		l.params ? `${formatCount(l.params.total)} params` : '? params';
	if (layers.length === 1) {
		const [l] = layers;
		return {
			label: `→ ${formatShape(l.outputShape)} · ${params(l)}`,
			tooltip: `${l.name} (${l.type})`,
		};
	}
	const shapes = new Set(layers.map((l) => formatShape(l.outputShape)));
	const counts = layers.map((l) => l.params?.total ?? null);
	const known = counts.filter((c): c is number => c !== null);
	const allKnown = known.length === counts.length;
	const same = allKnown && new Set(known).size === 1;
	const shape = shapes.size === 1 ? ` · ${[...shapes][0]}` : '';
	const count = same
		? `${formatCount(known[0])} params each`
		: allKnown
			? `${formatCount(Math.min(...known))}–${formatCount(Math.max(...known))} params`
			: '? params';
	const listed = layers
		.slice(0, LISTED)
		.map((l) => `${l.name} (${l.type}) → ${formatShape(l.outputShape)} · ${params(l)}`);
	const more = layers.length > LISTED ? [`… and ${layers.length - LISTED} more`] : [];
	return {
		label: `→ ${layers.length} layers${shape} · ${count}`,
		tooltip: [`This line builds ${layers.length} layers:`, ...listed, ...more].join('\n'),
	};
}
