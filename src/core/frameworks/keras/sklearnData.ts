// scikit-learn's bundled datasets (`load_iris()`, `load_breast_cancer(return_X_y=True)`): arrays of
// the shapes scikit-learn documents, in a Bunch whose attributes a notebook reads.
import type { TextRange } from '../../../protocol/analysis';
import type { CallArgs } from '../../python/contract';
import { ClassValue, tuple, unknown, Value } from '../../python/values';
import { newArray } from './numpyArrays';
import type { KerasSession } from './session';

/**
 * The toy datasets (sklearn.datasets, "Toy datasets" and California housing in the user guide):
 * samples × features, how many classes the labels hold (every one present), extra arrays.
 * `load_boston` left scikit-learn in 1.2; older notebooks still call it.
 */
const TOY: Readonly<
	Record<
		string,
		{ samples: number; features: number; classes?: number; targets?: number; images?: number[] }
	>
> = {
	load_iris: { samples: 150, features: 4, classes: 3 },
	load_digits: { samples: 1797, features: 64, classes: 10, images: [8, 8] },
	load_breast_cancer: { samples: 569, features: 30, classes: 2 },
	load_wine: { samples: 178, features: 13, classes: 3 },
	load_diabetes: { samples: 442, features: 10 },
	load_linnerud: { samples: 20, features: 3, targets: 3 },
	load_boston: { samples: 506, features: 13 },
	fetch_california_housing: { samples: 20640, features: 8 },
};

export function isToyDataset(name: string): boolean {
	return name in TOY;
}

/**
 * `load_iris()`: a Bunch with `data`, `target`, `target_names`, `feature_names` (and `images` for
 * digits); `return_X_y=True`: the pair (data, target). A DataFrame (`as_frame=True`), a digits
 * subset (`n_class=`) or a keyword NormLens cannot read: unknown, saying so.
 */
export function toyDataset(s: KerasSession, name: string, args: CallArgs, range: TextRange): Value {
	const d = TOY[name];
	const flag = (k: string) => args.keywords.get(k);
	// Keywords that leave the arrays as documented: return_X_y, as_frame=False, scaled (diabetes's
	// values only), n_class of every class (digits), and where a download goes.
	const keeps = (k: string, v: Value): boolean =>
		k === 'return_X_y'
			? v.k === 'bool'
			: k === 'as_frame'
				? v.k === 'bool' && !v.v
				: k === 'scaled'
					? v.k === 'bool'
					: k === 'n_class'
						? v.k === 'num' && v.v === d.classes
						: k === 'data_home' || k === 'download_if_missing';
	const odd = [...args.keywords].find(([k, v]) => !keeps(k, v));
	if (odd || args.positional.length > 0 || args.cause) {
		return unknown(
			args.cause ?? {
				reason: `\`${name}(…)\` with ${odd ? `\`${odd[0]}=…\`` : 'positional arguments'} returns data NormLens does not follow`,
				range,
			},
		);
	}
	const data = newArray(s, [d.samples, d.features]);
	const target = newArray(s, d.targets ? [d.samples, d.targets] : [d.samples]);
	target.classes = d.classes;
	const xy = flag('return_X_y');
	if (xy?.k === 'bool' && xy.v) {
		return tuple([
			{ k: 'obj', obj: data },
			{ k: 'obj', obj: target },
		]);
	}
	const bunch: ClassValue = {
		name: 'Bunch',
		node: args.node,
		bases: [],
		methods: new Map(),
		attrs: new Map(),
		itemsAreAttrs: true,
	};
	const attrs = new Map<string, Value>([
		['data', { k: 'obj', obj: data }],
		['target', { k: 'obj', obj: target }],
		['feature_names', { k: 'obj', obj: newArray(s, [d.features]) }],
	]);
	if (d.classes !== undefined) {
		attrs.set('target_names', { k: 'obj', obj: newArray(s, [d.classes]) });
	}
	if (d.images) {
		attrs.set('images', { k: 'obj', obj: newArray(s, [d.samples, ...d.images]) });
	}
	return { k: 'instance', inst: { cls: bunch, attrs } };
}
