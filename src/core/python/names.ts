/**
 * What names mean before any code runs: Python's builtins, the operators that chain, the packages
 * that are never local modules, and the bases that make a plain class rather than a model.
 */

/**
 * Why a name that no code defines is unknown, where the name says more than "not defined": a
 * notebook's `files = !ls` reads as `files = get_ipython()` (src/core/notebook/nbformat.ts).
 */
export const UNDEFINED_NAME_REASONS: Readonly<Record<string, string>> = {
	get_ipython:
		'the value of a shell escape or magic (`x = !cmd`, `x = %magic`) is only known when the notebook runs',
};

/** Python's comparison operators: a run of them is a chain (`a < b < c`). */
export const COMPARISONS = new Set([
	'<',
	'>',
	'<=',
	'>=',
	'==',
	'!=',
	'in',
	'not in',
	'is',
	'is not',
]);

/** Packages that are never local modules: no file lookup for them. */
export const LIBRARIES = new Set([
	'torch',
	'torchvision',
	'torchsummary',
	'torchinfo',
	'tensorflow',
	'tf_keras',
	'keras',
	'numpy',
	'pandas',
	'sklearn',
	'scipy',
	'matplotlib',
	'seaborn',
	'collections',
	'typing',
	'math',
	'os',
	'sys',
	'json',
	're',
	'functools',
	'itertools',
	'dataclasses',
	'abc',
	'enum',
	'random',
	'time',
	'pathlib',
	'logging',
	'warnings',
	'copy',
	'tqdm',
	'PIL',
	'cv2',
	'jax',
	'flax',
	'__future__',
	'argparse',
	'datetime',
	'pickle',
	'glob',
	'shutil',
]);

/** Bases that make a plain Python class, not a model: builtins and the standard library's. */
export const PLAIN_BASES = new Set([
	'object',
	'Exception',
	'ValueError',
	'RuntimeError',
	'abc.ABC',
	'ABC',
	'enum.Enum',
	'Enum',
	'typing.NamedTuple',
	'NamedTuple',
	'typing.Generic',
	'Generic',
	'dict',
	'list',
	'tuple',
	'str',
	'int',
	'float',
	'collections.OrderedDict',
	'OrderedDict',
	'typing.Protocol',
	'Protocol',
	'dataclasses.dataclass',
]);

export const BUILTINS = new Set([
	'range',
	'len',
	'int',
	'float',
	'bool',
	'str',
	'abs',
	'chr',
	'ord',
	'round',
	'min',
	'max',
	'sum',
	'list',
	'tuple',
	'dict',
	'zip',
	'enumerate',
	'reversed',
	'print',
	'super',
	'getattr',
	'setattr',
	'delattr',
	'isinstance',
	'sorted',
	'any',
	'all',
	'divmod',
	'map',
	'filter',
	'type',
]);
