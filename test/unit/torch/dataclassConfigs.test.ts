import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Model configurations written as dataclasses, as Python generates them: `__post_init__`,
 * `field(…)`, `InitVar`, `KW_ONLY`, `ClassVar`, frozen classes, `replace` and `asdict`. Expected
 * values: Debian's PyTorch 1.13 (Python 3.11) running the same code.
 */

function model(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `${name} among ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

const NET = `
class Net(nn.Module):
    def __init__(self, dim, hidden, depth=1):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(dim, hidden) for _ in range(depth)])
`;

describe('dataclass configurations: the values Python gives their fields', () => {
	it('__post_init__ runs after the generated __init__: a field it changes is read changed, never its default', () => {
		// Before, __post_init__ never ran: n_layers stayed 2 (30 parameters where PyTorch counts 60),
		// and hidden stayed None (unknown).
		const r = analyzePython(`from dataclasses import dataclass
from typing import Optional
import torch.nn as nn
${NET}
@dataclass
class Cfg:
    dim: int = 8
    n_layers: int = 2
    hidden: Optional[int] = None

    def __post_init__(self):
        if self.hidden is None:
            self.hidden = 4 * self.dim
        self.n_layers = self.n_layers * 2

c = Cfg()
m_default = Net(c.dim, c.hidden, c.n_layers)
d = Cfg(dim=4, hidden=3)
m_given = Net(d.dim, d.hidden, d.n_layers)
`);
		assert.strictEqual(model(r, 'm_default').totals.total, 1152);
		assert.strictEqual(model(r, 'm_given').totals.total, 60);
	});

	it('field(default=…), field(default_factory=…) (a fresh value per instance), field(init=False) and ClassVar', () => {
		const r = analyzePython(`from dataclasses import dataclass, field
from typing import ClassVar, List
import torch.nn as nn

@dataclass
class Cfg:
    dims: List[int] = field(default_factory=lambda: [4, 8])
    scale: ClassVar[int] = 3
    depth: int = field(default=3)
    extra: int = field(init=False, default=5)

class Net(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.a = nn.Linear(cfg.dims[0], cfg.dims[1])
        self.b = nn.Linear(cfg.depth, cfg.extra)
        self.c = nn.Linear(1, Cfg.scale)

first = Cfg()
first.dims.append(99)
m_default = Net(Cfg())
m_given = Net(Cfg([2, 6], 7))
`);
		assert.strictEqual(model(r, 'm_default').totals.total, 66);
		assert.strictEqual(model(r, 'm_given').totals.total, 64);
	});

	it('InitVar goes to __post_init__ only; a subclass redefines a field in its place; KW_ONLY; a frozen class sets through object.__setattr__', () => {
		const r = analyzePython(`import dataclasses
from dataclasses import dataclass, field, InitVar, KW_ONLY
import torch.nn as nn
${NET}
@dataclass
class Base:
    dim: int = 4
    depth: int = 1

@dataclass
class Child(Base):
    dim: int = 6
    mult: InitVar[int] = 2
    hidden: int = field(init=False)

    def __post_init__(self, mult):
        self.hidden = self.dim * mult

@dataclass(frozen=True)
class Frozen:
    dim: int = 3
    hidden: int = 0

    def __post_init__(self):
        object.__setattr__(self, 'hidden', self.dim * 5)

@dataclass
class KW:
    a: int
    _: KW_ONLY
    b: int = 2
    c: int = dataclasses.field(default=3)

c = Child(8, 3, mult=4)
m_child = Net(c.dim, c.hidden, c.depth)
f = Frozen(dim=7)
m_frozen = Net(f.dim, f.hidden)
k = KW(5, c=9)
m_kw = Net(k.a, k.b, k.c)
`);
		assert.strictEqual(model(r, 'm_child').totals.total, 864);
		assert.strictEqual(model(r, 'm_frozen').totals.total, 280);
		assert.strictEqual(model(r, 'm_kw').totals.total, 108);
	});

	it('dataclasses.replace builds through __init__ again; asdict gives the fields as a dict', () => {
		const r = analyzePython(`from dataclasses import dataclass, replace, asdict
import torch.nn as nn
${NET}
@dataclass
class Cfg:
    a: int
    b: int = 2
    c: int = 3

    def __post_init__(self):
        self.c = self.c + 1

k = Cfg(5, c=8)
r = replace(k, b=11)
m_replace = Net(r.a, r.b, r.c)
d = asdict(Cfg(2, 3))
m_asdict = Net(d['a'], d['b'], d['c'])
`);
		// PyTorch: replace → Cfg(a=5, b=11, c=10): 10 Linear(5, 11); asdict → {a: 2, b: 3, c: 4}.
		assert.strictEqual(model(r, 'm_replace').totals.total, 660);
		assert.strictEqual(model(r, 'm_asdict').totals.total, 36);
	});

	it('arguments Python refuses (too many, an unknown name, a field left out) are unknown, saying so', () => {
		const r = analyzePython(`from dataclasses import dataclass
import torch.nn as nn
${NET}
@dataclass
class Cfg:
    dim: int
    hidden: int = 4

a = Cfg(2, 3, 4)
m_many = Net(a.dim, a.hidden)
b = Cfg(2, width=3)
m_name = Net(b.dim, b.hidden)
c = Cfg(hidden=3)
m_missing = Net(c.dim, c.hidden)
`);
		const reason = (name: string) => model(r, name).unknown?.reason ?? '';
		assert.strictEqual(model(r, 'm_many').totals.total, null);
		assert.match(reason('m_many'), /takes 2 positional arguments but 3 were given.*TypeError/);
		assert.match(reason('m_name'), /has no field `width`/);
		assert.match(reason('m_missing'), /missing the field `dim`/);
	});
});
