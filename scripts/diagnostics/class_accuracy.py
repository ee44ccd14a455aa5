#!/usr/bin/python3
"""Is each class recognisable? A judge independent of EPG: a small CNN trained here on the Fashion-MNIST training split
(padded to 32 px, as epg's data) classifies class-balanced samples (epg sample's default labels: equal consecutive
blocks, class c = rows [c·N/10, (c+1)·N/10)), and the script prints, per class, the share classified as the class they
were drawn for, beside the CNN's own accuracy on the test split. The classifier is cached in --cache.

usage: class_accuracy.py SAMPLES.npz [SAMPLES2.npz ...] [--cache /tmp/fmnist_cnn4.pt] [--epochs 4] [--threads 2]
"""
import argparse, gzip, os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
ROOT = "/usr/share/datasets/fashion-mnist"


def idx(name, offset, shape):
    with gzip.open(os.path.join(ROOT, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset).reshape(shape)


def split(train):
    p = "train" if train else "t10k"
    x = idx(f"{p}-images-idx3-ubyte.gz", 16, (-1, 28, 28))
    y = idx(f"{p}-labels-idx1-ubyte.gz", 8, (-1,))
    return np.pad(x, ((0, 0), (2, 2), (2, 2))), y.astype(np.int64)  # [N, 32, 32] uint8 (background 0)


def tensor(u8):  # uint8 [N, 32, 32] → float [N, 1, 32, 32] in [−1, 1]
    return torch.from_numpy(u8.astype(np.float32) / 127.5 - 1).unsqueeze(1)


def cnn():
    def block(i, o):
        return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
    return nn.Sequential(*block(1, 32), *block(32, 32), nn.MaxPool2d(2), *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
                         *block(64, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(128, 10))


def train(epochs):
    torch.manual_seed(0)
    x, y = split(True)
    net, g = cnn(), torch.Generator().manual_seed(0)
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    for e in range(epochs):
        for group in opt.param_groups: group["lr"] = 2e-3 * 0.5 * (1 + np.cos(np.pi * e / epochs))  # cosine per epoch
        for b in torch.randperm(len(x), generator=g).split(128):
            xb = tensor(x[b.numpy()])
            xb = torch.where(torch.rand(len(b), 1, 1, 1) < 0.5, xb, xb.flip(3))  # horizontal flips, as training does
            loss = F.cross_entropy(net(xb), torch.from_numpy(y[b.numpy()]))
            opt.zero_grad(); loss.backward(); opt.step()
    return net.eval()


@torch.no_grad()
def predict(net, u8):
    return torch.cat([net(tensor(u8[i:i + 500])).argmax(1) for i in range(0, len(u8), 500)]).numpy()


def per_class(pred, labels):
    return [float((pred[labels == c] == c).mean()) for c in range(10)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("samples", nargs="+"); p.add_argument("--cache", default="/tmp/fmnist_cnn4.pt")
    p.add_argument("--epochs", type=int, default=4); p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if os.path.exists(a.cache):
        net = cnn(); net.load_state_dict(torch.load(a.cache)); net.eval()
    else:
        net = train(a.epochs); torch.save(net.state_dict(), a.cache)
    tx, ty = split(False)
    rows = [("test images", per_class(predict(net, tx), ty))]
    for f in a.samples:
        s = np.load(f)["arr_0"]
        s = s[..., 0] if s.ndim == 4 else s  # grey PNG data is stored as 3 equal channels
        labels = np.repeat(np.arange(10), len(s) // 10)
        rows.append((f, per_class(predict(net, s[: len(labels)]), labels)))
    print(f"{'':>12} " + " ".join(f"{c[:7]:>7}" for c in CLASSES) + "    mean")
    for name, acc in rows:
        print(f"{os.path.basename(os.path.dirname(name)) or name:>12.12} " + " ".join(f"{v:7.2f}" for v in acc) + f" {np.mean(acc):7.3f}")


if __name__ == "__main__":
    main()
