// torch.distributions as shapes: a distribution's batch and event shapes from its parameters, and
// what sample / rsample / log_prob / entropy give (a VAE's reparameterised sample, a policy's action).
import type { Shape } from '../../../protocol/analysis';
import type { CallArgs } from '../../python/contract';
import { asInt, asSequence, Cause, FrameworkObject, tuple, Value } from '../../python/values';
import { broadcast } from '../common/shapes';
import type { TorchDtype } from './dtypes';
import { TorchTensor } from './objects';
import { broadcastAll, operandShape } from './ops/tensorMethodsMore';

/** A distribution NormLens holds: the shapes PyTorch gives it, never values. */
export class TorchDistribution implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'distribution';
	taint?: Cause;
	constructor(
		readonly type: string,
		readonly batch: Shape,
		readonly event: Shape,
		/** A sample's dtype where it is not the parameters' float (a Categorical's int64 index). */
		readonly sampleDtype?: TorchDtype,
		/** A Categorical's parameter, given as probs or logits: its shape is the distribution's `probs` / `logits`. */
		readonly param?: Shape,
	) {}
}

/** The parameters of a distribution whose batch shape is theirs broadcast, by constructor, in order. */
const ELEMENTWISE: Readonly<Record<string, readonly string[]>> = {
	Normal: ['loc', 'scale'],
	LogNormal: ['loc', 'scale'],
	Laplace: ['loc', 'scale'],
	Cauchy: ['loc', 'scale'],
	Gumbel: ['loc', 'scale'],
	HalfNormal: ['scale'],
	HalfCauchy: ['scale'],
	Uniform: ['low', 'high'],
	Exponential: ['rate'],
	Poisson: ['rate'],
	Gamma: ['concentration', 'rate'],
	Beta: ['concentration1', 'concentration0'],
	Kumaraswamy: ['concentration1', 'concentration0'],
	StudentT: ['df', 'loc', 'scale'],
};

/** Given as one of `probs` / `logits`: Bernoulli's batch is its shape; a Categorical's drops the classes. */
const PROBS_OR_LOGITS = new Set([
	'Bernoulli',
	'Categorical',
	'OneHotCategorical',
	'Geometric',
	'ContinuousBernoulli',
]);

/**
 * `torch.distributions.Normal(mu, std)` and its kin: the distribution of their shapes; undefined for
 * a path that is none (or a distribution NormLens does not model: the caller's unknown).
 */
export function distributionConstructor(path: string, args: CallArgs): Value | undefined {
	const type = /^torch\.distributions\.(?:[a-z_]+\.)?([A-Z]\w*)$/.exec(path)?.[1];
	if (!type || args.cause) {
		return undefined;
	}
	const at = (i: number, name: string) => args.positional[i] ?? args.keywords.get(name);
	const make = (batch: Shape | null, event: Shape, dtype?: TorchDtype, param?: Shape) =>
		batch
			? { k: 'obj' as const, obj: new TorchDistribution(type, batch, event, dtype, param) }
			: undefined;
	const names = ELEMENTWISE[type];
	if (names) {
		return make(broadcastAll(names.map((n, i) => operandShape(at(i, n)))), []);
	}
	if (PROBS_OR_LOGITS.has(type)) {
		const p = operandShape(at(0, 'probs') ?? args.keywords.get('logits'));
		if (!p) {
			return undefined;
		}
		if (type === 'Categorical') {
			return p.length > 0 ? make(p.slice(0, -1), [], 'int64', p) : undefined;
		}
		if (type === 'OneHotCategorical') {
			return p.length > 0 ? make(p.slice(0, -1), p.slice(-1), undefined, p) : undefined;
		}
		return make(p, []);
	}
	if (type === 'MultivariateNormal') {
		const loc = operandShape(at(0, 'loc'));
		const matrix = operandShape(
			at(1, 'covariance_matrix') ??
				args.keywords.get('precision_matrix') ??
				args.keywords.get('scale_tril'),
		);
		if (!loc || !matrix || loc.length < 1 || matrix.length < 2) {
			return undefined;
		}
		return make(broadcast(loc.slice(0, -1), matrix.slice(0, -2)), loc.slice(-1));
	}
	if (type === 'Independent') {
		const base = at(0, 'base_distribution');
		const n = asInt(at(1, 'reinterpreted_batch_ndims'));
		if (base?.k !== 'obj' || !(base.obj instanceof TorchDistribution) || n === undefined) {
			return undefined;
		}
		const { batch, event } = base.obj;
		return n >= 0 && n <= batch.length
			? make(batch.slice(0, batch.length - n), [...batch.slice(batch.length - n), ...event])
			: undefined;
	}
	return undefined;
}

/** A torch.distributions constructor, or `kl_divergence(p, q)`; undefined for any other path. */
export function distributionCall(path: string, args: CallArgs): Value | undefined {
	return path.startsWith('torch.distributions.')
		? (distributionConstructor(path, args) ?? klDivergence(path, args))
		: undefined;
}

/** `kl_divergence(p, q)`: one value per batch element of the two, broadcast. */
function klDivergence(path: string, args: CallArgs): Value | undefined {
	if (!/^torch\.distributions\.(?:kl\.)?kl_divergence$/.test(path)) {
		return undefined;
	}
	const [p, q] = args.positional;
	if (
		p?.k !== 'obj' ||
		q?.k !== 'obj' ||
		!(p.obj instanceof TorchDistribution) ||
		!(q.obj instanceof TorchDistribution)
	) {
		return undefined;
	}
	const batch = broadcast(p.obj.batch, q.obj.batch);
	return batch ? { k: 'obj', obj: new TorchTensor(batch, null, 'float32') } : undefined;
}

/** The sample_shape a sample() is given (a torch.Size, tuple or list of ints); () when none. */
function sampleShape(v: Value | undefined): Shape | null {
	if (v === undefined) {
		return [];
	}
	const items = asSequence(v);
	const dims = items?.map(asInt);
	return dims && dims.every((d): d is number => d !== undefined && d >= 0) ? dims : null;
}

/**
 * `d.sample(shape)` / `d.rsample(shape)` (sample_shape + batch + event), `log_prob(x)` and
 * `cdf(x)` (x's batch dims broadcast with the batch), `entropy()` (the batch); undefined for
 * another method or an argument NormLens cannot read.
 */
export function distributionMethod(
	d: FrameworkObject,
	name: string,
	args: CallArgs,
): Value | undefined {
	if (!(d instanceof TorchDistribution) || d.taint) {
		return undefined;
	}
	const tensor = (shape: Shape | null, dtype: TorchDtype = 'float32'): Value | undefined =>
		shape ? { k: 'obj', obj: new TorchTensor(shape, null, dtype) } : undefined;
	switch (name) {
		case 'sample':
		case 'rsample': {
			const s = sampleShape(args.positional[0] ?? args.keywords.get('sample_shape'));
			return s && !(name === 'rsample' && d.sampleDtype)
				? tensor([...s, ...d.batch, ...d.event], d.sampleDtype)
				: undefined;
		}
		case 'log_prob':
		case 'cdf':
		case 'icdf': {
			const x = operandShape(args.positional[0] ?? args.keywords.get('value'));
			const keep = x ? x.length - d.event.length : -1;
			return x && keep >= 0 ? tensor(broadcast(x.slice(0, keep), d.batch)) : undefined;
		}
		case 'entropy':
			return tensor(d.batch);
		default:
			return undefined;
	}
}

/** `d.mean`, `d.stddev`, `d.variance`, `d.batch_shape`, `d.event_shape`, a Categorical's `probs` / `logits`. */
export function distributionAttribute(d: FrameworkObject, name: string): Value | undefined {
	if (!(d instanceof TorchDistribution) || d.taint) {
		return undefined;
	}
	const size = (s: Shape): Value | undefined =>
		s.every((x): x is number => x !== null)
			? tuple(s.map((x): Value => ({ k: 'num', v: x as number })))
			: undefined;
	switch (name) {
		case 'mean':
		case 'mode':
		case 'stddev':
		case 'variance':
			return d.sampleDtype
				? undefined
				: { k: 'obj', obj: new TorchTensor([...d.batch, ...d.event], null, 'float32') };
		case 'batch_shape':
			return size(d.batch);
		case 'event_shape':
			return size(d.event);
		case 'probs':
		case 'logits':
			return d.param
				? { k: 'obj', obj: new TorchTensor(d.param, null, 'float32') }
				: undefined;
		default:
			return undefined;
	}
}
