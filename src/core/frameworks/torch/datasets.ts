// The data a PyTorch notebook feeds its model, as far as the libraries document it: torchvision's
// datasets (their lengths, classes and image sizes), its transforms (what each does to an image's
// size), TensorDataset, and DataLoader's batches (`next(iter(loader))`, `len(loader)`). So that
// `nn.Linear(…, len(train_data.classes))` counts and `model(image.unsqueeze(0))` gives shapes.
import type { TextRange } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/contract';
import {
	asInt,
	asSequence,
	Cause,
	causeOf,
	FrameworkObject,
	num,
	tuple,
	unknown,
	Value,
} from '../../python/values';
import { TRAIN_TEST_SPLIT, trainTestSplitShapes } from '../common/dataSplit';
import type { TorchDtype } from './dtypes';
import { TorchTensor } from './objects';

/** One part of a dataset's item: a tensor of this shape and element size, or a Python int label. */
type ItemPart = { shape: number[]; dtype?: TorchDtype } | 'label' | Cause;

/** A dataset whose length and items NormLens knows (a torchvision dataset, a TensorDataset). */
export class TorchDataset implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'dataset';
	taint?: Cause;
	constructor(
		readonly length: number,
		/** An item: (image, label) for torchvision, the tensors' rows for a TensorDataset. */
		readonly parts: readonly ItemPart[],
		readonly classes: Value | undefined,
	) {}
}

/** `DataLoader(dataset, batch_size=…, drop_last=…)` with PyTorch's default collation. */
export class TorchDataLoader implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'dataloader';
	taint?: Cause;
	constructor(
		readonly dataset: TorchDataset,
		readonly batchSize: number,
		readonly dropLast: boolean,
	) {}

	get batches(): number {
		const n = this.dataset.length / this.batchSize;
		return this.dropLast ? Math.floor(n) : Math.ceil(n);
	}
}

/** `iter(loader)`: the batches in order, each consumed by `next(…)`. */
export class TorchBatchIterator implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'iterator';
	taint?: Cause;
	consumed = 0;
	constructor(readonly loader: TorchDataLoader) {}
}

/** torchvision's datasets of fixed size: images (height, width, channels) and the classes' names. */
interface VisionDataset {
	readonly image: readonly [number, number, number];
	readonly train: number;
	readonly test: number;
	/** The names torchvision gives `.classes`, or how many when it reads them from the downloaded files. */
	readonly classes: readonly string[] | number;
}

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const MNIST_SIZES = { image: [28, 28, 1], train: 60000, test: 10000 } as const;

const VISION_DATASETS: Readonly<Record<string, VisionDataset>> = {
	MNIST: { ...MNIST_SIZES, classes: DIGITS.map((d, i) => `${i} - ${d}`) },
	FashionMNIST: {
		...MNIST_SIZES,
		classes: [
			'T-shirt/top',
			'Trouser',
			'Pullover',
			'Dress',
			'Coat',
			'Sandal',
			'Shirt',
			'Sneaker',
			'Bag',
			'Ankle boot',
		],
	},
	KMNIST: {
		...MNIST_SIZES,
		classes: ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'],
	},
	CIFAR10: {
		image: [32, 32, 3],
		train: 50000,
		test: 10000,
		classes: [
			'airplane',
			'automobile',
			'bird',
			'cat',
			'deer',
			'dog',
			'frog',
			'horse',
			'ship',
			'truck',
		],
	},
	// CIFAR-100's hundred names come from the downloaded meta file.
	CIFAR100: { image: [32, 32, 3], train: 50000, test: 10000, classes: 100 },
};

/** A torchvision transform, as the steps it applies to an image's size. */
export class TorchTransform implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'transform';
	taint?: Cause;
	constructor(readonly steps: readonly Step[] | Cause) {}
}

type Step =
	| { k: 'tensor' }
	| { k: 'keep' }
	| { k: 'resize'; size: number | [number, number] }
	| { k: 'crop'; size: [number, number] }
	| { k: 'channels'; n: number };

/** What each torchvision transform does to an image's size, by class name (v1 and v2 alike). */
const KEEPS_SIZE = new Set([
	'Normalize',
	'RandomHorizontalFlip',
	'RandomVerticalFlip',
	'ColorJitter',
	'RandomRotation',
	'TrivialAugmentWide',
	'RandAugment',
	'AutoAugment',
	'AugMix',
	'RandomErasing',
	'ConvertImageDtype',
	'ToDtype',
	'GaussianBlur',
	'RandomGrayscale',
	'RandomAffine',
	'RandomPerspective',
	'RandomInvert',
	'RandomAutocontrast',
	'RandomEqualize',
	'RandomPosterize',
	'RandomSolarize',
	'RandomAdjustSharpness',
]);

/** An image size: an int or a (height, width) pair, each at least 1 (torchvision refuses less). */
function sizeArg(v: Value | undefined): number | [number, number] | undefined {
	const n = asInt(v);
	if (n !== undefined) {
		return n >= 1 ? n : undefined;
	}
	const items = asSequence(v)?.map(asInt);
	if (items?.length === 1 && items[0] !== undefined) {
		return items[0] >= 1 ? items[0] : undefined;
	}
	return items?.length === 2 && items.every((d) => d !== undefined && d >= 1)
		? [items[0] as number, items[1] as number]
		: undefined;
}

/** `transforms.Compose([…])`, `transforms.ToTensor()`, `transforms.Resize(64)` …: a transform, or undefined for another name. */
function transform(name: string, args: CallArgs, range: TextRange): TorchTransform | undefined {
	const a = args.positional;
	const arg = (keyword: string, i = 0) => args.keywords.get(keyword) ?? a[i];
	const cannot = (why: string): TorchTransform => new TorchTransform({ reason: why, range });
	switch (name) {
		case 'Compose': {
			const items = asSequence(arg('transforms'));
			if (!items) {
				return cannot('NormLens cannot list the transforms given to `Compose`');
			}
			const steps: Step[] = [];
			for (const t of items) {
				if (!(t.k === 'obj' && t.obj instanceof TorchTransform)) {
					return cannot('`Compose` is given a transform NormLens does not know');
				}
				if (!Array.isArray(t.obj.steps)) {
					return new TorchTransform(t.obj.steps as Cause);
				}
				steps.push(...(t.obj.steps as Step[]));
			}
			return new TorchTransform(steps);
		}
		case 'ToTensor':
		case 'PILToTensor':
		case 'ToImage':
			return new TorchTransform([{ k: 'tensor' }]);
		case 'Resize': {
			const size = sizeArg(arg('size'));
			return size === undefined || args.keywords.has('max_size')
				? cannot('NormLens does not follow this `Resize` size')
				: new TorchTransform([{ k: 'resize', size }]);
		}
		case 'CenterCrop':
		case 'RandomCrop':
		case 'RandomResizedCrop': {
			const size = sizeArg(arg('size'));
			return size === undefined
				? cannot(`NormLens does not follow this \`${name}\` size`)
				: new TorchTransform([
						{ k: 'crop', size: typeof size === 'number' ? [size, size] : size },
					]);
		}
		case 'Grayscale': {
			const n =
				args.keywords.has('num_output_channels') || a.length > 0
					? asInt(arg('num_output_channels'))
					: 1;
			// torchvision gives 1 or 3 channels and refuses any other number.
			return n === undefined || (n !== 1 && n !== 3)
				? cannot('NormLens does not know the channels `Grayscale` gives')
				: new TorchTransform([{ k: 'channels', n }]);
		}
		default:
			return KEEPS_SIZE.has(name)
				? new TorchTransform([{ k: 'keep' }])
				: /^[A-Z]/.test(name)
					? cannot(
							`NormLens does not know what \`transforms.${name}\` does to an image's size`,
						)
					: undefined;
	}
}

/** The image part of an item: (C, H, W) float32 after the transform, or why it is not known. */
function imagePart(
	image: readonly [number, number, number],
	given: Value | undefined,
	range: TextRange,
): ItemPart {
	if (!given || given.k === 'none') {
		return { reason: 'without a transform the dataset gives PIL images, not tensors', range };
	}
	if (!(given.k === 'obj' && given.obj instanceof TorchTransform)) {
		return (
			causeOf(given) ?? {
				reason: 'NormLens does not know the transform given to the dataset',
				range,
			}
		);
	}
	const steps = given.obj.steps;
	if (!Array.isArray(steps)) {
		return steps as Cause;
	}
	let [h, w, c] = image;
	let tensor = false;
	for (const step of steps as Step[]) {
		if (step.k === 'tensor') {
			tensor = true;
		} else if (step.k === 'resize') {
			// An int matches the shorter edge, keeping the aspect ratio (torchvision's rounding down).
			if (typeof step.size === 'number') {
				const [short, long] = h <= w ? [h, w] : [w, h];
				const other = Math.floor((step.size * long) / short);
				[h, w] = h <= w ? [step.size, other] : [other, step.size];
			} else {
				[h, w] = step.size;
			}
		} else if (step.k === 'crop') {
			[h, w] = step.size;
		} else if (step.k === 'channels') {
			c = step.n;
		}
	}
	return tensor
		? { shape: [c, h, w], dtype: 'float32' }
		: { reason: 'the transform gives PIL images, not tensors (no `ToTensor()`)', range };
}

/** `datasets.FashionMNIST(root, train=True, transform=ToTensor(), …)`. */
function visionDataset(name: string, args: CallArgs, range: TextRange): Value {
	const d = VISION_DATASETS[name];
	const trainV = args.keywords.get('train') ?? args.positional[1];
	const train = trainV === undefined ? true : trainV.k === 'bool' ? trainV.v : undefined;
	if (train === undefined) {
		return unknown(
			causeOf(trainV) ?? {
				reason: `NormLens cannot tell which split of ${name} is loaded`,
				range,
			},
		);
	}
	const image = imagePart(d.image, args.keywords.get('transform') ?? args.positional[2], range);
	const names =
		typeof d.classes === 'number'
			? Array.from({ length: d.classes }, () =>
					unknown({
						reason: `${name}'s class names are read from its downloaded files`,
						range,
					}),
				)
			: d.classes.map((c): Value => ({ k: 'str', v: c }));
	const target = args.keywords.get('target_transform');
	const label: ItemPart =
		target && target.k !== 'none'
			? { reason: 'NormLens does not follow the `target_transform`', range }
			: 'label';
	return {
		k: 'obj',
		obj: new TorchDataset(train ? d.train : d.test, [image, label], {
			k: 'list',
			items: names,
		}),
	};
}

/** The arguments that are tensors of fully known shape, undefined in place of any other. */
function knownTensors(values: readonly Value[]): (TorchTensor | undefined)[] {
	return values.map((v) =>
		v.k === 'obj' && v.obj instanceof TorchTensor && v.obj.shape?.every((d) => d !== null)
			? v.obj
			: undefined,
	);
}

/** scikit-learn's `train_test_split(X, y, test_size=0.2)` on PyTorch tensors (mrdbourke's circles): tensors of the pieces' shapes. */
function trainTestSplit(args: CallArgs, range: TextRange): Value | undefined {
	const tensors = knownTensors(args.positional);
	if (tensors.length === 0 || tensors.some((t) => !t || t.shape?.length === 0)) {
		return undefined;
	}
	const r = trainTestSplitShapes(
		tensors.map((t) => t?.shape as number[]),
		args,
	);
	if ('refused' in r) {
		return unknown({ reason: r.refused, range });
	}
	if ('cause' in r) {
		return unknown(
			r.cause ?? {
				reason: 'NormLens does not know the sizes given to `train_test_split`',
				range,
			},
		);
	}
	return {
		k: 'list',
		items: r.shapes.map((shape, i): Value => ({
			k: 'obj',
			obj: new TorchTensor(shape, null, tensors[Math.floor(i / 2)]?.dtype),
		})),
	};
}

/** `TensorDataset(X, y)`: items are the tensors' rows, as many as their first size. */
function tensorDataset(args: CallArgs, range: TextRange): Value {
	const tensors = knownTensors(args.positional);
	const shapes = tensors.map((t) => t?.shape as number[] | undefined);
	const cause = causeOf(args.positional.find((v) => causeOf(v)));
	if (shapes.length === 0 || shapes.some((s) => !s || s.length === 0)) {
		return unknown(
			cause ?? {
				reason: 'NormLens does not know the sizes of the tensors given to `TensorDataset`',
				range,
			},
		);
	}
	const rows = shapes as number[][];
	if (rows.some((s) => s[0] !== rows[0][0])) {
		return unknown({
			reason: 'PyTorch refuses tensors of different first sizes in a `TensorDataset` (AssertionError)',
			range,
		});
	}
	const parts = rows.map((s, i): ItemPart => ({
		shape: s.slice(1),
		dtype: tensors[i]?.dtype,
	}));
	return { k: 'obj', obj: new TorchDataset(rows[0][0], parts, undefined) };
}

/** `DataLoader(dataset, batch_size=32, shuffle=True)`: batches of the default collation. */
function dataLoader(args: CallArgs, range: TextRange): Value | undefined {
	const ds = args.positional[0] ?? args.keywords.get('dataset');
	if (!(ds?.k === 'obj' && ds.obj instanceof TorchDataset)) {
		return causeOf(ds) ? unknown(causeOf(ds)) : undefined;
	}
	const custom = ['sampler', 'batch_sampler', 'collate_fn'].find((k) => {
		const v = args.keywords.get(k);
		return v && v.k !== 'none';
	});
	const bsV = args.keywords.get('batch_size') ?? args.positional[1];
	const bs = bsV === undefined ? 1 : asInt(bsV);
	const dropV = args.keywords.get('drop_last');
	const drop = dropV === undefined ? false : dropV.k === 'bool' ? dropV.v : undefined;
	if (custom || bs === undefined || bs < 1 || drop === undefined) {
		return unknown(
			causeOf(bsV) ?? {
				reason: custom
					? `NormLens does not follow the loader's \`${custom}\``
					: 'NormLens does not know the batch size or `drop_last` of this DataLoader',
				range,
			},
		);
	}
	return { k: 'obj', obj: new TorchDataLoader(ds.obj, bs, drop) };
}

/** The data constructors NormLens follows; undefined for any other path. */
export function dataConstructor(path: string, args: CallArgs, ctx: CallContext): Value | undefined {
	const v = dataValue(path, args, ctx.range(args.node));
	// `DataLoader(train, **loader_args)` with arguments NormLens cannot list: a batch size or a
	// transform it cannot see may be among them, so nothing it would make of the rest holds.
	return v && args.cause ? unknown(args.cause) : v;
}

function dataValue(path: string, args: CallArgs, range: TextRange): Value | undefined {
	// Every call into torch comes through here (a module per line of a model): the path decides at once.
	if (
		!path.startsWith('torchvision.') &&
		!path.startsWith('torch.utils.data.') &&
		!path.startsWith('sklearn.')
	) {
		return undefined;
	}
	const vision = /^torchvision\.datasets\.(\w+)$/.exec(path)?.[1];
	if (vision && vision in VISION_DATASETS) {
		return visionDataset(vision, args, range);
	}
	const t = /^torchvision\.transforms(?:\.v2)?\.(\w+)$/.exec(path)?.[1];
	if (t) {
		const v = transform(t, args, range);
		return v ? { k: 'obj', obj: v } : undefined;
	}
	if (TRAIN_TEST_SPLIT.test(path)) {
		return trainTestSplit(args, range);
	}
	if (/^torch\.utils\.data(?:\.dataset)?\.TensorDataset$/.test(path)) {
		return tensorDataset(args, range);
	}
	if (/^torch\.utils\.data(?:\.dataloader)?\.DataLoader$/.test(path)) {
		return dataLoader(args, range);
	}
	return undefined;
}

/** A fresh value of one item part, with `batch` samples in front when collated. */
function partValue(p: ItemPart, batch: number | undefined, range: TextRange): Value {
	if (p === 'label') {
		// An int label; collated, an int64 tensor of the batch.
		return batch === undefined
			? unknown({ reason: 'a label is read from the data', range })
			: { k: 'obj', obj: new TorchTensor([batch], null, 'int64') };
	}
	if ('reason' in p) {
		return unknown(p);
	}
	const shape = batch === undefined ? p.shape : [batch, ...p.shape];
	return { k: 'obj', obj: new TorchTensor(shape, null, p.dtype) };
}

/** `len(…)`, `ds[i]`, `iter(loader)`, `next(it)` and the attributes of the data objects; undefined for anything else. */
export function dataMethod(
	obj: FrameworkObject,
	name: string,
	range: TextRange,
): Value | undefined {
	if (obj.taint) {
		return undefined;
	}
	if (obj instanceof TorchDataset) {
		if (name === '__len__') {
			return num(obj.length);
		}
		if (name === '__getitem__') {
			return tuple(obj.parts.map((p) => partValue(p, undefined, range)));
		}
	}
	if (obj instanceof TorchDataLoader) {
		if (name === '__len__') {
			return num(obj.batches);
		}
		if (name === '__iter__') {
			return { k: 'obj', obj: new TorchBatchIterator(obj) };
		}
	}
	if (obj instanceof TorchBatchIterator && name === '__next__') {
		const { loader } = obj;
		const i = obj.consumed++;
		if (i >= loader.batches) {
			return unknown({ reason: 'the loader has no batch left (StopIteration)', range });
		}
		// Every batch is full but a last one of the remainder (unless drop_last).
		const rest = loader.dataset.length - i * loader.batchSize;
		const n = Math.min(loader.batchSize, rest);
		return { k: 'list', items: loader.dataset.parts.map((p) => partValue(p, n, range)) };
	}
	return undefined;
}

/** `train_data.classes`, `loader.dataset`, `loader.batch_size`. */
export function dataAttribute(obj: FrameworkObject, name: string): Value | undefined {
	if (obj instanceof TorchDataset && name === 'classes') {
		return obj.classes;
	}
	if (obj instanceof TorchDataLoader) {
		return name === 'dataset'
			? { k: 'obj', obj: obj.dataset }
			: name === 'batch_size'
				? num(obj.batchSize)
				: undefined;
	}
	return undefined;
}
