import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

/**
 * Session 25 (2026-12-08): what ends up trainable, from a helper's probes of freezing code.
 * Expected: Debian's PyTorch 1.13 on the same code.
 */
describe('session 25: trainable parameters as PyTorch leaves them', () => {
	const totals = (code: string) =>
		Object.fromEntries(
			analyzePython(code).models.map((m) => [m.name, [m.totals.total, m.totals.trainable]]),
		);

	it('a loop over net.modules() at module level does not rename net (PyTorch: m ends as the last BatchNorm)', () => {
		const code = `import torch.nn as nn
def make():
    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 8, 3, bias=False), nn.BatchNorm2d(8))
net = make()
for m in net.modules():
    if isinstance(m, nn.BatchNorm2d):
        m.weight.requires_grad = False
`;
		assert.deepStrictEqual(totals(code), { net: [832, 816] });
	});

	it('parameters(recurse=False) and named_parameters(prefix=…, recurse=False) list what PyTorch lists', () => {
		const code = `import torch, torch.nn as nn
m = nn.Sequential(nn.Linear(8, 16), nn.Linear(16, 12))
for p in m.parameters(recurse=False):
    p.requires_grad = False
class P(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(3))
        self.sub = nn.Linear(3, 3)
m2 = P()
for n, p in m2.named_parameters(recurse=False):
    p.requires_grad = False
m3 = nn.Sequential(nn.Linear(5, 5), nn.Linear(1, 3))
for n, p in m3.named_parameters(prefix='model'):
    if n.startswith('model.0'):
        p.requires_grad = False
`;
		assert.deepStrictEqual(totals(code), { m: [348, 348], m2: [15, 12], m3: [36, 6] });
	});

	it("eval() runs a class's own train(False) (one that freezes its BatchNorm), and super().train(mode) sets the modes", () => {
		const code = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 2)
    def train(self, mode=True):
        super().train(mode)
        self.bn.weight.requires_grad = False
        self.bn.bias.requires_grad = False
        return self
m = Net()
m.eval()
`;
		assert.deepStrictEqual(totals(code), { m: [258, 242] });
	});

	it('p.detach_() stops a parameter requiring grad; a requires_grad flag NormLens cannot read leaves the split unknown, not the total', () => {
		const code = `import sys
import torch.nn as nn
k = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
k[0].weight.detach_()
flag = len(sys.argv) > 3
m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
m[0].weight.requires_grad = flag
n = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
n.requires_grad_(flag)
`;
		assert.deepStrictEqual(totals(code), { k: [12, 8], m: [12, null], n: [12, null] });
	});

	it("get_parameter() gives the parameter itself; weight_norm's new weight_g / weight_v are trainable whatever the weight was; a write through a path NormLens cannot follow (`_parameters`) leaves the counts unknown", () => {
		const code = `import torch.nn as nn
from torch.nn.utils import weight_norm
g = nn.Sequential(nn.Linear(4, 6), nn.Linear(6, 8))
g.get_parameter('1.bias').requires_grad = False
w = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))
w.requires_grad_(False)
w[0] = weight_norm(w[0])
p = nn.Sequential(nn.Linear(10, 20), nn.Linear(20, 4))
p[1]._parameters['weight'].requires_grad = False
`;
		assert.deepStrictEqual(totals(code), { g: [86, 78], w: [345, 220], p: [null, null] });
	});

	it('an nn.Parameter of an integer tensor cannot require gradients (PyTorch raises), unless requires_grad=False; an unreadable flag leaves only the split unknown', () => {
		const code = `import sys
import torch
import torch.nn as nn
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.arange(5))
class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.arange(5), requires_grad=False)
class C(nn.Module):
    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.zeros(5), requires_grad=len(sys.argv) > 2)
a = A()
b = B()
c = C()
`;
		assert.deepStrictEqual(totals(code), { a: [null, null], b: [5, 0], c: [5, null] });
	});
});
