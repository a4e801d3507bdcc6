// Long tables drawn a window at a time (@tanstack/virtual-core): a 4,000-layer summary keeps only
// the rows in view (and a margin) in the DOM, and the keyboard can still reach every row.
import {
	elementScroll,
	observeElementOffset,
	observeElementRect,
	Virtualizer,
} from '@tanstack/virtual-core';

/** Tables with more rows than this are drawn a window at a time; shorter ones whole. */
export const WINDOWED_FROM = 300;

/** A table body's rows, by position: present in the DOM on demand. */
export interface RowWindow {
	/** Row `i`, once it is in the DOM (scrolled into view when the table is windowed); undefined past the end. */
	show(i: number): Promise<HTMLElement | undefined>;
	windowed: boolean;
}

/** Where each windowed table was scrolled, by its key: a redraw (a fold, a selection) keeps the place. */
const offsets = new Map<string, number>();
/** The virtualizer of the table on screen: only one summary table is shown at a time. */
let live: { dispose: () => void } | undefined;

function spacer(columns: number): HTMLTableRowElement {
	const td = document.createElement('td');
	td.colSpan = columns;
	td.className = 'spacer';
	const tr = document.createElement('tr');
	tr.setAttribute('aria-hidden', 'true');
	tr.append(td);
	return tr;
}

/**
 * Fills `body` with `count` rows made by `make(i)`, each marked `data-index`. Up to WINDOWED_FROM
 * rows, all of them; past it, `box` becomes a scroll box of its own and only the rows in view
 * (measured, not assumed) are drawn, between two spacers that keep the scroll height exact.
 */
export function rowWindow(
	key: string,
	box: HTMLElement,
	body: HTMLTableSectionElement,
	count: number,
	columns: number,
	make: (i: number) => HTMLTableRowElement,
): RowWindow {
	const row = (i: number) => {
		const tr = make(i);
		tr.dataset.index = String(i);
		return tr;
	};
	const find = (i: number) =>
		body.querySelector<HTMLTableRowElement>(`tr[data-index="${i}"]`) ?? undefined;
	live?.dispose();
	live = undefined;
	if (count <= WINDOWED_FROM) {
		for (let i = 0; i < count; i++) {
			body.append(row(i));
		}
		return { show: (i) => Promise.resolve(find(i)), windowed: false };
	}
	box.classList.add('windowed');
	const top = spacer(columns);
	const bottom = spacer(columns);
	const v = new Virtualizer<HTMLElement, HTMLTableRowElement>({
		count,
		getScrollElement: () => box,
		estimateSize: () => 24,
		overscan: 12,
		initialOffset: offsets.get(key) ?? 0,
		scrollToFn: elementScroll,
		observeElementRect,
		observeElementOffset,
		onChange: (instance) => {
			offsets.set(key, instance.scrollOffset ?? 0);
			draw();
		},
	});
	const draw = () => {
		const items = v.getVirtualItems();
		const first = items[0]?.start ?? 0;
		const last = items.length > 0 ? items[items.length - 1].end : 0;
		const had = document.activeElement instanceof HTMLElement ? document.activeElement : null;
		const rows = items.map((it) => find(it.index) ?? row(it.index));
		(top.firstElementChild as HTMLElement).style.height = `${first}px`;
		(bottom.firstElementChild as HTMLElement).style.height = `${v.getTotalSize() - last}px`;
		body.replaceChildren(top, ...rows, bottom);
		rows.forEach((r) => v.measureElement(r));
		// A row that had the keyboard and is still drawn keeps it.
		if (had && body.contains(had) && document.activeElement !== had) {
			had.focus({ preventScroll: true });
		}
	};
	// The first rows at once (the panel reports what it drew); the window once the box is in the page.
	const firstRows = Array.from({ length: Math.min(count, 40) }, (_, i) => row(i));
	body.replaceChildren(...firstRows);
	let unmount: (() => void) | undefined;
	const mount = () => {
		if (!box.isConnected) {
			return;
		}
		unmount = v._didMount();
		v._willUpdate();
		draw();
	};
	requestAnimationFrame(mount);
	live = { dispose: () => unmount?.() };
	return {
		windowed: true,
		show: async (i) => {
			if (i < 0 || i >= count) {
				return undefined;
			}
			if (!find(i)) {
				if (!unmount) {
					mount();
				}
				v.scrollToIndex(i, { align: 'auto' });
				// The window follows the scroll event: wait for the row to be drawn (a few frames at most).
				for (let frame = 0; frame < 30 && !find(i); frame++) {
					await new Promise((r) => requestAnimationFrame(r));
				}
			}
			return find(i);
		},
	};
}
