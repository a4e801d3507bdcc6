#!/usr/bin/env python3
"""Random Python expressions and the values Python gives them: the interpreter's differential test.

Three families: `cases`, operators (below); `programs`, short hand-written programs of the kind
model code computes sizes with (loops with break / continue / else, comprehensions, dicts with int
keys, closures, `global` / `nonlocal`, classes with `super()`, properties, dataclasses, mutable
defaults, unpacking, string methods), each setting `n`; and `sizes`, the arithmetic layer sizes are computed with
(`int(dim * mlp_ratio)`, `math.ceil(x / 8) * 8`, `max(…)`, `round(…)`, `divmod`, `pow`, `len`,
`sum`, `math.prod`, floats and ints mixed) over a = 2, b = 3, c = 0, x = 2.5, keeping those whose
value is an integral int or float of at most 10**6.

usage: /usr/bin/python3 tools/python_expressions.py [OUT.json]   (stdout when OUT is left out)

Expressions over a = 2, b = 3, c = 0, small ints, a tuple and a one-item list, mixing every binary
operator (arithmetic, shifts, bitwise, comparisons and their chains, `is`, `in`, `and`, `or`), the
unary ones (`-`, `+`, `~`, `not`), conditional expressions and parentheses, up to four levels deep.
Only those Python evaluates to an int or a bool of at most 10**6 in size are kept, with that value
(a bool as 0 / 1). NormLens's parser (Lezer's Python grammar) nests some of these differently from
Python (`not a and b`); the test (test/unit/core/pythonExpressions.test.ts) checks that the
interpreter still computes Python's value, or says it cannot. Deterministic: a fixed seed.
"""
import json
import random
import sys

BINARY = ['+', '-', '*', '//', '%', '**', '&', '|', '^', '<<', '>>', '<', '<=', '==', '!=', '>',
          'and', 'or', 'is', 'is not', 'in', 'not in']
UNARY = ['-', '+', '~', 'not ']
LEAVES = ['a', 'b', 'c', '0', '1', '2', '3', '(a, 2)', '[b]']
ENV = {'a': 2, 'b': 3, 'c': 0}


def expression(rng, depth):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(LEAVES)
    r = rng.random()
    if r < 0.6:
        return f'{expression(rng, depth - 1)} {rng.choice(BINARY)} {expression(rng, depth - 1)}'
    if r < 0.8:
        return f'{rng.choice(UNARY)}{expression(rng, depth - 1)}'
    if r < 0.9:
        return (f'{expression(rng, depth - 1)} if {expression(rng, depth - 1)} '
                f'else {expression(rng, depth - 1)}')
    return f'({expression(rng, depth - 1)})'


SIZE_LEAVES = ['a', 'b', 'c', 'x', '0', '1', '2', '3', '0.5', '1.5', '2.0', '-1', '7']
SIZE_ENV = {'a': 2, 'b': 3, 'c': 0, 'x': 2.5}
SIZE_OPS = ['+', '-', '*', '/', '//', '%', '**', '<', '==', 'and', 'or']


def size_expression(rng, depth):
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(SIZE_LEAVES)
    r = rng.random()
    sub = lambda: size_expression(rng, depth - 1)
    if r < 0.45:
        return f'({sub()} {rng.choice(SIZE_OPS)} {sub()})'
    if r < 0.85:
        return rng.choice([
            lambda: f'int({sub()})', lambda: f'round({sub()})', lambda: f'abs({sub()})',
            lambda: f'float({sub()})', lambda: f'bool({sub()})', lambda: f'math.ceil({sub()})',
            lambda: f'math.floor({sub()})', lambda: f'math.sqrt({sub()})',
            lambda: f'max({sub()}, {sub()})', lambda: f'min({sub()}, {sub()})',
            lambda: f'len([{sub()}, {sub()}] * {rng.choice("123")})',
            lambda: f'sum([{sub()}, {sub()}])', lambda: f'math.prod([{sub()}, {sub()}])',
            lambda: f'pow({sub()}, {rng.choice("023")})',
            lambda: f'divmod({sub()}, {sub()})[{rng.choice("01")}]',
            lambda: f'round({sub()}, {rng.choice("012")})',
        ])()
    return f'({sub()} if {sub()} else {sub()})'


def size_cases(rng):
    import math
    cases, seen = [], set()
    while len(cases) < 300:
        e = size_expression(rng, 4)
        try:
            v = eval(e, {'math': math}, dict(SIZE_ENV))
        except Exception:
            continue
        if isinstance(v, bool):
            v = int(v)
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, int) and abs(v) <= 10**6 and e not in SIZE_LEAVES and e not in seen:
            seen.add(e)
            cases.append([e, v])
    return cases


PROGRAMS = r'''
dims = [64 * 2**i for i in range(4)]
n = sum(dims)
###
cfg = {'a': [1, 2, 3], 'b': 4}
n = cfg['a'][-1] * cfg.get('b', 0) + cfg.get('c', 7)
###
layers = []
for i, (c, s) in enumerate(zip([16, 32], [1, 2])):
    layers.append(c * s + i)
n = sum(layers)
###
def f(x, *args, k=2, **kw):
    return x + len(args) + k + len(kw)
n = f(1, 2, 3, k=5, z=1)
###
n = 0
i = 0
while True:
    i += 1
    if i % 2 == 0:
        continue
    if i > 9:
        break
    n += i
###
n = sum([1, 2, 3, 4, 5][::-2])
###
def outer(a):
    def inner(b):
        return a * b
    return inner
n = outer(3)(4)
###
class C:
    k = 3
    def __init__(self, x):
        self.x = x * C.k
n = C(2).x
###
n = int('12') + int(3.9)
###
n = sorted([3, 1, 2], key=lambda t: -t)[0] + min([5, 2, 8], key=lambda t: abs(t - 6))
###
a, *rest = [1, 2, 3, 4]
n = len(rest) + a
###
d = {k: k * 2 for k in range(4)}
n = sum(v for k, v in d.items() if k != 1)
###
n = [i for i in range(10) if i % 3 == 0][-1]
###
n = max(range(5), key=lambda t: -t)
###
l = [1, 2, 3]
l.insert(0, 9)
l.remove(2)
n = l.pop() + l.index(1) + l.count(9)
###
n = int('conv3x3'[-1]) + 'conv3x3'.count('3')
###
from functools import reduce
n = reduce(lambda a, b: a * b, [1, 2, 3, 4])
###
n = 7
n += 3
n //= 2
n **= 2
###
import math
n = math.gcd(12, 18) + math.floor(math.log2(64))
###
n = round(7 / 2) + round(5 / 2)
###
x = y = 3
n = x + y
###
n = len({1, 2, 2, 3})
###
n = sum(1 for _ in zip(range(3), range(5)))
###
n = [1, 2, 3].index(3) + (2 in [1, 2])
###
n = isinstance(3, int) + isinstance(3.0, int)
###
n = int(True) + True + (not 0)
###
n = list(map(lambda x: x * 2, [1, 2, 3]))[2]
###
n = dict(a=1, b=2)['b'] + len(dict(zip('ab', [1, 2])))
###
n = 27
steps = 0
while n > 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    steps += 1
n = steps
###
def g(x, acc=[]):
    acc.append(x)
    return len(acc)
g(1)
n = g(2)
###
n = (lambda *a: len(a))(1, 2, 3)
###
n = sum(range(1, 10, 3))
###
n = [i for i, _ in enumerate('abc', start=5)][-1]
###
n = abs(-7) % 4 + int(-7 / 2) + (-7 // 2) + 10
###
total = 0
def add(v):
    global total
    total += v
add(3)
add(4)
n = total
###
def counter():
    c = 0
    def inc():
        nonlocal c
        c += 1
        return c
    inc()
    return inc()
n = counter()
###
widths = [32, 64]
widths.extend([128] * 2)
n = widths[-1] // widths[0] + len(widths)
###
n = int(max(8, int(45 + 8 / 2) // 8 * 8))
###
def make_divisible(v, divisor=8, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v
n = make_divisible(37.5) + make_divisible(16 * 0.75)
###
s = 'resnet50'
n = int(s[6:]) + len(s.upper()) + s.find('net')
###
t = (1, (2, 3), [4, 5])
(p, (q, r), [u, v]) = t
n = p + q * r + u * v
###
n = 0
for i in range(3):
    for j in range(3):
        if j == 2:
            break
        n += i * j
else:
    n += 100
###
n = 0
for i in range(3):
    n += i
else:
    n += 100
###
try:
    n = int('x')
except ValueError:
    n = 5
###
n = sum(x * y for x, y in zip([1, 2, 3], [4, 5, 6]))
###
n = [1, 2, 3, 4][1:3][-1] + len([0] * 5)
###
n = len(list(reversed(range(4)))) + list(reversed([1, 2]))[0]
###
n = any([0, 0, 1]) + all([1, 1, 0]) + len(str(12345))
###
class B:
    def __init__(self):
        self.v = 2
    def double(self):
        return self.v * 2
class D(B):
    def __init__(self):
        super().__init__()
        self.v += 1
    def double(self):
        return super().double() + 1
n = D().double()
###
class P:
    @property
    def size(self):
        return 7
    @staticmethod
    def s():
        return 2
    @classmethod
    def c(cls):
        return 3
n = P().size + P.s() + P.c()
###
from dataclasses import dataclass
@dataclass
class Cfg:
    dim: int = 64
    depth: int = 2
    heads: int = 4
n = Cfg(depth=3).dim // Cfg().heads + Cfg(depth=3).depth
###
import itertools
n = len(list(itertools.product([1, 2], repeat=3))) + len(list(itertools.combinations(range(4), 2)))
###
n = '{}x{}'.format(3, 4).count('x') + len(f'{3:03d}')
###
n = int(2 ** 0.5 * 10) + int(1e2)
###
words = ['bb', 'a', 'ccc', 'dd']
n = len(sorted(words, key=len)[0]) * 10 + len(sorted(words, key=len, reverse=True)[-1])
###
pairs = [(2, 'x'), (1, 'y'), (2, 'z'), (1, 'w')]
s = sorted(pairs, key=lambda p: p[0], reverse=True)
code = {'x': 1, 'y': 2, 'z': 3, 'w': 4}
n = code[s[0][1]] * 1000 + code[s[1][1]] * 100 + code[s[2][1]] * 10 + code[s[3][1]]
###
sizes = {'b': 3, 'a': 1, 'c': 2}
n = sorted(sizes, key=sizes.get)[-1] == 'b' and sorted(sizes.items(), key=lambda kv: -kv[1])[0][1] * 7
'''


def programs():
    out = []
    for chunk in PROGRAMS.split('###'):
        code = chunk.strip('\n')
        g = {}
        exec(code, g)
        out.append([code, int(g['n'])])
    return out


def builtin_cases(rng):
    """Builtins whose exact value JavaScript's arithmetic does not give: round(x, n) of decimal
    floats (x's exact binary value decides: round(7.45, 1) is 7.5), round(int, -k), pow(x, y, m),
    int(text, base), and the lengths of repr / str / ascii texts."""
    cases = []
    for _ in range(120):
        places = rng.randint(1, 4)
        v = round(rng.uniform(-100, 100), places)
        n = rng.randint(0, places)
        cases.append(f'int(round({v!r}, {n}) * {10 ** n})')
    for _ in range(20):
        cases.append(f'round({rng.randint(-10**5, 10**5)}, {rng.randint(-4, -1)})')
    for _ in range(30):
        m = rng.choice([1, -1]) * rng.randint(1, 1000)
        cases.append(f'pow({rng.randint(-50, 50)}, {rng.randint(0, 40)}, {m})')
    for _ in range(40):
        base = rng.choice([0, 2, 8, 10, 16, 36, 7])
        v = rng.randint(-10**5, 10**5)
        digits, x = '', abs(v)
        while True:
            digits = '0123456789abcdefghijklmnopqrstuvwxyz'[x % (base or 10)] + digits
            x //= base or 10
            if x == 0:
                break
        prefix = {2: '0b', 8: '0o', 16: '0x'}.get(base, '') if rng.random() < 0.5 else ''
        if base == 0:
            prefix = rng.choice(['0b', '0o', '0x', ''])
            b = {'0b': 2, '0o': 8, '0x': 16, '': 10}[prefix]
            digits, x = '', abs(v)
            while True:
                digits = '0123456789abcdef'[x % b] + digits
                x //= b
                if x == 0:
                    break
        if len(digits) > 3 and rng.random() < 0.3:
            digits = digits[:2] + '_' + digits[2:]
        text = ('-' if v < 0 else '') + (prefix.upper() if rng.random() < 0.2 else prefix) + digits
        cases.append(f'int({text!r}, {base})')
    for _ in range(40):
        a, b = rng.randint(-999, 999), rng.randint(1, 999)
        f = rng.choice(['repr', 'str'])
        cases.append(f'len({f}({a} / {b}))')
    for t in ['a', "it's", 'say "hi"', "both ' and \"", 'tab\there', 'caf\u00e9', 'nb\u00a0sp', 'x\\y']:
        cases.append(f'len(repr({t!r})) * 10 + len(ascii({t!r}))')
    out = []
    for e in cases:
        try:
            v = eval(e)
        except Exception:
            continue
        out.append([e, int(v)])
    return out


def main():
    import warnings
    warnings.simplefilter('ignore')  # `is` with a literal: a SyntaxWarning, the value is still Python's
    rng = random.Random(20261206)
    cases = []
    seen = set()
    while len(cases) < 300:
        e = expression(rng, 4)
        try:
            v = eval(e, {}, dict(ENV))
        except Exception:
            continue
        if isinstance(v, bool):
            v = int(v)
        if isinstance(v, int) and abs(v) <= 10**6 and e not in LEAVES and e not in seen:
            seen.add(e)
            cases.append([e, v])
    sizes = size_cases(rng)
    builtins = builtin_cases(random.Random(20261207))
    # One case per line: a diff of a regenerated file reads case by case.
    text = ('{"python": %s, "env": %s, "cases": [\n%s\n],\n"sizeEnv": %s, "sizes": [\n%s\n],\n'
            '"programs": [\n%s\n],\n"builtins": [\n%s\n]}' % (
                json.dumps(sys.version.split()[0]), json.dumps(ENV),
                ',\n'.join(json.dumps(c) for c in cases), json.dumps(SIZE_ENV),
                ',\n'.join(json.dumps(c) for c in sizes),
                ',\n'.join(json.dumps(c) for c in programs()),
                ',\n'.join(json.dumps(c) for c in builtins)))
    if len(sys.argv) > 1:
        with open(sys.argv[1], 'w') as f:
            f.write(text + '\n')
    else:
        print(text)


main()
