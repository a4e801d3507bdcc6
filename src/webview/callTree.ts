// The module tree of a PyTorch forward, as torchinfo prints it (ModelSummary.calls), or a Keras model's
// rows with nested models expanded (ModelSummary.nestedRows): each row's parent and children, and which
// rows a fold or a depth limit hides. Pure, tested in plain Node.
import type { ModuleCall } from '../protocol/analysis';
import type { PanelUnknownCause } from '../protocol/webviewProtocol';

/** What the tree needs of a row: a name, a type and a depth (the model's own row at 0). */
export interface TreeItem {
	name: string;
	type: string;
	depth: number;
}

/** What a fold is kept under: the row's depth and name (a module called twice folds both). */
export const rowKey = (c: TreeItem): string => `${c.depth}:${c.name}`;

/** One call (or Keras layer) as a row of the tree. */
export interface TreeRow<C extends TreeItem = ModuleCall> {
	/** The call's position in the forward (its row in `calls`, or in `nestedRows`). */
	index: number;
	call: C;
	/** What a fold is kept under: the module path and its depth (a module called twice folds both). */
	key: string;
	/** The nearest earlier call one level up (the module that called it); null for the model's own call. */
	parent: number | null;
	hasChildren: boolean;
}

/** The calls as tree rows, in call order: a call's children are the deeper calls that follow it. */
export function treeRows<C extends TreeItem>(calls: readonly C[]): TreeRow<C>[] {
	const rows: TreeRow<C>[] = [];
	const open: number[] = [];
	calls.forEach((call, index) => {
		while (open.length > 0 && calls[open[open.length - 1]].depth >= call.depth) {
			open.pop();
		}
		const parent = open.length > 0 ? open[open.length - 1] : null;
		if (parent !== null) {
			rows[parent].hasChildren = true;
		}
		rows.push({ index, call, key: rowKey(call), parent, hasChildren: false });
		open.push(index);
	});
	return rows;
}

/**
 * The rows on screen: none below a folded row, none deeper than `maxDepth` (null: every depth).
 * A row whose children are hidden either way shows as folded.
 */
export function visibleRows<C extends TreeItem>(
	rows: readonly TreeRow<C>[],
	folded: ReadonlySet<string>,
	maxDepth: number | null,
): { row: TreeRow<C>; expanded: boolean | undefined }[] {
	const out: { row: TreeRow<C>; expanded: boolean | undefined }[] = [];
	let hiddenBelow: number | null = null;
	for (const row of rows) {
		const depth = row.call.depth;
		if (hiddenBelow !== null && depth > hiddenBelow) {
			continue;
		}
		hiddenBelow = null;
		if (maxDepth !== null && depth > maxDepth) {
			continue;
		}
		const open =
			!folded.has(row.key) && (maxDepth === null || depth < maxDepth) && row.hasChildren;
		out.push({ row, expanded: row.hasChildren ? open : undefined });
		if (row.hasChildren && !open) {
			hiddenBelow = depth;
		}
	}
	return out;
}

/** The deepest call (the depth control's range). */
export function maxCallDepth(calls: readonly TreeItem[]): number {
	return calls.reduce((d, c) => Math.max(d, c.depth), 0);
}

/**
 * Why a call's `?` is unknown: its own layer's cause, else the first cause of a layer inside it
 * (a module's count is unknown when a submodule's is), else, for the model's own call, the totals'.
 */
export function callCause(
	call: ModuleCall,
	causes: readonly PanelUnknownCause[],
): PanelUnknownCause | undefined {
	const inside = (name: string | null) =>
		name !== null && (call.depth === 0 || name.startsWith(`${call.name}.`));
	return (
		causes.find((c) => c.layerName === call.name) ??
		causes.find((c) => inside(c.layerName)) ??
		(call.depth === 0 ? causes.find((c) => c.layerName === null) : undefined)
	);
}
