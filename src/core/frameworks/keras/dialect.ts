// Which Keras a source is written for (Keras 3, tf.keras 2, Keras 1–2.3), as far as its text shows.
/**
 * Which Keras a source is written for, as far as it shows: the automatic names of layers, inputs
 * and models, and whether TensorFlow functions between layers are layers of their own, differ.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { PythonSource } from '../../python/parse';
import { KERAS1_SIGNAL } from './legacy';

/**
 * - `keras3`: Keras 3 (also `tf.keras` from TensorFlow 2.16): `dense`, `dense_1`; `input_layer`;
 *   `functional`; TensorFlow functions cannot take symbolic tensors, `keras.ops` make no rows.
 * - `tf.keras`: Keras 2.4–2.15 (`tf.keras`, and `keras` 2.6+): `dense`, `dense_1`; `input_1`;
 *   `model`; a TensorFlow function or operator on a symbolic tensor is a `TFOpLambda` layer.
 * - `legacy`: Keras 1 and standalone Keras 2.0–2.3: every name numbered from 1 (`dense_1`, `input_1`,
 *   `model_1`).
 */
export type KerasNaming = 'keras3' | 'tf.keras' | 'legacy';

export interface KerasDialect {
	naming: KerasNaming;
	/** Keras 1's argument meanings apply (`KERAS1_SIGNAL` in its code). */
	keras1: boolean;
	/** What decided it, in words (shown where a name is explained). */
	evidence: string;
	/** Nothing decided it: Keras 3 is assumed (a count that differs between versions is then unknown). */
	guessed?: true;
	/** Keras's version, where a notebook printed it (`Keras 2.2.4`), or 2.4 where its summary's layout is a later tf.keras's. */
	version?: readonly [number, number];
	/**
	 * Keras 2, of a version NormLens cannot tell from 2.3 or earlier: what their defaults differ in
	 * (a GRU's `reset_after`, `Conv2D(32, 3, 3)`) is unknown.
	 */
	keras2Only?: true;
	/**
	 * Keras's defaults from before TensorFlow 2 apply (`beforeTf2Defaults` in the catalogue): the
	 * source is standalone Keras up to 2.3 (`legacy`), or tf.keras code written for TensorFlow 1.
	 */
	beforeTf2: boolean;
}

/**
 * APIs only TensorFlow 1 has (TensorFlow 2 moved them under tf.compat.v1 or removed them), and
 * Colab's `%tensorflow_version 1.x`: the tf.keras of such code is TensorFlow 1's.
 */
const TF1_SIGNAL =
	/\btf\.(?:Session|placeholder|contrib|ConfigProto|enable_eager_execution|set_random_seed|logging\.set_verbosity)\b/;
/** Colab's `%tensorflow_version 1.x`: a comment in a notebook exported as a script. */
const TF1_MAGIC = /^[ \t]*#?[ \t]*%tensorflow_version[ \t]+1\b/m;

/**
 * Whether `signal` matches the source's code: a match inside a comment or a string literal (a
 * `# tf.enable_eager_execution()` left in a TensorFlow 2 notebook, an API named in a message) is
 * no evidence of which Keras runs it. The parse tree says where each match is, so the text is not
 * scanned again.
 */
function inCode(signal: RegExp, text: string, tree: Tree): boolean {
	for (const m of text.matchAll(new RegExp(signal.source, `${signal.flags}g`))) {
		let quoted = false;
		for (
			let n: SyntaxNode | null = tree.resolveInner(m.index ?? 0, 1);
			n && !quoted;
			n = n.parent
		) {
			quoted = n.name === 'Comment' || n.name === 'String' || n.name === 'FormatString';
		}
		if (!quoted) {
			return true;
		}
	}
	return false;
}

/** Standalone Keras 2's warnings when its legacy interfaces convert a Keras 1 call. */
const KERAS2_CONVERTED =
	/Update your `\w+` call to the Keras 2 API|The `nb_epoch` argument in `fit` has been renamed `epochs`/;

/** A printed version line: `Keras 2.2.4`, `Keras: 1.2.2`, `keras version 2.0.8`. */
const PRINTED_VERSION = /^\s*Keras(?: version)?:?\s+v?([12])\.(\d+)\.\d+\b/im;

/** Imports of modules standalone Keras 2.0–2.3 and TensorFlow's keras 2.4–2.12 both have. */
const KERAS2_MODULES =
	/^[ \t]*from[ \t]+keras\.(?:layers\.core|layers\.merge|layers\.advanced_activations|utils\.np_utils)[ \t]+import\b/m;
const KERAS2_EVIDENCE =
	'the code imports modules of Keras 2 (keras.layers.core, keras.utils.np_utils), which both standalone Keras up to 2.3 and the keras package of TensorFlow 2.4–2.12 have';

/** Signals in the code, strongest first; the first that matches decides. */
const CODE_SIGNALS: readonly {
	pattern: RegExp;
	naming: KerasNaming;
	evidence: string;
	keras2Only?: true;
}[] = [
	{
		pattern:
			/\bkeras\.ops\b|^[ \t]*from[ \t]+keras[ \t]+import[ \t]+[^\n]*\bops\b|\bkeras_core\b|\bkeras\.src\b|\bkeras_hub\b|\bkeras\.config\.|\bkeras\.random\.|\bKERAS_BACKEND\b/m,
		naming: 'keras3',
		evidence:
			'the code uses an API only Keras 3 has (keras.ops, keras.config, keras_core, keras_hub)',
	},
	{
		pattern:
			/\btf_keras\b|\btensorflow\.python\.keras\b|\btf\.compat\.v1\b|%tensorflow_version|\blayers\.experimental\b|\.fit_generator\s*\(|\bTFOpLambda\b/,
		naming: 'tf.keras',
		evidence:
			'the code uses an API Keras 3 removed (tf.compat.v1, layers.experimental, fit_generator, tf_keras)',
	},
	{
		pattern: /^[ \t]*from[ \t]+keras\.engine\.topology[ \t]+import\b|\bModel\(\s*input\s*=/m,
		naming: 'legacy',
		evidence:
			'the code imports keras.engine.topology or calls `Model(input=…)`, which only standalone Keras up to 2.3 has',
	},
	{
		// Modules both standalone Keras 2.0–2.3 and the keras package of TensorFlow 2.4–2.12 have:
		// Keras 2, but not which (a GRU's `reset_after` default and `Conv2D(32, 3, 3)` differ).
		pattern: KERAS2_MODULES,
		naming: 'tf.keras',
		evidence: KERAS2_EVIDENCE,
		keras2Only: true,
	},
];

/**
 * The dialect of `text`. A `# normlens: keras 2` comment decides; after it, a notebook's stored outputs are the strongest evidence: a summary printed
 * in Keras 3's box layout, or in Keras 2's underscored one, says which Keras ran it. Otherwise the
 * code's own signals; otherwise Keras 3, which is what the code prints when run today.
 */
export function kerasDialect(
	text: string,
	printedOutputs: readonly string[] = [],
	tree: Tree = new PythonSource(text).tree,
): KerasDialect {
	const code = (signal: RegExp) => inCode(signal, text, tree);
	const d = dialectOf(text, code, printedOutputs);
	return {
		...d,
		beforeTf2:
			d.naming === 'legacy' ||
			(d.naming === 'tf.keras' && (code(TF1_SIGNAL) || TF1_MAGIC.test(text))),
	};
}

function dialectOf(
	text: string,
	code: (signal: RegExp) => boolean,
	printedOutputs: readonly string[],
): Omit<KerasDialect, 'beforeTf2'> {
	// The user's own word: `# normlens: keras 2` (tf.keras 2.x), `keras 3`, `keras 1`.
	const declared = /^[ \t]*#[ \t]*normlens:[ \t]*keras[ \t]*([123])\b/m.exec(text)?.[1];
	if (declared) {
		const naming: KerasNaming =
			declared === '3' ? 'keras3' : declared === '2' ? 'tf.keras' : 'legacy';
		return {
			naming,
			keras1: declared === '1' || code(KERAS1_SIGNAL),
			evidence: `the file says \`# normlens: keras ${declared}\``,
		};
	}
	// A notebook that printed standalone Keras's version (`Keras 1.2.2 TF 1.0.0`) ran that Keras.
	const printed = printedOutputs.map((out) => PRINTED_VERSION.exec(out)).find((m) => m !== null);
	const version = printed ? ([Number(printed[1]), Number(printed[2])] as const) : undefined;
	if (version && (version[0] === 1 || (version[0] === 2 && version[1] < 4))) {
		return {
			naming: 'legacy',
			keras1: version[0] === 1 && code(KERAS1_SIGNAL),
			evidence: `an output stored in this notebook prints Keras ${version.join('.')}`,
			version,
		};
	}
	// Standalone Keras 2.0–2.3 ran Keras 1 code through its legacy interfaces, warning each time: a
	// notebook that stored such a warning ran Keras 2, whatever its code's spelling.
	if (printedOutputs.some((out) => KERAS2_CONVERTED.test(out))) {
		return {
			naming: 'legacy',
			keras1: false,
			evidence:
				'an output stored in this notebook is Keras 2’s warning that it converted a Keras 1 argument (“Update your … call to the Keras 2 API”)',
		};
	}
	const keras1 = code(KERAS1_SIGNAL);
	if (keras1) {
		return { naming: 'legacy', keras1, evidence: 'the code is written for Keras 1' };
	}
	// Standalone Keras up to 2.3 announced its backend on import; tf.keras and Keras 3 never do.
	if (
		printedOutputs.some((out) => /^Using (?:TensorFlow|Theano|CNTK) backend\.?\s*$/m.test(out))
	) {
		return {
			naming: 'legacy',
			keras1,
			evidence:
				'an output stored in this notebook says “Using TensorFlow backend.”, which only standalone Keras up to 2.3 printed',
		};
	}
	for (const out of printedOutputs) {
		if (/Layer \(type\)/.test(out) && /Total params:/.test(out)) {
			if (/[┏┃━]/.test(out)) {
				return {
					naming: 'keras3',
					keras1,
					evidence: 'a summary stored in this notebook is in Keras 3’s layout',
				};
			}
			if (/^[ \t]*_{20,}[ \t]*$/m.test(out)) {
				// Keras 2's layout: standalone Keras up to 2.3 when the code says so, tf.keras otherwise;
				// its header indented (` Layer (type)`) is a later tf.keras's, which standalone Keras
				// never printed (2.4 is the bound NormLens relies on).
				const legacy = CODE_SIGNALS.some((s) => s.naming === 'legacy' && code(s.pattern));
				const late = /^ Layer \(type\)/m.test(out);
				return {
					naming: legacy ? 'legacy' : 'tf.keras',
					keras1,
					evidence: late
						? 'a summary stored in this notebook is in the layout of a later tf.keras (its header indented), which standalone Keras never printed'
						: 'a summary stored in this notebook is in Keras 2’s layout',
					...(late ? { version: [2, 4] as const } : {}),
					...(!legacy && !late && code(KERAS2_MODULES)
						? { keras2Only: true as const }
						: {}),
				};
			}
		}
	}
	for (const s of CODE_SIGNALS) {
		if (code(s.pattern)) {
			return {
				naming: s.naming,
				keras1,
				evidence: s.evidence,
				...(s.keras2Only ? { keras2Only: true as const } : {}),
			};
		}
	}
	return {
		naming: 'keras3',
		keras1,
		evidence: 'nothing in the code says which Keras runs it; Keras 3 is what it runs on today',
		guessed: true,
	};
}
