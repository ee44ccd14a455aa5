#!/usr/bin/python3
"""Per-noise-level quality of a trained diffusion model: MSE of D(x + σε) against x on Fashion-MNIST test images,
beside the MSE of the noisy input itself and of the best constant (the mean image). Calls `epg denoise` once per σ (MSE input = σ²).

usage: denoise_mse.py MODEL [--epg ./epg] [--n 64] [--sigmas 0.01,0.05,...] (σ shifted, as the network sees them)
"""
import argparse, gzip, os, subprocess, tempfile
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("model"); p.add_argument("--epg", default="./epg"); p.add_argument("--n", type=int, default=64)
p.add_argument("--sigmas", default="0.01,0.05,0.1,0.25,0.5,1,2,5,20")
a = p.parse_args()
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    imgs = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[: a.n]
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz") as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)[: a.n]
x = np.pad(imgs.astype(np.float32) / 255 * 2 - 1, ((0, 0), (2, 2), (2, 2)), constant_values=-1)[:, None]  # [N, 1, 32, 32]
rng = np.random.default_rng(0)
eps = rng.standard_normal(x.shape).astype(np.float32)
mean_mse = float(((x - x.mean(0, keepdims=True)) ** 2).mean())
print(f"{'sigma':>7} {'MSE D':>9} {'MSE input':>10} {'MSE mean':>9}")
with tempfile.TemporaryDirectory() as d:
    for s in [float(v) for v in a.sigmas.split(",")]:
        xin, lab, out = os.path.join(d, "x.npy"), os.path.join(d, "y.npy"), os.path.join(d, "d.npy")
        np.save(xin, x + s * eps)
        np.save(lab, labels.astype(np.int64))
        subprocess.run([a.epg, "denoise", a.model, xin, "--labels", lab, "--sigma", str(s), "--out", out],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"{s:7.3f} {float(((np.load(out) - x) ** 2).mean()):9.4f} {s * s:10.4f} {mean_mse:9.4f}")
