// The CodeLens title above a model with known totals (a notebook's cell counts as that cell leaves them).
import type { ModelSummary } from '../../protocol/analysis';
import { formatCount } from './summaryText';

type Totals = ModelSummary['totals'];

function countsText(t: Totals, framework: ModelSummary['framework']): string {
	return `${formatCount(t.total)} params (${formatCount(t.trainable)} trainable, ${formatCount(t.nonTrainable)} non-trainable${framework === 'torch' ? `, ${formatCount(t.buffers)} in buffers` : ''})`;
}

/**
 * The CodeLens above a model with known totals. In a notebook whose later cells change the model
 * (a base frozen further down), the lens in the model's own cell tells the counts as that cell leaves
 * them — what a summary printed there shows — and its tooltip the final ones.
 */
export function modelLensTitle(model: ModelSummary): { title: string; tooltip: string } {
	if (model.cellTotals) {
		return {
			title: `${model.name}: ${countsText(model.cellTotals, model.framework)} after this cell`,
			tooltip: `As this cell leaves it. After the later cells: ${countsText(model.totals, model.framework)}. Click to show the model summary.`,
		};
	}
	return {
		title: `${model.name}: ${countsText(model.totals, model.framework)}`,
		tooltip: 'Show the model summary',
	};
}
