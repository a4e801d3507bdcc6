import json, re, os, subprocess, sys, collections
import sys as _s; NB = _s.argv.pop(1) if len(_s.argv)>1 and _s.argv[1].startswith("/") else "/tmp/hunt_k4/nb"
CLI = ['node', os.environ.get('NORMLENS_CLI', '/work/main/bin/normlens.js'), 'summary']
num = lambda s: int(s.replace(',', ''))
def cell_text(c):
    parts = []
    for o in c.get('outputs', []) or []:
        if 'text' in o:
            t = o['text']; parts.append(''.join(t) if isinstance(t, list) else t)
        d = o.get('data', {})
        for k in ('text/plain',):
            if k in d:
                t = d[k]; parts.append(''.join(t) if isinstance(t, list) else t)
        if 'text/plain' not in d and 'text/html' in d:
            t = d['text/html']; t = ''.join(t) if isinstance(t, list) else t
            parts.append(re.sub(r'<[^>]+>', ' ', t))
    return re.sub(r'\x1b\[[0-9;]*m', '', '\n'.join(parts))
def printed_tables(nb):
    res = []
    for i, c in enumerate(nb.get('cells', [])):
        if c.get('cell_type') != 'code': continue
        t = cell_text(c)
        for m in re.finditer(r'Total params:\s*([\d,]+)', t):
            rest = t[m.end(): m.end() + 400]
            tr = re.search(r'Trainable params:\s*([\d,]+)', rest)
            nt = re.search(r'Non-trainable params:\s*([\d,]+)', rest)
            # Keras 3 after fit(): the total includes the optimizer's variables, listed below it.
            op = re.search(r'Optimizer params:\s*([\d,]+)', rest)
            # model name: last 'Model: "x"' before
            pre = t[:m.start()]
            mn = re.findall(r'Model: ["\']?([^"\'\n]+)', pre)
            res.append({'cell': i, 'exec': c.get('execution_count'), 'total': num(m.group(1)) - (num(op.group(1)) if op else 0),
                        'trainable': num(tr.group(1)) if tr else None,
                        'nonTrainable': num(nt.group(1)) if nt else None,
                        'kname': mn[-1].strip() if mn else None,
                        'src': ''.join(c['source']) if isinstance(c['source'], list) else c['source']})
    return res
def main():
    files = sorted(f for f in os.listdir(NB) if f.endswith('.ipynb'))
    if len(sys.argv) > 1: files = [f for f in files if any(a in f for a in sys.argv[1:])]
    rows, fails = [], []
    for f in files:
        p = os.path.join(NB, f)
        nb = json.load(open(p))
        pt = printed_tables(nb)
        try:
            r = subprocess.run(['nice', '-n', '15', 'timeout', '60'] + CLI + [p, '--json'], capture_output=True, text=True)
            if r.returncode != 0:
                fails.append({'file': f, 'rc': r.returncode, 'err': (r.stderr or r.stdout)[-400:]}); d = None
            else: d = json.loads(r.stdout)
        except Exception as e:
            fails.append({'file': f, 'rc': 'exc', 'err': str(e)[:300]}); d = None
        ps = (d.get('printedSummaries') or []) if d else []
        bycell = collections.defaultdict(list)
        for s in ps: bycell[s['cell']].append(s)
        used = collections.Counter()
        for t in pt:
            lst = bycell.get(t['cell'], [])
            k = used[t['cell']]; used[t['cell']] += 1
            row = dict(file=f, cell=t['cell'], exec=t['exec'], kname=t['kname'], printed=[t['total'], t['trainable'], t['nonTrainable']], src=t['src'][:120])
            if d is None:
                row.update(verdict='CLI FAIL'); rows.append(row); continue
            if k >= len(lst):
                row.update(verdict='NO VERDICT'); rows.append(row); continue
            s = lst[k]; o = s.get('ours') or {}
            row.update(model=s.get('model'), nl_verdict=s.get('verdict'), nl_printed=s.get('printed'), ours=[o.get('total'), o.get('trainable'), o.get('nonTrainable')], message=s.get('message'))
            if s.get('printed') and s['printed'].get('total') != t['total']:
                row['parse_mismatch'] = True
            vals = row['ours']
            if all(v is None for v in vals):
                row.update(verdict='UNKNOWN')
            else:
                wrong = any(v is not None and pv is not None and v != pv for v, pv in zip(vals, row['printed']))
                partial = any(v is None for v in vals)
                row.update(verdict='WRONG' if wrong else ('EXACT' if not partial else 'EXACT-PARTIAL'))
            rows.append(row)
        # NormLens-reported printed summaries we did not parse
        for c, lst in bycell.items():
            extra = len(lst) - used.get(c, 0)
            for s in lst[used.get(c, 0):]:
                rows.append(dict(file=f, cell=c, verdict='NL-EXTRA', model=s.get('model'), nl_printed=s.get('printed'), message=s.get('message')))
    # a cell that both prints a torch-summary table and shows the returned object repeats the same table: keep one
    seen = {}
    out = []
    for r in rows:
        k = (r['file'], r['cell'], tuple(r.get('printed') or ()))
        if r['verdict'] == 'NO VERDICT' and k in seen: continue
        seen.setdefault(k, r); out.append(r)
    rows = out
    json.dump({'rows': rows, 'fails': fails}, open(os.path.dirname(NB) + '/results_' + os.path.basename(NB) + '.json', 'w'), indent=1)
    cnt = collections.Counter(r['verdict'] for r in rows)
    print('notebooks', len(files), 'tables', len(rows), dict(cnt), 'fails', len(fails))
main()
