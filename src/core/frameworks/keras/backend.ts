// keras.backend and keras.config functions as a table: name → what the call does in this run.
import type { CallArgs, CallContext } from '../../python/interpreter';
import { asString, causeOf, NONE, tuple, unknown, UNKNOWN, Value } from '../../python/values';
import { KerasTensor, tensorShapeCause } from './objects';
import type { KerasSession } from './session';

/** A keras.backend / keras.config function: its value, given the run's global settings. */
type BackendFunction = (s: KerasSession, args: CallArgs, ctx: CallContext) => Value;

/**
 * keras.backend.image_data_format() and friends: the global format, as set by the program. A name
 * not here is not one NormLens models (the runtime returns undefined for it).
 */
export const KERAS_BACKEND: ReadonlyMap<string, BackendFunction> = new Map<string, BackendFunction>(
	[
		['image_data_format', (s) => s.imageDataFormat],
		[
			'set_image_data_format',
			(s, args, ctx) => {
				const v = args.positional[0] ?? args.keywords.get('data_format');
				s.imageDataFormat =
					v && (asString(v) === 'channels_first' || asString(v) === 'channels_last')
						? v
						: {
								k: 'unknown',
								cause: causeOf(v) ?? {
									reason: 'NormLens cannot tell which image data format this sets',
									range: ctx.range(args.node),
								},
							};
				return NONE;
			},
		],
		// Keras 1: 'th' is channels first, 'tf' channels last.
		[
			'image_dim_ordering',
			(s) =>
				s.keras1Ordering?.k === 'str'
					? { k: 'str', v: s.keras1Ordering.v === 'channels_first' ? 'th' : 'tf' }
					: UNKNOWN,
		],
		[
			'set_image_dim_ordering',
			(s, args, ctx) => {
				const v = asString(args.positional[0] ?? args.keywords.get('dim_ordering'));
				s.keras1Ordering =
					v === 'th' || v === 'tf'
						? { k: 'str', v: v === 'th' ? 'channels_first' : 'channels_last' }
						: {
								k: 'unknown',
								cause: {
									reason: 'NormLens cannot tell which dimension ordering this sets',
									range: ctx.range(args.node),
								},
							};
				s.imageDataFormat = s.keras1Ordering;
				return NONE;
			},
		],
		['clear_session', () => NONE],
		['set_floatx', () => NONE],
		['set_learning_phase', () => NONE],
		['floatx', () => ({ k: 'str', v: 'float32' })],
		['epsilon', () => ({ k: 'num', v: 1e-7 })],
		[
			'int_shape',
			(_s, args) => {
				const t = args.positional[0];
				return t?.k === 'obj' && t.obj instanceof KerasTensor && t.obj.shape
					? tuple(
							t.obj.shape.map((d) =>
								d === null ? NONE : ({ k: 'num', v: d } as Value),
							),
						)
					: t?.k === 'obj' && t.obj instanceof KerasTensor
						? unknown(tensorShapeCause(t.obj))
						: unknown(causeOf(t));
			},
		],
	],
);
