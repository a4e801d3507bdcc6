#!/usr/bin/env python3
"""What torchvision's transforms and PyTorch's DataLoader give, answered by torchvision and PyTorch.

usage: /usr/bin/python3 tools/torch_data_shapes.py [OUT.json]   (stdout when OUT is left out)

NormLens follows the data a PyTorch notebook feeds its model (src/core/frameworks/torch/datasets.ts):
a torchvision dataset's image through its transform, and the batches of a DataLoader. The datasets
themselves are not downloadable here, so images of their sizes stand in for them (MNIST's 28×28
grayscale, CIFAR's 32×32 RGB): per case the JSON records the image, the transform as Python source,
and the tensor shape it gives (or that it gives no tensor). Per DataLoader case: the tensors of a
TensorDataset, batch_size and drop_last, `len(loader)`, and the shapes of its first and last batch.
The classes torchvision declares on the dataset classes are recorded too. Needs Debian's
python3-torch and python3-torchvision (1.13 / 0.14 here). Deterministic.
test/unit/core/torchData.test.ts reads the file.
"""
import json
import sys

import torch
import torchvision
from PIL import Image
from torch.utils.data import DataLoader, TensorDataset
from torchvision import transforms

IMAGES = {"mnist": ("L", 28, 28), "cifar": ("RGB", 32, 32)}

TRANSFORMS = [
    "transforms.ToTensor()",
    "None",
    "transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])",
    "transforms.Compose([transforms.Resize((64, 64)), transforms.ToTensor()])",
    "transforms.Compose([transforms.Resize(40), transforms.CenterCrop(36), transforms.ToTensor()])",
    "transforms.Compose([transforms.RandomCrop(24), transforms.RandomHorizontalFlip(), transforms.ToTensor()])",
    "transforms.Compose([transforms.RandomResizedCrop(size=(20, 16)), transforms.ToTensor()])",
    "transforms.Compose([transforms.Grayscale(num_output_channels=3), transforms.ToTensor()])",
    "transforms.Compose([transforms.Grayscale(), transforms.ToTensor()])",
    "transforms.Compose([transforms.TrivialAugmentWide(num_magnitude_bins=31), transforms.ToTensor()])",
    "transforms.Compose([transforms.ToTensor(), transforms.RandomErasing()])",
    "transforms.Compose([transforms.Resize(64)])",
]

LOADERS = [
    # (tensor shapes, batch_size, drop_last)
    ([(100, 3), (100,)], 32, False),
    ([(100, 3), (100,)], 32, True),
    ([(96, 1, 8, 8), (96,)], 32, False),
    ([(10, 4)], None, False),
    ([(7, 2, 5), (7, 1)], 10, False),
    ([(7, 2, 5), (7, 1)], 10, True),
]


def main():
    transform_cases = []
    for image_name, (mode, h, w) in IMAGES.items():
        image = Image.new(mode, (w, h))
        for source in TRANSFORMS:
            t = eval(source, {"transforms": transforms})  # noqa: S307 - our own fixed expressions
            out = image if t is None else t(image)
            transform_cases.append(
                {
                    "image": image_name,
                    "transform": source,
                    "shape": list(out.shape) if isinstance(out, torch.Tensor) else None,
                }
            )
    loader_cases = []
    for shapes, batch_size, drop_last in LOADERS:
        ds = TensorDataset(*[torch.zeros(s) for s in shapes])
        kwargs = {"drop_last": drop_last}
        if batch_size is not None:
            kwargs["batch_size"] = batch_size
        loader = DataLoader(ds, **kwargs)
        batches = list(loader)
        loader_cases.append(
            {
                "tensors": [list(s) for s in shapes],
                "batch_size": batch_size,
                "drop_last": drop_last,
                "length": len(loader),
                "first": [list(t.shape) for t in batches[0]] if batches else None,
                "last": [list(t.shape) for t in batches[-1]] if batches else None,
            }
        )
    classes = {
        name: getattr(torchvision.datasets, name).classes for name in ["MNIST", "FashionMNIST", "KMNIST"]
    }
    out = json.dumps(
        {
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
            "classes": classes,
            "transforms": transform_cases,
            "loaders": loader_cases,
        },
        indent=1,
    )
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8") as f:
            f.write(out + "\n")
    else:
        print(out)


if __name__ == "__main__":
    main()
