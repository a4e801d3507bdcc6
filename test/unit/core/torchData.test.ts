import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, Shape } from '../../../src/protocol/analysis';
import { repoRoot } from '../paths';

/**
 * The data a PyTorch notebook feeds its model: torchvision's datasets (their lengths and classes),
 * their images through the transforms, TensorDataset, and DataLoader's batches. Before, every
 * `datasets.FashionMNIST(…)` was a call NormLens could not read, so `nn.Linear(10,
 * len(train_data.classes))` (learnpytorch.io's FashionMNIST models) left the model unknown; and
 * `model.train()` or `model.to(device)` in a training loop over such data made every count unknown.
 */

interface TransformCase {
	image: 'mnist' | 'cifar';
	transform: string;
	shape: number[] | null;
}

interface LoaderCase {
	tensors: number[][];
	batch_size: number | null;
	drop_last: boolean;
	length: number;
	first: number[][] | null;
	last: number[][] | null;
}

const grid = JSON.parse(
	fs.readFileSync(
		path.join(repoRoot, 'test', 'unit', 'fixtures', 'torchDataShapes.json'),
		'utf8',
	),
) as {
	torch: string;
	torchvision: string;
	classes: Record<string, string[]>;
	transforms: TransformCase[];
	loaders: LoaderCase[];
};

const HEAD = [
	'import torch',
	'from torch import nn',
	'from torch.utils.data import DataLoader, TensorDataset',
	'from torchvision import datasets, transforms',
];

function run(lines: string[]): AnalysisResult {
	return analyzePython([...HEAD, ...lines].join('\n'));
}

/** Lines that pass `value` through an nn.Identity model named `name`, whose row then shows its shape. */
function probe(name: string, value: string): string[] {
	return [`${name} = nn.Sequential(nn.Identity())`, `_ = ${name}(${value})`];
}

function probed(result: AnalysisResult, name: string): Shape | null | undefined {
	return result.models.find((m) => m.name === name)?.layers[0]?.outputShape;
}

/** An int read back as the parameters of `nn.Sequential(nn.Linear(value, 1))` (value + 1). */
function counted(result: AnalysisResult, name: string): number | null {
	const total = result.models.find((m) => m.name === name)?.totals.total;
	return total === undefined || total === null ? null : total - 1;
}

describe('PyTorch data: torchvision datasets, transforms and DataLoader batches', () => {
	it(`an image through each transform has the shape torchvision ${grid.torchvision} gives (${grid.transforms.length} cases), or none without ToTensor`, () => {
		// tools/torch_data_shapes.py: MNIST's 28×28 grayscale and CIFAR's 32×32 RGB images through
		// ToTensor, Normalize, Resize (int and pair), crops, Grayscale, augmentations.
		const got = grid.transforms.map((c) => {
			const dataset = c.image === 'mnist' ? 'MNIST' : 'CIFAR10';
			const result = run([
				`ds = datasets.${dataset}(root="data", train=True, download=True, transform=${c.transform})`,
				'img, label = ds[0]',
				...probe('p', 'img'),
			]);
			return { ...c, shape: probed(result, 'p') ?? null };
		});
		assert.deepStrictEqual(got, grid.transforms);
	});

	it(`DataLoader: len() and the first and last batch as PyTorch ${grid.torch} gives them (${grid.loaders.length} cases)`, () => {
		const got = grid.loaders.map((c) => {
			const tensors = c.tensors.map((s) => `torch.zeros(${s.join(', ')})`).join(', ');
			const kw = `${c.batch_size === null ? '' : `batch_size=${c.batch_size}, `}drop_last=${c.drop_last ? 'True' : 'False'}`;
			const lines = [
				`loader = DataLoader(TensorDataset(${tensors}), ${kw})`,
				'n = nn.Sequential(nn.Linear(len(loader), 1))',
				'it = iter(loader)',
				'first = next(it)',
				'last = first',
				'for _ in range(len(loader) - 1):',
				'    last = next(it)',
			];
			c.tensors.forEach((_, i) => {
				lines.push(...probe(`f${i}`, `first[${i}]`), ...probe(`l${i}`, `last[${i}]`));
			});
			const result = run(lines);
			const shapes = (p: string) => c.tensors.map((_, i) => probed(result, `${p}${i}`));
			return {
				...c,
				length: counted(result, 'n'),
				first: c.length === 0 ? null : shapes('f'),
				last: c.length === 0 ? null : shapes('l'),
			};
		});
		assert.deepStrictEqual(got, grid.loaders);
	});

	it("datasets' lengths and classes: torchvision's own names, CIFAR-100's hundred from its files", () => {
		// Lengths as torchvision's documentation gives them (60,000 / 10,000 MNIST-style images;
		// 50,000 / 10,000 for CIFAR); the names are the class attributes torchvision declares
		// (recorded by the tool above), CIFAR-10's those of its batches.meta.
		const result = run([
			...['MNIST', 'FashionMNIST', 'KMNIST', 'CIFAR10', 'CIFAR100'].flatMap((d) => [
				`${d}_train = datasets.${d}("data", train=True, download=True, transform=transforms.ToTensor())`,
				`${d}_test = datasets.${d}("data", train=False, download=True)`,
				`${d}_n = nn.Sequential(nn.Linear(len(${d}_train), 1))`,
				`${d}_t = nn.Sequential(nn.Linear(len(${d}_test), 1))`,
				`${d}_c = nn.Sequential(nn.Linear(len(${d}_train.classes), 1))`,
			]),
			'names = FashionMNIST_train.classes',
			'first = names[0]',
			'shirt = nn.Sequential(nn.Linear(3, 2) if names[6] == "Shirt" else nn.Linear(5, 2))',
		]);
		const figures = Object.fromEntries(
			['MNIST', 'FashionMNIST', 'KMNIST', 'CIFAR10', 'CIFAR100'].map((d) => [
				d,
				[counted(result, `${d}_n`), counted(result, `${d}_t`), counted(result, `${d}_c`)],
			]),
		);
		assert.deepStrictEqual(figures, {
			MNIST: [60000, 10000, grid.classes.MNIST.length],
			FashionMNIST: [60000, 10000, grid.classes.FashionMNIST.length],
			KMNIST: [60000, 10000, grid.classes.KMNIST.length],
			CIFAR10: [50000, 10000, 10],
			CIFAR100: [50000, 10000, 100],
		});
		assert.strictEqual(grid.classes.FashionMNIST[6], 'Shirt');
		assert.strictEqual(result.models.find((m) => m.name === 'shirt')?.totals.total, 8);
	});

	it("learnpytorch.io's FashionMNIST models: output_shape=len(class_names), an image's shape, a training loop over the loader", () => {
		// mrdbourke/pytorch-deep-learning 03_pytorch_computer_vision (MIT), cells 9–43, reduced:
		// Flatten → Linear(784, 10) → Linear(10, len(class_names)): 784·10 + 10 + 10·10 + 10.
		const result = run([
			'from tqdm.auto import tqdm',
			'train_data = datasets.FashionMNIST(root="data", train=True, download=True, transform=transforms.ToTensor(), target_transform=None)',
			'class_names = train_data.classes',
			'image, label = train_data[0]',
			'train_dataloader = DataLoader(train_data, batch_size=32, shuffle=True)',
			'train_features_batch, train_labels_batch = next(iter(train_dataloader))',
			'class FashionMNISTModelV0(nn.Module):',
			'    def __init__(self, input_shape: int, hidden_units: int, output_shape: int):',
			'        super().__init__()',
			'        self.layer_stack = nn.Sequential(nn.Flatten(), nn.Linear(in_features=input_shape, out_features=hidden_units), nn.Linear(in_features=hidden_units, out_features=output_shape))',
			'    def forward(self, x):',
			'        return self.layer_stack(x)',
			'model_0 = FashionMNISTModelV0(input_shape=784, hidden_units=10, output_shape=len(class_names))',
			'out = model_0(image.unsqueeze(dim=0))',
			'device = "cuda" if torch.cuda.is_available() else "cpu"',
			'for epoch in tqdm(range(3)):',
			'    for batch, (X, y) in enumerate(train_dataloader):',
			'        model_0.train()',
			'        model_0.to(device)',
			'        y_pred = model_0(X)',
			'    model_0.eval()',
			...probe('batch', 'train_features_batch'),
		]);
		const m = result.models.find((x) => x.name === 'model_0');
		assert.strictEqual(m?.totals.total, 784 * 10 + 10 + 10 * 10 + 10);
		assert.deepStrictEqual(
			m?.layers.map((l) => l.outputShape),
			[
				[1, 784],
				[1, 10],
				[1, 10],
			],
		);
		assert.deepStrictEqual(probed(result, 'batch'), [32, 1, 28, 28]);
	});

	it("NumPy data into PyTorch: learnpytorch.io's circles (make_circles, torch.from_numpy, train_test_split of tensors)", () => {
		// mrdbourke/pytorch-deep-learning 02_pytorch_classification (MIT), reduced: X_test is
		// 200 of the 1,000 samples (scikit-learn rounds 0.2 · 1000 up), so layer_1 gives (200, 5).
		const result = run([
			'from sklearn.datasets import make_circles',
			'from sklearn.model_selection import train_test_split',
			'import numpy as np',
			'X, y = make_circles(1000, noise=0.03, random_state=42)',
			'X = torch.from_numpy(X).type(torch.float)',
			'y = torch.from_numpy(y).type(torch.float)',
			'X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)',
			'model_0 = nn.Sequential(nn.Linear(in_features=2, out_features=5), nn.Linear(in_features=5, out_features=1))',
			'untrained_preds = model_0(X_test)',
			'feat = torch.tensor(np.zeros((8, 3)))',
			'legacy = torch.FloatTensor(np.ones((4, 6)))',
			...probe('p_feat', 'feat'),
			...probe('p_legacy', 'legacy'),
			...probe('p_train', 'y_train'),
		]);
		const m = result.models.find((x) => x.name === 'model_0');
		assert.deepStrictEqual(
			m?.layers.map((l) => l.outputShape),
			[
				[200, 5],
				[200, 1],
			],
		);
		assert.deepStrictEqual(
			['p_feat', 'p_legacy', 'p_train'].map((p) => probed(result, p)),
			[[8, 3], [4, 6], [800]],
		);
	});

	it('unsqueeze, squeeze and transpose read their dims given by keyword; a dim out of range has no shape', () => {
		// PyTorch 1.13 on x of (1, 28, 30): unsqueeze(dim=0) (1, 1, 28, 30), squeeze(dim=0) (28, 30),
		// transpose(dim0=0, dim1=2) (30, 28, 1), unsqueeze(dim=-1) and unsqueeze(3) (1, 28, 30, 1);
		// squeeze(5), unsqueeze(4) and transpose(1, 5) raise IndexError. Before, `dim=` was not read
		// (learnpytorch.io's `image.unsqueeze(dim=0)` had no shape) and transpose(1, 5) made a shape up.
		const exprs = [
			'x.unsqueeze(dim=0)',
			'x.squeeze(dim=0)',
			'x.transpose(dim0=0, dim1=2)',
			'x.unsqueeze(dim=-1)',
			'x.unsqueeze(3)',
			'x.squeeze(5)',
			'x.unsqueeze(4)',
			'x.transpose(1, 5)',
		];
		const result = run([
			'x = torch.randn(1, 28, 30)',
			...exprs.flatMap((e, i) => probe(`p${i}`, e)),
		]);
		assert.deepStrictEqual(
			exprs.map((_, i) => probed(result, `p${i}`)),
			[
				[1, 1, 28, 30],
				[28, 30],
				[30, 28, 1],
				[1, 28, 30, 1],
				[1, 28, 30, 1],
				null,
				null,
				null,
			],
		);
	});

	it('a loop NormLens cannot count that calls model.train() leaves the counts; a forward branching on self.training after it says why it is unknown', () => {
		const result = run([
			'class Net(nn.Module):',
			'    def __init__(self):',
			'        super().__init__()',
			'        self.a = nn.Linear(4, 8)',
			'        self.b = nn.Linear(4, 2)',
			'    def forward(self, x):',
			'        if self.training:',
			'            return self.a(x)',
			'        return self.b(x)',
			'net = Net()',
			'net.eval()',
			'for X, y in loader:',
			'    net.train()',
			'out = net(torch.randn(1, 4))',
		]);
		const m = result.models.find((x) => x.name === 'net');
		assert.strictEqual(m?.totals.total, 4 * 8 + 8 + 4 * 2 + 2);
		assert.deepStrictEqual(
			m?.layers.map((l) => l.outputShape),
			[null, null],
		);
		assert.match(
			m?.layers[0].unknown?.reason ?? '',
			/called only in code NormLens cannot tell runs: `\.train\(\)` may have set the module's training mode.*`loader` is not defined/,
		);
	});

	it('data NormLens cannot read stays unknown and says why: a PIL image without ToTensor, an ImageFolder, a custom collate_fn', () => {
		const result = run([
			'neg = datasets.MNIST("data", transform=transforms.Compose([transforms.Resize(-3), transforms.ToTensor()]))',
			'neg_img, _ = neg[0]',
			...probe('p_neg', 'neg_img'),
			'gray = datasets.MNIST("data", transform=transforms.Compose([transforms.Grayscale(2), transforms.ToTensor()]))',
			'gray_img, _ = gray[0]',
			...probe('p_gray', 'gray_img'),
			'plain = datasets.MNIST("data", train=True, download=True)',
			'img, label = plain[0]',
			...probe('p_img', 'img'),
			'folder = datasets.ImageFolder("data/train", transform=transforms.ToTensor())',
			'p_cls = nn.Sequential(nn.Linear(len(folder.classes), 1))',
			'mnist = datasets.MNIST("data", transform=transforms.ToTensor())',
			'from data_tools import my_collate',
			'loader = DataLoader(mnist, batch_size=8, collate_fn=my_collate)',
			'xb, yb = next(iter(loader))',
			...probe('p_xb', 'xb'),
			// TSAI's loaders: the batch size in a dict chosen on CUDA (walnashgit/ERAV2 S7): not 1.
			'args = dict(shuffle=True, batch_size=128) if torch.cuda.is_available() else dict(shuffle=True, batch_size=64)',
			'spread = DataLoader(mnist, **args)',
			'xs, ys = next(iter(spread))',
			'second = xs[1]',
			...probe('p_xs', 'xs'),
		]);
		const reason = (name: string, row = 0) =>
			result.models.find((m) => m.name === name)?.layers[row]?.unknown?.reason ??
			result.models.find((m) => m.name === name)?.unknown?.reason ??
			'';
		assert.strictEqual(probed(result, 'p_img'), null);
		// torchvision refuses a size below 1 and a Grayscale of 2 channels.
		assert.strictEqual(probed(result, 'p_neg'), null);
		assert.strictEqual(probed(result, 'p_gray'), null);
		assert.match(reason('p_img'), /PIL images, not tensors/);
		assert.strictEqual(result.models.find((m) => m.name === 'p_cls')?.totals.total, null);
		assert.match(reason('p_cls'), /ImageFolder/);
		assert.strictEqual(probed(result, 'p_xb'), null);
		assert.match(reason('p_xb'), /collate_fn/);
		assert.strictEqual(probed(result, 'p_xs'), null);
		assert.match(reason('p_xs'), /torch\.cuda\.is_available/);
		assert.deepStrictEqual(
			result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
			[],
		);
	});
});
