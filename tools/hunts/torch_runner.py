import sys, json, re, runpy, os, traceback
import torch, torch.nn as nn
torch.manual_seed(0)

# [hunt_t4] runner-side stubs (not seen by NormLens): missing optional modules and offline datasets
import importlib.abc, importlib.machinery, types as _types
from unittest import mock as _mock
_STUB = {'matplotlib','gym','tqdm','tensorboardX','torchtext','spacy','scipy','visdom','cv2','imageio','torchnet','sklearn','pandas','wandb','tensorboard','requests','IPython','seaborn','skimage','h5py','yaml','pytorch_lightning','torch.utils.tensorboard','gymnasium','datasets','sacrebleu','evaluate'}
class _F(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in _STUB or name in _STUB:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec):
        m = _mock.MagicMock(); m.__path__ = []; m.__name__ = spec.name; m.__spec__ = spec; return m
    def exec_module(self, m): pass
sys.meta_path.insert(0, _F())
try:
    import torchvision.datasets as _tvd
    def _mk(shape):
        class _One(torch.utils.data.Dataset):
            def __init__(self, *a, **k): self.classes = list(range(10)); self.targets = [0]; self.data = [0]
            def __len__(self): return 1
            def __getitem__(self, i):
                if i >= 1: raise IndexError
                return torch.zeros(*shape), 0
        return _One
    for _n in ('MNIST','FashionMNIST','KMNIST','EMNIST'):
        setattr(_tvd, _n, _mk((1, 28, 28)))
    for _n in ('CIFAR10','CIFAR100','SVHN','STL10'):
        setattr(_tvd, _n, _mk((3, 32, 32)))
    for _n in ('ImageFolder','CelebA','LSUN'):
        setattr(_tvd, _n, _mk((3, 64, 64)))
except Exception:
    pass
path = sys.argv[1]
src = open(path).read().split('\n')
shapes = {}
for i, l in enumerate(src):
    m = re.match(r'\s*#\s*normlens:\s*input\s*(\(.*\))\s*$', l)
    if m and i + 1 < len(src):
        m2 = re.match(r'\s*([A-Za-z_]\w*)\s*=', src[i + 1])
        if m2: shapes[m2.group(1)] = eval(m2.group(1) and m.group(1))
sys.path.insert(0, os.path.dirname(path))
# A real module: `@dataclass` under `from __future__ import annotations` looks its module up (mamba-minimal).
_hm = _types.ModuleType('hunt_mod'); _hm.__file__ = path; sys.modules['hunt_mod'] = _hm
g = _hm.__dict__
exec_error = None
try:
    exec(compile(open(path).read(), path, 'exec'), g)
except Exception as e:
    exec_error = repr(e)[:300]
def first_tensor(o):
    if isinstance(o, torch.Tensor): return o
    if isinstance(o, (list, tuple)):
        for x in o:
            t = first_tensor(x)
            if t is not None: return t
    if isinstance(o, dict):
        for x in o.values():
            t = first_tensor(x)
            if t is not None: return t
    return None
extra = sys.argv[2].split(',') if len(sys.argv) > 2 and sys.argv[2] else []
items = list(g.items())
for name in extra:
    f = g.get(name)
    if callable(f) and not isinstance(f, nn.Module):
        try:
            v = f()
            if isinstance(v, nn.Module): items.append((name, v))
        except Exception as e:
            print('extra fail', name, repr(e)[:200], file=sys.stderr)
res = {}
for name, v in items:
    if name.startswith('__') or not isinstance(v, nn.Module): continue
    # Lazy modules (d2l): counts taken after the forward when parameters are uninitialised
    try:
        r = {'type': type(v).__name__,
             'total': sum(p.numel() for p in v.parameters()),
             'trainable': sum(p.numel() for p in v.parameters() if p.requires_grad),
             'buffers': sum(b.numel() for b in v.buffers())}
        lazy = False
    except Exception:
        if name not in shapes: continue
        r = {'type': type(v).__name__}; lazy = True
    if name in shapes:
        r['input'] = list(shapes[name])
        try:
            nn.Module.train(v, False)
            with torch.no_grad():
                out = v(torch.zeros(*shapes[name]))
            t = first_tensor(out)
            r['outputShape'] = list(t.shape) if t is not None else None
            # recount after forward (lazy modules)
            r['total_after'] = sum(p.numel() for p in v.parameters())
            if lazy:
                r.update(total=r['total_after'], trainable=sum(p.numel() for p in v.parameters() if p.requires_grad), buffers=sum(b.numel() for b in v.buffers()), lazy=True)
        except Exception as e:
            r['forwardError'] = repr(e)[:300]
            if lazy: continue
    res[name] = r
if exec_error: res['__exec_error__'] = exec_error
print('@@JSON@@' + json.dumps(res))
