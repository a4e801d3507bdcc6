// Chart.js with the parts the panel's charts use registered: its own chunk, loaded by lazy.ts.
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	LogarithmicScale,
	PointElement,
	Tooltip,
} from 'chart.js';

Chart.register(
	BarController,
	BarElement,
	CategoryScale,
	LinearScale,
	LogarithmicScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
	Legend,
);

export const library = { Chart };

export type ChartLibrary = typeof library;
