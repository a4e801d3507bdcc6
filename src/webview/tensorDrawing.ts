// The SVG drawing of a layer's input tensor with the values that share one μ and σ² shaded.
import type { LayerExplanation } from '../protocol/analysis';
import { count as countText, svg } from './dom';

/**
 * The input tensor as a box — samples down, channels across, every other axis flattened into the
 * depth (Wu & He, "Group Normalization", Fig. 2) — with the values that share one μ and σ² shaded.
 * The same picture for every normalization, so that BN, LN, IN and GN compare at a glance. Colours
 * come from CSS classes (theme variables), not from attributes.
 */

const CELL = 18;
const DX = 9;
const DY = 7;
const MAX_ROWS = 6;
const MAX_COLS = 10;
const MAX_DEPTH = 5;

interface Extent {
	/** Cells drawn along the axis and how many of them are shaded (from index 0). */
	drawn: number;
	shaded: number;
	label: string;
}

/** Which input axis is drawn across (the channel / feature axis). */
function channelAxis(e: LayerExplanation, names: string[]): number {
	if (e.groups) {
		return e.groups.axis;
	}
	const named = names.findIndex((n) => n === 'channels' || n === 'features');
	if (named > 0) {
		return named;
	}
	return names.length - 1;
}

const count = (n: number) => countText(n);

export interface TensorPicture {
	element: SVGSVGElement;
	/** The same information in words (the drawing's accessible name and its caption). */
	description: string;
}

/** The drawing, or `null` when the input shape or the reduced axes are unknown. */
export function tensorDrawing(e: LayerExplanation): TensorPicture | null {
	const shape = e.inputShape;
	const names = e.axisNames;
	const reduced = e.reducedAxes;
	if (!shape || !names || !reduced || shape.length < 2) {
		return null;
	}
	const rank = shape.length;
	const c = channelAxis(e, names);
	const rest = [...Array(rank).keys()].filter((a) => a !== 0 && a !== c);
	const size = (a: number) => shape[a] ?? 1;
	const sizeLabel = (a: number) => (shape[a] === null ? 'N' : count(shape[a] as number));

	// Samples: all shaded when the batch is reduced, else one sample's row.
	const nDrawn = shape[0] === null ? MAX_ROWS - 1 : Math.min(MAX_ROWS, size(0));
	const rows: Extent = {
		drawn: nDrawn,
		shaded: reduced.includes(0) ? nDrawn : 1,
		label: `${names[0]} ${sizeLabel(0)}`,
	};

	// Channels: all, one group, or one channel.
	const C = size(c);
	const cDrawn = Math.min(MAX_COLS, C);
	let cShaded = 1;
	let groupCols = 0;
	if (e.groups) {
		const perGroup = C / e.groups.count;
		cShaded = Math.max(1, Math.round((cDrawn * perGroup) / C));
		groupCols = cShaded;
	} else if (reduced.includes(c)) {
		cShaded = cDrawn;
	}
	const cols: Extent = { drawn: cDrawn, shaded: cShaded, label: `${names[c]} ${sizeLabel(c)}` };

	// Depth: every other axis flattened; shaded in full when all of them are reduced.
	const restSize = rest.reduce((p, a) => p * size(a), 1);
	const dDrawn = rest.length === 0 ? 1 : Math.min(MAX_DEPTH, restSize);
	const restReduced = rest.filter((a) => reduced.includes(a));
	const dShaded =
		restReduced.length === rest.length
			? dDrawn
			: restReduced.length === 0
				? 1
				: Math.max(
						1,
						Math.round(
							(dDrawn * restReduced.reduce((p, a) => p * size(a), 1)) / restSize,
						),
					);
	const depth: Extent = {
		drawn: dDrawn,
		shaded: dShaded,
		label: rest.length ? rest.map((a) => `${names[a]} ${sizeLabel(a)}`).join(' × ') : '',
	};

	const padLeft = 78;
	const padTop = 14 + depth.drawn * DY;
	const width = padLeft + cols.drawn * CELL + depth.drawn * DX + 150;
	const height = padTop + rows.drawn * CELL + 34;
	const X = padLeft;
	const Y = padTop;

	const described = describe(e, names, c, rest);
	const root = svg('svg', {
		class: 'tensor',
		viewBox: `0 0 ${width} ${height}`,
		width,
		height,
		role: 'img',
		'aria-label': described,
	});
	root.append(svg('title', {}, described));

	const front = (i: number, j: number, cls: string) =>
		svg('rect', { x: X + j * CELL, y: Y + i * CELL, width: CELL, height: CELL, class: cls });
	const top = (j: number, k: number, cls: string) =>
		svg('polygon', {
			points: [
				[X + j * CELL + k * DX, Y - k * DY],
				[X + (j + 1) * CELL + k * DX, Y - k * DY],
				[X + (j + 1) * CELL + (k + 1) * DX, Y - (k + 1) * DY],
				[X + j * CELL + (k + 1) * DX, Y - (k + 1) * DY],
			]
				.map((p) => p.join(','))
				.join(' '),
			class: cls,
		});
	const side = (i: number, k: number, cls: string) => {
		const x = X + cols.drawn * CELL;
		return svg('polygon', {
			points: [
				[x + k * DX, Y + i * CELL - k * DY],
				[x + (k + 1) * DX, Y + i * CELL - (k + 1) * DY],
				[x + (k + 1) * DX, Y + (i + 1) * CELL - (k + 1) * DY],
				[x + k * DX, Y + (i + 1) * CELL - k * DY],
			]
				.map((p) => p.join(','))
				.join(' '),
			class: cls,
		});
	};
	// The whole tensor, then the shaded block over it (it always contains the front-top-left corner,
	// so its front and top faces are visible, and its side face when it spans every channel).
	for (let i = 0; i < rows.drawn; i++) {
		for (let j = 0; j < cols.drawn; j++) {
			root.append(front(i, j, j < cols.shaded && i < rows.shaded ? 'cell shaded' : 'cell'));
		}
	}
	for (let j = 0; j < cols.drawn; j++) {
		for (let k = 0; k < depth.drawn; k++) {
			root.append(
				top(j, k, j < cols.shaded && k < depth.shaded ? 'cell shaded top' : 'cell top'),
			);
		}
	}
	for (let i = 0; i < rows.drawn; i++) {
		for (let k = 0; k < depth.drawn; k++) {
			root.append(
				side(
					i,
					k,
					cols.shaded === cols.drawn && i < rows.shaded && k < depth.shaded
						? 'cell shaded side'
						: 'cell side',
				),
			);
		}
	}
	if (groupCols > 0) {
		// Group boundaries across the front face.
		for (let j = groupCols; j < cols.drawn; j += groupCols) {
			root.append(
				svg('line', {
					x1: X + j * CELL,
					y1: Y,
					x2: X + j * CELL,
					y2: Y + rows.drawn * CELL,
					class: 'group-edge',
				}),
			);
		}
	}
	const text = (x: number, y: number, s: string, anchor = 'start') =>
		svg('text', { x, y, 'text-anchor': anchor, class: 'axis-label' }, s);
	root.append(text(X - 6, Y + (rows.drawn * CELL) / 2 + 4, rows.label, 'end'));
	root.append(
		text(X + (cols.drawn * CELL) / 2, Y + rows.drawn * CELL + 16, cols.label, 'middle'),
	);
	if (depth.label) {
		root.append(
			text(
				X + cols.drawn * CELL + depth.drawn * DX + 6,
				Y - depth.drawn * DY + 12,
				depth.label,
			),
		);
	}
	return { element: root, description: described };
}

/** The drawing in words: which values one μ, σ² averages. */
function describe(e: LayerExplanation, names: string[], c: number, rest: number[]): string {
	const reduced = e.reducedAxes ?? [];
	const parts: string[] = [];
	parts.push(reduced.includes(0) ? 'every sample' : 'one sample');
	if (e.groups) {
		const shape = e.inputShape ?? [];
		const per = typeof shape[c] === 'number' ? (shape[c] as number) / e.groups.count : null;
		parts.push(`one group of ${per ?? 'C/G'} ${names[c]}`);
	} else {
		parts.push(reduced.includes(c) ? `every ${names[c]}` : `one ${names[c].replace(/s$/, '')}`);
	}
	for (const a of rest) {
		parts.push(reduced.includes(a) ? `every ${names[a]} position` : `one ${names[a]} position`);
	}
	return `Shaded: the values that share one μ and σ² — ${parts.join(', ')}${e.reductionSize ? ` (M = ${e.reductionSize} values)` : ''}.`;
}
