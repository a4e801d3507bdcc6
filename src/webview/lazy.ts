// Libraries only some views need, each in a chunk of its own, loaded after the panel's first drawing.
import type KatexModule from 'katex';
import type { ChartLibrary } from './chartLibrary';
import type { layoutGraph } from './graphLayout';

/**
 * KaTeX (a layer's formula), Chart.js (a run's charts) and dagre (the graph view) are three
 * quarters of the panel's script, and compiling them took about 200 of the 300 ms between the
 * panel's opening and its script running (measured in Chromium). The table needs none of them, so
 * the panel's script leaves them out (webpack splits each `import()` into a chunk) and loads them
 * once the first model is drawn; a view drawn before they arrive draws its place holder and fills
 * it in when they do.
 */
interface Libraries {
	katex: typeof KatexModule;
	charts: ChartLibrary;
	graph: { layoutGraph: typeof layoutGraph };
}

type Name = keyof Libraries;

const loaders: { [K in Name]: () => Promise<Libraries[K]> } = {
	katex: () => import(/* webpackChunkName: "katex" */ 'katex').then((m) => m.default),
	charts: () => import(/* webpackChunkName: "charts" */ './chartLibrary').then((m) => m.library),
	graph: () => import(/* webpackChunkName: "graph" */ './graphLayout'),
};

const loaded: Partial<Libraries> = {};
const loading = new Map<Name, Promise<unknown>>();

/** The library if it has arrived (a view then draws at once), else undefined. */
export function library<K extends Name>(name: K): Libraries[K] | undefined {
	return loaded[name];
}

/** The library, loading it if no one has yet. A chunk that fails to load rejects (the view says so). */
export function whenLoaded<K extends Name>(name: K): Promise<Libraries[K]> {
	const known = loaded[name];
	if (known) {
		return Promise.resolve(known);
	}
	let p = loading.get(name) as Promise<Libraries[K]> | undefined;
	if (!p) {
		p = loaders[name]().then((lib) => {
			loaded[name] = lib;
			return lib;
		});
		loading.set(name, p);
	}
	return p;
}

/** Starts every load (after the first drawing: the chunks then compile while the user reads). */
export function preloadAll(): void {
	for (const name of Object.keys(loaders) as Name[]) {
		whenLoaded(name).catch(() => undefined);
	}
}

/** Settles when every load started so far has: a render reported after it shows its formulas and charts. */
export function settled(): Promise<void> {
	return Promise.allSettled([...loading.values()]).then(() => undefined);
}
