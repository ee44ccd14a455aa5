#!/usr/bin/python3
"""The Fashion-MNIST classifier behind epg.metrics.ClassAccuracy: trained once here, read by Java as safetensors.

A small CNN (Conv-BN-ReLU units, BatchNorm eps 0.001 as epg.metrics.BasicConv2d):
  16, 32 | max-pool 2 | 32, 64 | max-pool 2 | 64 | global mean | dropout 0.3 | linear 10
on 32 px images (28 px padded by 2 with background 0, as epg's data), pixels x/127.5 - 1, horizontal flips.

  train OUT.safetensors [--epochs 2] [--threads 1]
      trains on the training split (seed 0, Adam 2e-3, cosine per step, batch 128) and prints the test-split accuracy;
      writes the state dict as float32 safetensors (metadata: the architecture and the test accuracy).
  fixture WEIGHTS.safetensors OUT_DIR [--count 300]
      writes OUT_DIR/class_accuracy.npz: the first COUNT test images (uint8 [N, 32, 32, 1]) with their labels, this
      network's logits (float32 [N, 10]) and argmax predictions; plus a few synthetic float inputs in [-1, 1]
      (noise, [M, 1, 32, 32]) with their logits, for epg's ClassAccuracyTest.

Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist). Needs Debian's python3-torch, python3-numpy.
Commands used for the committed files:
  /usr/bin/python3 scripts/classifier/fmnist_classifier.py train src/main/resources/epg/metrics/fmnist-classifier.safetensors
  /usr/bin/python3 scripts/classifier/fmnist_classifier.py fixture \\
      src/main/resources/epg/metrics/fmnist-classifier.safetensors src/test/resources/fixtures/metrics
"""
import argparse, json, os, struct, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "diagnostics"))
from class_accuracy import split, tensor  # Fashion-MNIST padded to 32 px; uint8 -> [-1, 1]  # noqa: E402

WIDTHS = [16, 32, 32, 64, 64]
POOL_AFTER = {1, 3}  # max-pool 2 after these units


class Unit(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.conv = nn.Conv2d(i, o, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(o, eps=1e-3)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        ins = [1] + WIDTHS[:-1]
        self.units = nn.ModuleList(Unit(i, o) for i, o in zip(ins, WIDTHS))
        self.fc = nn.Linear(WIDTHS[-1], 10)

    def forward(self, x):
        for k, u in enumerate(self.units):
            x = u(x)
            if k in POOL_AFTER:
                x = F.max_pool2d(x, 2)
        x = F.dropout(x.mean((2, 3)), 0.3, self.training)
        return self.fc(x)


def train(epochs):
    torch.manual_seed(0)
    x, y = split(True)
    net, g = Net(), torch.Generator().manual_seed(0)
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    steps, step = epochs * ((len(x) + 127) // 128), 0
    for e in range(epochs):
        start = time.time()
        for b in torch.randperm(len(x), generator=g).split(128):
            for group in opt.param_groups:
                group["lr"] = 2e-3 * 0.5 * (1 + np.cos(np.pi * step / steps))
            xb = tensor(x[b.numpy()])
            xb = torch.where(torch.rand(len(b), 1, 1, 1) < 0.5, xb, xb.flip(3))  # horizontal flips
            loss = F.cross_entropy(net(xb), torch.from_numpy(y[b.numpy()]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step % 100 == 0:
                print(f"step {step}/{steps}: loss {loss.item():.4f}", flush=True)
        print(f"epoch {e + 1}/{epochs}: last loss {loss.item():.4f}, {time.time() - start:.0f} s", flush=True)
    return net.eval()


@torch.no_grad()
def logits(net, x):
    return torch.cat([net(x[i:i + 500]) for i in range(0, len(x), 500)])


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, t in tensors.items():
        b = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    js = json.dumps(header).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + b"".join(blobs))
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header, data = json.loads(f.read(n)), f.read()
    header.pop("__metadata__", None)
    return {k: torch.from_numpy(np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], "<f4").copy()
                                .reshape(v["shape"])) for k, v in header.items()}


def state(net):  # num_batches_tracked is a training counter: left out
    return {k: v for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("out")
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--threads", type=int, default=1)
    f = sub.add_parser("fixture")
    f.add_argument("weights")
    f.add_argument("out_dir")
    f.add_argument("--count", type=int, default=300)
    a = p.parse_args()
    torch.set_num_threads(getattr(a, "threads", 1))
    tx, ty = split(False)
    if a.cmd == "train":
        net = train(a.epochs)
        acc = float((logits(net, tensor(tx)).argmax(1).numpy() == ty).mean())
        print(f"test-split accuracy {acc:.4f} ({len(tx)} images)")
        meta = {"architecture": f"conv3x3-bn-relu {WIDTHS}, max-pool after units {sorted(POOL_AFTER)}, mean, linear 10",
                "input": "[B, 1, 32, 32] in [-1, 1] (x / 127.5 - 1)", "epochs": str(a.epochs),
                "test_accuracy": f"{acc:.4f}", "trained_by": "scripts/classifier/fmnist_classifier.py"}
        write_safetensors(a.out, state(net), meta)
        return
    net = Net()
    r = net.load_state_dict(read_safetensors(a.weights), strict=False)
    assert not r.unexpected_keys and all(k.endswith("num_batches_tracked") for k in r.missing_keys), r
    net.eval()
    images, labels = tx[:a.count], ty[:a.count]
    real = logits(net, tensor(images))
    noise = torch.from_numpy(np.random.default_rng(20261202).uniform(-1, 1, (4, 1, 32, 32)).astype(np.float32))
    os.makedirs(a.out_dir, exist_ok=True)
    np.savez_compressed(os.path.join(a.out_dir, "class_accuracy.npz"), images=images[..., None], labels=labels,
                        logits=real.numpy(), predictions=real.argmax(1).numpy(), noise=noise.numpy(),
                        noise_logits=logits(net, noise).numpy())
    print(f"{a.count} test images: accuracy {float((real.argmax(1).numpy() == labels).mean()):.4f}")


if __name__ == "__main__":
    main()
