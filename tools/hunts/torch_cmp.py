#!/usr/bin/env python3
"""Compare NormLens CLI vs real PyTorch 1.13 for every file in $HUNT_DIR/files (default /tmp/hunt_t3)."""
import sys, os, json, subprocess, glob
CLI = os.environ.get('NORMLENS_CLI', '/work/main/bin/normlens.js')
D = os.environ.get('HUNT_DIR', '/tmp/hunt_t3')
files = sorted(glob.glob(D + '/files/*.py')) if len(sys.argv) < 2 else [D + '/files/' + a for a in sys.argv[1:]]
force = os.environ.get('FORCE')
def run_torch(f, extra=()):
    out = D + '/results/' + os.path.basename(f) + '.torch.json'
    if os.path.exists(out) and not force: return json.load(open(out))
    p = subprocess.run(['nice', '-n', '15', '/usr/bin/python3', D + '/torch_runner.py', f, ','.join(extra)], capture_output=True, text=True, timeout=900,
                       env=dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1'))
    if '@@JSON@@' not in p.stdout:
        r = {'__error__': p.stderr[-1500:]}
    else:
        r = json.loads(p.stdout.split('@@JSON@@')[1])
    json.dump(r, open(out, 'w'), indent=1)
    return r
def run_nl(f):
    out = D + '/results/' + os.path.basename(f) + '.nl.json'
    if os.path.exists(out) and not force: return json.load(open(out))
    p = subprocess.run(['nice', '-n', '15', 'node', CLI, 'summary', f, '--json'], capture_output=True, text=True, timeout=600)
    try:
        d = json.loads(p.stdout)
    except Exception:
        d = {'__error__': (p.stdout[-500:] + p.stderr[-1500:])}
    r = {}
    if 'models' in d:
        for m in d['models']:
            calls = m.get('calls') or []
            shape = None
            sreason = None
            if calls and calls[0].get('depth') == 0:
                shape = calls[0].get('outputShape')
                sreason = (calls[0].get('unknown') or {}).get('reason')
            if shape is None and m.get('outputs') and not (os.environ.get('STRICT_SHAPE') and sreason):
                o = m['outputs'][0]
                arr = calls if o.get('kind') == 'call' else (m.get('ops') or [])
                if o.get('index') is not None and o['index'] < len(arr): shape = arr[o['index']].get('outputShape')
            r[m['name']] = {'line': m.get('line'), 'totals': m['totals'], 'outputShape': shape, 'shapeReason': sreason, 'ncalls': len(calls)}
        r['__diagnostics__'] = [dd.get('message') if isinstance(dd, dict) else dd for dd in d.get('diagnostics', [])][:30]
    else:
        r['__error__'] = d.get('__error__')
    json.dump(r, open(out, 'w'), indent=1)
    return r
rows = []
for f in files:
    b = os.path.basename(f)
    n = run_nl(f)
    t = run_torch(f, [k for k in n if not k.startswith('__')])
    if '__error__' in t:
        rows.append((b, '-', 'TORCH-ERROR', t['__error__'][-300:])); continue
    if '__error__' in n:
        rows.append((b, '-', 'NL-ERROR', str(n['__error__'])[-300:]))
    for name, tr in t.items():
        if name.startswith('__'): rows.append((b, '-', 'NOTE', 'torch: file raised ' + tr)); continue
        nm = n.get(name)
        if nm is None:
            rows.append((b, name, 'NOT SHOWN', f"{tr['type']} torch total={tr['total']} buffers={tr['buffers']}")); continue
        T = nm['totals']; issues = []; unk = []
        for k_nl, k_t in (('total', 'total'), ('trainable', 'trainable'), ('buffers', 'buffers')):
            if T.get(k_nl) is None: unk.append(k_nl)
            elif T[k_nl] != tr[k_t]: issues.append(f"{k_nl}: torch {tr[k_t]:,} vs NL {T[k_nl]:,}")
        if T.get('nonTrainable') is not None and T['nonTrainable'] != tr['total'] - tr['trainable']:
            issues.append(f"nonTrainable: torch {tr['total']-tr['trainable']:,} vs NL {T['nonTrainable']:,}")
        shape_note = ''
        if 'input' in tr:
            ts = tr.get('outputShape'); ns = nm.get('outputShape')
            if ts is None: shape_note = f"torch forward failed: {tr.get('forwardError','')[:120]}"
            elif ns is None: shape_note = 'NL shape unknown: ' + str(nm.get('shapeReason')); unk.append('shape')
            elif list(ns) != list(ts): issues.append(f"shape: torch {ts} vs NL {ns}")
            else: shape_note = f'shape {ts} ok'
        reason = (T.get('unknown') or {}).get('reason', '') if T.get('unknown') else ''
        if issues: v = 'WRONG'; detail = '; '.join(issues) + (f' | unknown: {unk} {reason}' if unk else '')
        elif unk: v = 'UNKNOWN'; detail = f"{unk} reason: {reason or nm.get('shapeReason')} (line {(T.get('unknown') or {}).get('line')}) | torch total={tr['total']:,} buf={tr['buffers']:,} {shape_note}"
        else: v = 'AGREE'; detail = f"total={tr['total']:,} trainable={tr['trainable']:,} buf={tr['buffers']:,} {shape_note}"
        rows.append((b, name, v, detail))
    for name in n:
        if not name.startswith('__') and name not in t:
            rows.append((b, name, 'NL-ONLY', json.dumps(n[name]['totals']) + ' shape=' + str(n[name]['outputShape'])))
for r in rows: print(' | '.join(str(x) for x in r))
json.dump(rows, open(D + '/results/rows_%s.json' % ('all' if len(sys.argv) < 2 else 'partial'), 'w'), indent=1)
