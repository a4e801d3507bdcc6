// The graph view of the summary (Netron's picture, in the panel): the model's data flow drawn as SVG from
// graphModel.ts and graphLayout.ts, zoomable, one tab stop with the arrow keys following edges, and a sidebar.
import type { LayerSummary, ModelSummary } from '../protocol/analysis';
import { count, el, shape, svg } from './dom';
import type { GraphLayout, PlacedNode } from './graphLayout';
import { GraphNode, modelGraph } from './graphModel';
import { library, whenLoaded } from './lazy';
import type { PanelContext } from './panelContext';
import { explainedLayers, ModelMessage } from './state';

/**
 * The last layout, kept for the model object it was made for: a click re-renders the panel, and
 * DenseNet's layout is not to be redone for it. The zoom, the scroll position and the node that had
 * the keyboard stay across renders too.
 */
let cached: { model: ModelSummary; key: string; layout: GraphLayout | null } | undefined;
let zoom = 1;
let scroll: { left: number; top: number } | null = null;
/**
 * The node last clicked, and the layer selected then: a merge op or an input has no row to select,
 * and a module called twice has two nodes. Once the selection moves on (the editor's cursor), every
 * node of the selected layer is the chosen one.
 */
let chosenNode: { id: string; selected: string | null } | null = null;
let keyboardNode: string | null = null;

function layoutOf(
	message: ModelMessage,
	layoutGraph: (typeof import('./graphLayout'))['layoutGraph'],
): GraphLayout | null {
	if (cached?.model !== message.model) {
		const g = modelGraph(message.model, explainedLayers(message));
		// The same model after an edit keeps where the user was; another model starts at its top.
		const key = `${message.uri}\u0000${message.model.name}`;
		if (cached?.key !== key) {
			scroll = null;
			chosenNode = null;
			keyboardNode = null;
		}
		cached = { model: message.model, key, layout: g ? layoutGraph(g) : null };
	}
	return cached.layout;
}

/** Whether the model has a graph to show (a PyTorch model whose forward NormLens followed; any Keras model). */
export function hasGraph(model: ModelSummary): boolean {
	return model.framework === 'keras' ? model.layers.length > 0 : (model.calls?.length ?? 0) > 1;
}

export function graphView(panel: PanelContext): HTMLElement {
	const message = panel.ui.current as ModelMessage;
	// dagre comes in its own chunk (lazy.ts): until it has, a note, then the graph.
	const lib = library('graph');
	if (!lib) {
		const note = el('p', { class: 'muted', role: 'status' }, 'Laying out the graph…');
		whenLoaded('graph').then(
			() => {
				if (
					note.isConnected &&
					panel.ui.summaryView === 'graph' &&
					panel.ui.current === message
				) {
					panel.render();
				}
			},
			(e: unknown) => note.replaceChildren(`The graph could not be laid out: ${String(e)}`),
		);
		return note;
	}
	const layout = layoutOf(message, lib.layoutGraph);
	if (!layout) {
		return el(
			'p',
			{ class: 'muted' },
			'No graph: NormLens did not follow this model’s forward.',
		);
	}
	const box = el('div', {
		class: 'graph-box',
		role: 'region',
		'aria-label': `Graph of ${message.model.name}`,
	});
	const picture = drawing(panel, layout);
	box.append(picture);
	box.addEventListener('scroll', () => {
		scroll = { left: box.scrollLeft, top: box.scrollTop };
	});
	box.addEventListener(
		'wheel',
		(ev) => {
			if (ev.ctrlKey || ev.metaKey) {
				ev.preventDefault();
				setZoom(box, layout, zoom * (ev.deltaY < 0 ? 1.15 : 1 / 1.15));
			}
		},
		{ passive: false },
	);
	// Once in the page: back where the user had scrolled, or the chosen node in view.
	requestAnimationFrame(() => {
		if (scroll) {
			box.scrollTo(scroll.left, scroll.top);
		}
		const focus = box.querySelector<SVGGElement>('g.node.chosen') ?? null;
		if (focus && !scroll) {
			focus.scrollIntoView({ block: 'center', inline: 'center' });
		}
	});
	return el(
		'div',
		{ class: 'graph-view' },
		toolbar(box, layout),
		el('div', { class: 'graph-body' }, box, sidebar(panel, layout)),
	);
}

function setZoom(box: HTMLElement, layout: GraphLayout, z: number): void {
	zoom = Math.min(2, Math.max(0.1, z));
	const s = box.querySelector('svg');
	s?.setAttribute('width', String(Math.ceil(layout.width * zoom)));
	s?.setAttribute('height', String(Math.ceil(layout.height * zoom)));
	document.getElementById('graph-zoom-level')?.replaceChildren(`${Math.round(zoom * 100)}%`);
}

function toolbar(box: HTMLElement, layout: GraphLayout): HTMLElement {
	const button = (id: string, text: string, label: string, act: () => void) => {
		const b = el(
			'button',
			{ type: 'button', id, class: 'secondary', 'aria-label': label },
			text,
		);
		b.addEventListener('click', act);
		return b;
	};
	return el(
		'div',
		{ class: 'graph-tools', role: 'toolbar', 'aria-label': 'Graph zoom' },
		button('graph-zoom-out', '−', 'Zoom out', () => setZoom(box, layout, zoom / 1.25)),
		button('graph-zoom-in', '+', 'Zoom in', () => setZoom(box, layout, zoom * 1.25)),
		button('graph-zoom-fit', 'Fit', 'Fit the width', () =>
			setZoom(box, layout, Math.min(1, (box.clientWidth - 4) / layout.width)),
		),
		el(
			'span',
			{ id: 'graph-zoom-level', class: 'muted', 'aria-live': 'polite' },
			`${Math.round(zoom * 100)}%`,
		),
		el(
			'span',
			{ class: 'muted legend' },
			'Ctrl + wheel zooms · arrows follow edges · ',
			el('span', { class: 'norm-key' }, 'N'),
			' normalization layer · dashed: a source NormLens could not follow',
		),
	);
}

function isChosen(panel: PanelContext, n: GraphNode): boolean {
	return chosenNode !== null && chosenNode.selected === panel.ui.selected
		? chosenNode.id === n.id
		: n.layerName !== null && n.layerName === panel.ui.selected;
}

function drawing(panel: PanelContext, layout: GraphLayout): SVGSVGElement {
	const picture = svg('svg', {
		class: 'graph',
		width: Math.ceil(layout.width * zoom),
		height: Math.ceil(layout.height * zoom),
		viewBox: `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`,
		role: 'group',
		'aria-label': 'Layers and the tensors between them',
	});
	picture.append(
		svg(
			'defs',
			{},
			svg(
				'marker',
				{
					id: 'arrow',
					viewBox: '0 0 8 8',
					refX: 8,
					refY: 4,
					markerWidth: 8,
					markerHeight: 8,
					orient: 'auto',
				},
				svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrow-head' }),
			),
		),
	);
	const edges = svg('g', { class: 'edges', 'aria-hidden': 'true' });
	for (const e of layout.edges) {
		const d = e.points
			.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
			.join(' ');
		edges.append(
			svg('path', {
				d,
				class: `edge${e.unknown ? ' unknown' : ''}${e.bus ? ' bus' : ''}`,
				'data-from': e.from,
				'data-to': e.to,
				'marker-end': 'url(#arrow)',
			}),
		);
	}
	picture.append(edges);
	const chosen = layout.nodes.find((p) => isChosen(panel, p.node));
	// One tab stop: the node that last had the keyboard, while the graph still has it.
	const tabStop =
		(keyboardNode !== null && layout.nodes.some((p) => p.node.id === keyboardNode)
			? keyboardNode
			: undefined) ??
		chosen?.node.id ??
		layout.nodes[0]?.node.id;
	const nodes = svg('g', { class: 'nodes' });
	for (const p of layout.nodes) {
		nodes.append(nodeBox(panel, layout, p, p.node.id === tabStop));
	}
	picture.append(nodes);
	return picture;
}

function nodeBox(
	panel: PanelContext,
	layout: GraphLayout,
	p: PlacedNode,
	tabStop: boolean,
): SVGGElement {
	const n = p.node;
	const chosen = isChosen(panel, n);
	const g = svg('g', {
		class: `node ${n.kind}${n.norm ? ' norm' : ''}${chosen ? ' chosen' : ''}`,
		transform: `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`,
		tabindex: tabStop ? 0 : -1,
		role: 'button',
		'aria-pressed': String(chosen),
		'aria-label': `${n.label}, ${n.type}${n.norm ? ', normalization layer' : ''}, output ${shape(n.outputShape)}`,
		'data-node': n.id,
		...(n.layerName ? { 'data-layer': n.layerName } : {}),
	});
	g.append(
		svg('title', {}, `${n.label} (${n.type}) → ${shape(n.outputShape)}`),
		svg('rect', { width: p.width, height: p.height, rx: n.kind === 'op' ? p.height / 2 : 4 }),
		svg('text', { x: p.width / 2, y: 18, class: 'label' }, n.label),
		svg('text', { x: p.width / 2, y: 34, class: 'type' }, n.type),
	);
	if (n.norm) {
		// Marked by a letter and a double border, not by colour alone.
		g.append(
			svg('rect', {
				x: 3,
				y: 3,
				width: p.width - 6,
				height: p.height - 6,
				rx: 2,
				class: 'inner',
			}),
			svg('text', { x: p.width - 10, y: 14, class: 'badge' }, 'N'),
		);
	}
	const choose = () => choose_(panel, n);
	g.addEventListener('click', choose);
	g.addEventListener('keydown', (ev) => {
		const next = neighbour(layout, n, ev.key);
		if (ev.key === 'Enter' || ev.key === ' ') {
			ev.preventDefault();
			choose();
		} else if (next) {
			ev.preventDefault();
			moveFocus(next);
		}
	});
	return g;
}

function choose_(panel: PanelContext, n: GraphNode): void {
	keyboardNode = n.id;
	if (n.layerName !== null) {
		panel.ui.selected = n.layerName;
		panel.ui.runError = null;
	}
	chosenNode = { id: n.id, selected: panel.ui.selected };
	panel.save();
	panel.render();
	panel.report('select');
	document.querySelector<SVGGElement>(`g.node[data-node="${CSS.escape(n.id)}"]`)?.focus();
	if (n.layerName !== null) {
		panel.post({ type: 'revealLayer', layerName: n.layerName });
	} else if (n.op !== undefined) {
		panel.post({ type: 'revealOp', index: n.op });
	}
}

/** The node an arrow key goes to: down and up follow the first edge out or in; left and right the model's order. */
function neighbour(layout: GraphLayout, n: GraphNode, key: string): string | undefined {
	const i = layout.nodes.findIndex((p) => p.node.id === n.id);
	switch (key) {
		case 'ArrowDown':
			return layout.edges.find((e) => e.from === n.id)?.to ?? layout.nodes[i + 1]?.node.id;
		case 'ArrowUp':
			return layout.edges.find((e) => e.to === n.id)?.from ?? layout.nodes[i - 1]?.node.id;
		case 'ArrowRight':
			return layout.nodes[i + 1]?.node.id;
		case 'ArrowLeft':
			return layout.nodes[i - 1]?.node.id;
		case 'Home':
			return layout.nodes[0]?.node.id;
		case 'End':
			return layout.nodes[layout.nodes.length - 1]?.node.id;
		default:
			return undefined;
	}
}

function moveFocus(id: string): void {
	keyboardNode = id;
	const from = document.querySelector<SVGGElement>('g.node[tabindex="0"]');
	const to = document.querySelector<SVGGElement>(`g.node[data-node="${CSS.escape(id)}"]`);
	from?.setAttribute('tabindex', '-1');
	to?.setAttribute('tabindex', '0');
	to?.focus();
	to?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/** The chosen node's attributes (its `config`) and weight shapes, or what an op or input is. */
function sidebar(panel: PanelContext, layout: GraphLayout): HTMLElement {
	const side = el('aside', { class: 'graph-sidebar', 'aria-label': 'Chosen node' });
	const p = layout.nodes.find((x) => isChosen(panel, x.node));
	if (!p) {
		side.append(
			el('p', { class: 'muted' }, 'Choose a node to see its attributes and weights.'),
		);
		return side;
	}
	const n = p.node;
	const message = panel.ui.current as ModelMessage;
	const layer: LayerSummary | undefined = message.model.layers.find(
		(l) => l.name === n.layerName,
	);
	side.append(el('h3', {}, n.label), el('p', { class: 'type' }, n.type));
	if (n.norm) {
		side.append(
			el(
				'p',
				{},
				el('span', { class: 'norm-key' }, 'N'),
				' Normalization layer: what it computes is below the graph.',
			),
		);
	}
	const inbound = layout.edges
		.filter((e) => e.to === n.id)
		.map((e) =>
			e.unknown
				? '? (not followed)'
				: (layout.nodes.find((x) => x.node.id === e.from)?.node.label ?? e.from),
		);
	const rows: [string, string][] = [
		...(inbound.length > 0 ? [['Inputs from', inbound.join(', ')] as [string, string]] : []),
		['Output shape', shape(n.outputShape)],
	];
	const c = n.layerName ? message.counting[panel.ui.convention].layers[n.layerName] : undefined;
	if (n.layerName) {
		rows.push(['Parameters', count(c?.total)]);
	}
	side.append(facts('Node', rows));
	if (layer) {
		const config = Object.entries(layer.config).map(([k, v]): [string, string] => [
			k,
			typeof v === 'string' ? v : JSON.stringify(v),
		]);
		if (config.length > 0) {
			side.append(facts('Attributes', config));
		}
		if (layer.weights && layer.weights.length > 0) {
			side.append(
				facts(
					'Weights',
					layer.weights.map((w): [string, string] => [
						w.name,
						`(${w.shape.join(', ')}) ${w.kind === 'buffer' ? 'buffer' : w.trainable ? 'trainable' : 'non-trainable'}`,
					]),
				),
			);
		} else if (layer.weights === null) {
			side.append(el('p', { class: 'muted' }, 'Weights: unknown (see why under the table).'));
		}
	}
	return side;
}

function facts(title: string, rows: [string, string][]): HTMLElement {
	const table = el('table', { class: 'facts', 'aria-label': title });
	for (const [k, v] of rows) {
		table.append(el('tr', {}, el('th', { scope: 'row' }, k), el('td', { class: 'mono' }, v)));
	}
	return el('section', {}, el('h4', {}, title), table);
}
