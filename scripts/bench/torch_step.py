#!/usr/bin/python3
"""PyTorch side of `epg bench model`: time forward + backward + AdamW of the same network and batch as the Java side.

Usage: torch_step.py CONFIG_JSON BATCH STEPS WARMUP THREADS DTYPE   (DTYPE fp32 or bf16). Prints one JSON line.
The network is scripts/reference/epg_torch.py (written from the spec, independently of the Java code).
"""
import json, os, sys, time
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from epg_torch import Epg, Rcm  # noqa: E402


def main():
    cfg, batch, steps, warmup, threads, dtype = json.loads(sys.argv[1]), *map(int, sys.argv[2:6]), sys.argv[6]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    m = Epg(cfg) if cfg["kind"] == "EPG" else Rcm(cfg)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, betas=(0.9, 0.999), weight_decay=0.01)
    x = torch.randn(batch, cfg["channels"], cfg["size"], cfg["size"])
    c = torch.randn(batch) * 100
    y = torch.randint(0, cfg["classes"] + 1, (batch,))
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == "bf16"):
            if cfg["kind"] == "EPG":
                loss = (m(x, c, y).float() - x).square().mean()
            else:
                p, h = m(x, c)
                loss = p.float().square().mean() + h.float().square().mean()
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    times.sort()
    print(json.dumps({"median_ms": 1000 * times[len(times) // 2], "min_ms": 1000 * times[0], "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
