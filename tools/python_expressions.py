#!/usr/bin/env python3
"""Random Python expressions and the values Python gives them: the interpreter's differential test.

Two families: `cases`, operators (below), and `sizes`, the arithmetic layer sizes are computed with
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
    # One case per line: a diff of a regenerated file reads case by case.
    text = ('{"python": %s, "env": %s, "cases": [\n%s\n],\n"sizeEnv": %s, "sizes": [\n%s\n]}' % (
        json.dumps(sys.version.split()[0]), json.dumps(ENV),
        ',\n'.join(json.dumps(c) for c in cases), json.dumps(SIZE_ENV),
        ',\n'.join(json.dumps(c) for c in sizes)))
    if len(sys.argv) > 1:
        with open(sys.argv[1], 'w') as f:
            f.write(text + '\n')
    else:
        print(text)


main()
