import * as assert from 'assert';
import {
	analyzePython,
	declaredInput,
	exampleInputComment,
	parseShapeText,
	suggestExampleInput,
} from '../../../src/core';

/** "Set Example Input…": the shape a user types, the comment written, and the shape offered first. */
describe('example input for PyTorch models the file never calls', () => {
	it('reads a shape as typed, or says what is wrong with it', () => {
		assert.deepStrictEqual(
			['(1, 3, 224, 224)', '[8, 100]', '1, 16', ' ( 4 ,) '].map(parseShapeText),
			[[1, 3, 224, 224], [8, 100], [1, 16], [4]],
		);
		assert.deepStrictEqual(parseShapeText('(1, -3)'), {
			error: '`-3` is not a size: each size is a whole number from 1.',
		});
		assert.deepStrictEqual(parseShapeText('(0, 3)'), {
			error: '`0` is not a size: each size is a whole number from 1.',
		});
		assert.deepStrictEqual(parseShapeText('(1, 3.5)'), {
			error: '`3.5` is not a size: each size is a whole number from 1.',
		});
		assert.deepStrictEqual(parseShapeText('()'), {
			error: 'Give the sizes of the input, batch first: (1, 3, 224, 224).',
		});
		assert.ok('error' in (parseShapeText('(1,1,1,1,1,1,1,1,1)') as object));
	});

	it('the comment it writes is the one the analysis reads', () => {
		assert.deepStrictEqual(
			declaredInput(`x = 1\n${exampleInputComment([2, 3, 32, 32])}\n`),
			[2, 3, 32, 32],
		);
	});

	it("offers a shape from the model's first layer: channels for a convolution, features for a Linear", () => {
		const first = (code: string) =>
			suggestExampleInput(
				analyzePython(`import torch.nn as nn\nnet = nn.Sequential(${code}, nn.ReLU())\n`)
					.models[0],
			);
		assert.deepStrictEqual(first('nn.Conv2d(3, 8, 3)'), [1, 3, 224, 224]);
		assert.deepStrictEqual(first('nn.Conv2d(1, 8, 3)'), [1, 1, 32, 32]);
		assert.deepStrictEqual(first('nn.Linear(20, 4)'), [1, 20]);
		assert.deepStrictEqual(first('nn.LSTM(12, 4, batch_first=True)'), [1, 16, 12]);
		assert.strictEqual(first('nn.Identity()'), undefined);
	});

	it("each model takes the comment above it: a generator's latent input is no discriminator's", () => {
		// PyTorch 1.13: g(zeros(2, 3, 128, 128)) is (2, 3, 64, 64), d(zeros(2, 3, 64, 64)) is
		// (2, 1, 32, 32). NormLens ran both on the file's first comment (d: (2, 1, 64, 64)).
		const code = (gComment: string, dComment: string) => `import torch.nn as nn
class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 3, 3, 2, 1)
    def forward(self, x):
        return self.c(x)

${gComment}
g = G()
${dComment}

d = nn.Sequential(nn.Conv2d(3, 1, 3, 2, 1))
`;
		const shapes = (text: string) =>
			analyzePython(text).models.map((m) => [m.name, m.calls?.[0]?.outputShape ?? null]);
		assert.deepStrictEqual(
			shapes(code('# normlens: input (2, 3, 128, 128)', '# normlens: input (2, 3, 64, 64)')),
			[
				['g', [2, 3, 64, 64]],
				['d', [2, 1, 32, 32]],
			],
		);
		// One comment is the file's example input: every model takes it (d on (2, 3, 128, 128)).
		const one = analyzePython(code('# normlens: input (2, 3, 128, 128)', ''));
		assert.deepStrictEqual(
			one.models.map((m) => [m.name, m.calls?.[0]?.outputShape ?? null]),
			[
				['g', [2, 3, 64, 64]],
				['d', [2, 1, 64, 64]],
			],
		);
		// A comment above no model (the file's top) gives every model without its own comment its input.
		assert.deepStrictEqual(
			shapes(
				`# normlens: input (2, 3, 16, 16)\n${code('', '# normlens: input (2, 3, 64, 64)')}`,
			),
			[
				['g', [2, 3, 8, 8]],
				['d', [2, 1, 32, 32]],
			],
		);
	});

	it('with several comments, each above its own model, a block the file never builds takes none of them (no error PyTorch never raises)', () => {
		// BasicSR's ecbsr_arch.py with two builder lines: ResidualBlockNoBN (64 channels, built with
		// its defaults) ran on ECBSR's (1, 1, 32, 32) and reported a channel mismatch as an error.
		const r = analyzePython(`import torch.nn as nn

class ResidualBlockNoBN(nn.Module):
    def __init__(self, num_feat=64):
        super().__init__()
        self.conv1 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)

    def forward(self, x):
        return x + self.conv1(x)

# normlens: input (1, 1, 32, 32)
a = nn.Sequential(nn.Conv2d(1, 4, 3, 1, 1))
# normlens: input (1, 3, 32, 32)
b = nn.Sequential(nn.Conv2d(3, 4, 3, 1, 1))
`);
		assert.deepStrictEqual(
			r.models
				.map((m) => [m.name, m.totals.total, m.calls?.[0]?.outputShape ?? null])
				.sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
			[
				['a', 40, [1, 4, 32, 32]],
				['b', 112, [1, 4, 32, 32]],
				['ResidualBlockNoBN', 36928, null],
			],
		);
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.severity === 'error'),
			[],
		);
	});
});
