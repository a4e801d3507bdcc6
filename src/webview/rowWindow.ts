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
	/** Moves the table's one tab stop (a roving tabindex) to row `i`, clamped to the rows, and focuses it. */
	focus(i: number): Promise<void>;
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
	make: (i: number) => HTMLTableRowElement,
): RowWindow {
	const rows = windowRows(key, box, body, count, make);
	// Moves in the order asked: a row still being drawn for an earlier move (a redraw putting the
	// keyboard back on the row it was on) must not take it from a row the user moved to since.
	let moves = 0;
	return {
		...rows,
		focus: async (i) => {
			const move = ++moves;
			const next = await rows.show(Math.max(0, Math.min(count - 1, i)));
			if (move !== moves) {
				return;
			}
			body.querySelectorAll('tr[tabindex="0"]').forEach((r) =>
				r.setAttribute('tabindex', '-1'),
			);
			next?.setAttribute('tabindex', '0');
			next?.focus();
		},
	};
}

function windowRows(
	key: string,
	box: HTMLElement,
	body: HTMLTableSectionElement,
	count: number,
	make: (i: number) => HTMLTableRowElement,
): Omit<RowWindow, 'focus'> {
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
	// A spacer spans the header's columns.
	const columns =
		(body.parentElement as HTMLTableElement | null)?.tHead?.rows[0]?.cells.length ?? 1;
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
	// The row the keyboard is on: drawing never takes it away (a row scrolled out and back, or moved
	// by a re-measure, gets the focus back), until the focus leaves the table for something else.
	let keyboard: number | undefined;
	body.addEventListener('focusin', (ev) => {
		const i = (ev.target as HTMLElement).dataset?.index;
		keyboard = i === undefined ? keyboard : Number(i);
	});
	body.addEventListener('focusout', (ev) => {
		const to = ev.relatedTarget as Node | null;
		if (to !== null && !body.contains(to)) {
			keyboard = undefined;
		}
	});
	const draw = () => {
		const items = v.getVirtualItems();
		const first = items[0]?.start ?? 0;
		const last = items.length > 0 ? items[items.length - 1].end : 0;
		(top.firstElementChild as HTMLElement).style.height = `${first}px`;
		(bottom.firstElementChild as HTMLElement).style.height = `${v.getTotalSize() - last}px`;
		// Rows kept stay in the document (a detached row would lose the focus); new ones go in order.
		const wanted = new Set(items.map((it) => it.index));
		for (const tr of [...body.querySelectorAll<HTMLTableRowElement>('tr[data-index]')]) {
			if (!wanted.has(Number(tr.dataset.index))) {
				tr.remove();
			}
		}
		if (top.parentNode !== body) {
			body.prepend(top);
		}
		let before: Element = top;
		for (const it of items) {
			const tr = find(it.index) ?? row(it.index);
			if (before.nextElementSibling !== tr) {
				before.after(tr);
			}
			before = tr;
			v.measureElement(tr);
		}
		before.after(bottom);
		const keep = keyboard === undefined ? undefined : find(keyboard);
		if (keep && document.activeElement !== keep) {
			keep.focus({ preventScroll: true });
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
			keyboard = i;
			if (!find(i)) {
				if (!unmount) {
					mount();
				}
				// The row's offset by the rows measured so far; the window follows the box's scroll event.
				const at = v.getOffsetForIndex(i, 'auto');
				if (at) {
					box.scrollTop = at[0];
				}
				// The window follows the scroll event: wait for the row to be drawn (a few frames at most).
				for (let frame = 0; frame < 30 && !find(i); frame++) {
					await new Promise((r) => requestAnimationFrame(r));
				}
			}
			return find(i);
		},
	};
}
