// When reading a name is Python's NameError for certain: the file's own names, bound anywhere.
import type { SyntaxNode } from '@lezer/common';
import type { Interpreter } from './interpreter';
import type { PythonSource } from './parse';
import { OTHER_PYTHON_BUILTINS, UNDEFINED_NAME_REASONS } from './names';

/**
 * Whether reading a name no code defines raises NameError for certain: in a Python file (a
 * notebook's kernel may hold names from cells run before, or since deleted), in its own code, and
 * not where a name may be defined in ways NormLens does not follow (`exec`, `globals()[…] = …`).
 * Python's builtins, a module's own names and Python 2's are never taken for undefined.
 */
export function certainNameError(it: Interpreter, name: string): boolean {
	// The file being read: the main one, or a module of the project it imports (whose names
	// are its own: a class there reading a name nothing binds raises when it runs).
	const source = it.source;
	const main = it.mainSource;
	return (
		!source.cells &&
		!main.cells &&
		!PYTHON_NAMES.has(name) &&
		!OTHER_PYTHON_BUILTINS.has(name) &&
		!(name in UNDEFINED_NAME_REASONS) &&
		!DYNAMIC_NAMES.test(source.text) &&
		!boundNames(source).has(name) &&
		// The main file may set it as the module's attribute (`mod.flag = True`); a star import of
		// the module's own may bring it.
		(source === main ||
			!(
				DYNAMIC_NAMES.test(main.text) ||
				setsAttribute(main.text, name) ||
				/\bimport\s*\*/.test(source.text)
			))
	);
}

/** Whether a text assigns an attribute of this name to some object (`mod.flag = …`). */
function setsAttribute(text: string, name: string): boolean {
	return new RegExp(`\\.\\s*${name}\\s*(?:=(?!=)|[-+*/%&|^@]=|//=|\\*\\*=|<<=|>>=)`).test(text);
}

/**
 * Every name the file binds somewhere (an assignment's target, a loop's, a parameter, a definition,
 * an import, an `as`): one bound only on a path NormLens took for not run (`if mask is not None:
 * padding_mask = …`, where Keras passes a mask NormLens does not) is not taken for undefined.
 */
const boundByFile = new WeakMap<PythonSource, Set<string>>();

function boundNames(source: PythonSource): Set<string> {
	let names = boundByFile.get(source);
	if (!names) {
		const found = new Set<string>();
		source.tree.iterate({
			enter: (n) => {
				if (n.name === 'VariableName' && bindsHere(n.node)) {
					found.add(source.slice(n));
				}
			},
		});
		boundByFile.set(source, found);
		names = found;
	}
	return names;
}

/** Whether a name node is in a binding place: before `=`, after `for` (before `in`), after `as`, a parameter, a definition's or import's name. */
function bindsHere(node: SyntaxNode): boolean {
	if (node.prevSibling?.name === 'as') {
		return true;
	}
	let at = node;
	// Through the brackets and stars of an unpacking target (`a, (b, *c) = …`).
	while (
		at.parent &&
		['TupleExpression', 'ArrayExpression', 'ParenthesizedExpression'].includes(at.parent.name)
	) {
		at = at.parent;
	}
	const parent = at.parent;
	switch (parent?.name) {
		case 'AssignStatement':
		case 'UpdateStatement':
		case 'ForStatement':
		case 'ArrayComprehensionExpression':
		case 'ComprehensionExpression':
		case 'SetComprehensionExpression':
		case 'DictionaryComprehensionExpression':
		case 'GeneratorExpression': {
			// Before the last `=` of an assignment; between `for` and `in` of a loop.
			const stop =
				parent.name.endsWith('Statement') && parent.name !== 'ForStatement'
					? 'AssignOp'
					: 'in';
			for (let c = at.nextSibling; c; c = c.nextSibling) {
				if (c.name === stop || (stop === 'AssignOp' && c.name === 'UpdateOp')) {
					return true;
				}
			}
			return false;
		}
		case 'ParamList':
		case 'FunctionDefinition':
		case 'ClassDefinition':
		case 'ImportStatement':
		case 'ScopeStatement':
		case 'DeleteStatement':
		case 'MatchStatement':
		case 'MatchClause':
			return true;
		case 'NamedExpression':
			return at === parent.firstChild;
		default:
			return false;
	}
}

const DYNAMIC_NAMES =
	/\b(?:exec|eval|globals|locals|vars|setattr|__import__)\s*\(|__builtins__|\bbuiltins\b|sys\.modules/;

/** Python 3's builtins (`dir(builtins)`), a module's own names, and Python 2's builtins. */
const PYTHON_NAMES = new Set(
	(
		'ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError BrokenPipeError ' +
		'BufferError BytesWarning ChildProcessError ConnectionAbortedError ConnectionError ConnectionRefusedError ' +
		'ConnectionResetError DeprecationWarning EOFError Ellipsis EncodingWarning EnvironmentError Exception ' +
		'ExceptionGroup False FileExistsError FileNotFoundError FloatingPointError FutureWarning GeneratorExit IOError ' +
		'ImportError ImportWarning IndentationError IndexError InterruptedError IsADirectoryError KeyError ' +
		'KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError None NotADirectoryError NotImplemented ' +
		'NotImplementedError OSError OverflowError PendingDeprecationWarning PermissionError ProcessLookupError ' +
		'PythonFinalizationError RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning ' +
		'StopAsyncIteration StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError TimeoutError True ' +
		'TypeError UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError ' +
		'UnicodeWarning UserWarning ValueError Warning WindowsError ZeroDivisionError _IncompleteInputError ' +
		'__build_class__ __debug__ __doc__ __import__ __loader__ __name__ __package__ __spec__ __file__ __builtins__ ' +
		'__annotations__ __cached__ __path__ __dict__ __qualname__ __module__ abs aiter all anext any ascii bin bool ' +
		'breakpoint bytearray bytes callable chr classmethod compile complex copyright credits delattr dict dir divmod ' +
		'enumerate eval exec exit filter float format frozenset getattr globals hasattr hash help hex id input int ' +
		'isinstance issubclass iter len license list locals map max memoryview min next object oct open ord pow print ' +
		'property quit range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip ' +
		'xrange unicode basestring long raw_input reduce unichr file execfile reload cmp buffer apply intern coerce'
	).split(' '),
);
