// The summaries a notebook printed for the shown model, held against NormLens's rows side by side.
import type { PanelPrintedCheck } from '../protocol/webviewProtocol';
import { count, el } from './dom';
import type { PanelContext } from './panelContext';

const TOOL: Record<PanelPrintedCheck['tool'], string> = {
	keras: 'Keras',
	torchsummary: 'torchsummary',
	torchinfo: 'torchinfo',
	unknown: 'a summary',
};

const VERDICT: Record<PanelPrintedCheck['verdict'], string> = {
	match: '✓ Matches',
	differ: '✗ Differs from',
	unknown: '? Cannot check',
};

const totals = (t: {
	total: number | null;
	trainable: number | null;
	nonTrainable: number | null;
}) =>
	`Total params ${count(t.total)}${t.trainable !== null ? ` (trainable ${count(t.trainable)}, non-trainable ${count(t.nonTrainable)})` : ''}`;

/** The verdict's figures: the printed totals, NormLens's where they differ, and how the rows compare. */
function verdictText(c: PanelPrintedCheck): string {
	if (c.verdict === 'unknown') {
		return c.message;
	}
	const rows = c.rows;
	const agreeing = rows?.filter((r) => r.same === true).length ?? 0;
	const rowWords = !rows
		? 'its rows could not all be read, so only the totals are compared'
		: c.firstDifference !== null
			? `the first row that differs is row ${c.firstDifference + 1}`
			: agreeing === rows.length
				? `row by row (${rows.length} rows)`
				: `${agreeing} of ${rows.length} rows agree, NormLens cannot count the others`;
	return c.verdict === 'match'
		? `${totals(c.printed)}, ${rowWords}.`
		: `printed ${totals(c.printed)}, NormLens counts ${totals(c.ours)}; ${rowWords}.`;
}

/** Whether a row pair agrees, in words as well as a mark (never by colour alone). */
function status(same: boolean | null): HTMLElement {
	return same === null
		? el('td', { class: 'muted', title: 'NormLens cannot count this row' }, '?')
		: same
			? el('td', { 'aria-label': 'same' }, '=')
			: el('td', { class: 'differs-mark', 'aria-label': 'differs' }, '≠');
}

function sideBySide(check: PanelPrintedCheck, index: number): HTMLElement | undefined {
	if (!check.rows) {
		return undefined;
	}
	const tool = TOOL[check.tool];
	const head = el(
		'tr',
		{},
		el('th', { scope: 'col', class: 'num' }, '#'),
		el('th', { scope: 'col' }, `Printed (${tool})`),
		el('th', { scope: 'col' }, 'Output Shape'),
		el('th', { scope: 'col', class: 'num' }, 'Param #'),
		el('th', { scope: 'col' }, '', el('span', { class: 'visually-hidden' }, 'Agrees')),
		el('th', { scope: 'col' }, 'NormLens'),
		el('th', { scope: 'col' }, 'Output Shape'),
		el('th', { scope: 'col', class: 'num' }, 'Param #'),
	);
	const body = el('tbody');
	check.rows.forEach((r, i) => {
		const cells = (side: typeof r.printed) =>
			side
				? [
						// torchsummary's names carry the type already (`Conv2d-1`).
						side.name === side.type || side.name.startsWith(`${side.type}-`)
							? el('td', {}, side.name)
							: el(
									'td',
									{},
									`${side.name} `,
									el('span', { class: 'type' }, `(${side.type})`),
								),
						el('td', { class: 'mono' }, side.shape ?? '--'),
						el('td', { class: 'num mono' }, side.params),
					]
				: [el('td', { class: 'muted', colspan: '3' }, '(no row)')];
		body.append(
			el(
				'tr',
				{
					class: i === check.firstDifference ? 'differs' : '',
					...(i === check.firstDifference ? { id: `printed-${index}-first` } : {}),
				},
				el('td', { class: 'num muted' }, String(i + 1)),
				...cells(r.printed),
				status(r.same),
				...cells(r.ours),
			),
		);
	});
	const differing = check.firstDifference !== null;
	const details = el(
		'details',
		differing ? { open: '' } : {},
		el(
			'summary',
			{},
			`Rows side by side (${check.rows.length})${differing ? `, the first that differs is row ${(check.firstDifference as number) + 1}` : ''}`,
		),
		el(
			'div',
			{ class: 'table-box' },
			el(
				'table',
				{
					class: 'summary printed-rows',
					'aria-label': `${tool} summary beside NormLens's rows`,
				},
				el('thead', {}, head),
				body,
			),
		),
	);
	return details;
}

/**
 * The printed-summary check, the strongest evidence a user can have that NormLens is right: for each
 * summary the notebook printed for this model, the verdict (as the diagnostic on its call says it),
 * a link to the call, and the rows side by side with the first that differs marked.
 */
export function printedSection(
	panel: PanelContext,
	checks: readonly PanelPrintedCheck[],
): HTMLElement {
	const section = el(
		'section',
		{ class: 'printed', 'aria-label': 'The summaries this notebook printed' },
		el('h2', {}, 'Printed summary'),
	);
	checks.forEach((c, i) => {
		const link = el(
			'button',
			{
				type: 'button',
				class: 'link',
				'aria-label': `Show the summary call at ${c.where} in the editor`,
			},
			c.where,
		);
		link.addEventListener('click', () => panel.post({ type: 'revealPrinted', index: i }));
		section.append(
			el(
				'p',
				{ class: `verdict ${c.verdict}` },
				el('strong', {}, VERDICT[c.verdict]),
				` the ${TOOL[c.tool]} summary printed at `,
				link,
				`: ${verdictText(c)}`,
			),
		);
		const rows = sideBySide(c, i);
		if (rows) {
			section.append(rows);
		}
	});
	return section;
}
