#!/usr/bin/python3
"""PyTorch side of `epg bench suite`: the same steps as the Java cases, written with plain PyTorch.

Usage: torch_suite.py CASE ARGS_JSON, CASE one of pretrain, diffusion, consistency, sample, sample-onestep,
sample-twostep, sample-calls, loader.
ARGS_JSON holds model (the network description of scripts/reference/epg_torch.py), batch, steps, warmup, threads,
dtype (fp32|bf16); consistency also rcm (the frozen encoder's description).
Prints one JSON line: median_ms, min_ms (per step, per full sampling, or per network call), peak_rss_mib, torch.

pretrain   spec §3: online + momentum RCM encoders, consistency NT-Xent at (sigma_i, sigma_i+1) of the 20-point grid,
           symmetric contrastive NT-Xent (tau 0.2), backward, grad norm, AdamW (0.9, 0.95, wd 0.03), EMA 0.99.
diffusion  spec §4: x-prediction loss on the 1280-point grid, labels dropped with p 0.1, backward, clip 0.5,
           AdamW (0.9, 0.999, wd 0.01), EMA 0.9999.
consistency  spec §5: ECT pair (t, r) at stage 1, one eps for both points, decoder dropout 0.5 (after the decoder
           attention's proj) with the online pass's mask replayed for the no-grad target (global generator state
           restored), pseudo-Huber c 0.06 weighted 1/(t - r), NT-Xent tau 0.1 through a frozen randomly initialised
           Rcm (eval, no weight grads) of proj(c_in(t0) D(x_t)) against no-grad proj(c_in(t0) x), backward, grad norm,
           AdamW (0.9, 0.99, wd 0.03), EMA 0.9999.
sample     spec §6: Heun, 32 points, CFG 2.5 on (0.19 s, 1.61 s], denoiser clamped to [-1, 1]; ms per full sampling.
sample-onestep, sample-twostep  spec §6 (consistency models): 1 or 2 denoiser calls per image (ECT's middle sigma
           0.821 s), consistency preconditioning, clamped, no guidance; ms per sampling of the batch.
sample-calls  ms of one unguided denoiser call at batch B (median_ms) and one network call at 2B (double_ms).
loader     spec §3.1: Fashion-MNIST (IDX at "data", padded 28 -> 32 px) through torchvision's MoCo v3 pair (crop,
           jitter p 0.8, grey p 0.2, PIL blur p 1.0 / 0.1, solarize p 0 / 0.2, flip) plus the flipped clean image,
           in a DataLoader with "threads" workers; ms per batch.
"""
import copy, json, math, os, sys, time
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from epg_torch import Epg, Rcm  # noqa: E402

SIGMA_MIN, SIGMA_MAX, RHO, SIGMA_DATA = 0.002, 80.0, 7.0, 0.5


def karras(i, n):
    return (SIGMA_MAX ** (1 / RHO) + i / (n - 1) * (SIGMA_MIN ** (1 / RHO) - SIGMA_MAX ** (1 / RHO))) ** RHO


def c_in(t):
    return 1 / (t * t + SIGMA_DATA ** 2) ** 0.5


def cond(t):
    return 250 * (t + 1e-44).log() if torch.is_tensor(t) else 250 * math.log(t + 1e-44)


def ema_update(avg, src, rate):
    with torch.no_grad():
        a, s = list(avg), list(src)
        if hasattr(torch, "_foreach_lerp_"):
            torch._foreach_lerp_(a, s, 1 - rate)
        else:
            torch._foreach_mul_(a, rate)
            torch._foreach_add_(a, s, alpha=1 - rate)


def nt_xent(f, g, tau):
    logits = F.normalize(f.float(), dim=1) @ F.normalize(g.float(), dim=1).t() / tau
    return logits.logsumexp(1) - logits.diagonal()


def grad_norm(params):
    return torch.stack([p.grad.norm() for p in params if p.grad is not None]).norm().item()


def train_step(case, model, average, rate, clip=None):
    """One step as the Trainer runs it: case.loss() under autocast (case.bf16), backward, gradient norm (clipped to
    `clip` when given), case.opt's step, then the EMA of `model` into `average` at `rate`."""
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=case.bf16):
        loss = case.loss()
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip).item() if clip else grad_norm(list(model.parameters()))
    if not math.isfinite(loss.item()) or not math.isfinite(norm):
        raise RuntimeError("non-finite loss")
    case.opt.step()
    case.opt.zero_grad(set_to_none=True)
    ema_update(average.parameters(), model.parameters(), rate)


class Pretrain:
    def __init__(self, cfg, batch, bf16):
        self.online = Rcm(cfg).train()
        self.momentum = copy.deepcopy(self.online).eval()
        for p in self.momentum.parameters():
            p.requires_grad_(False)
        self.opt = torch.optim.AdamW(self.online.parameters(), lr=6e-4 * batch / 1024, betas=(0.9, 0.95), eps=1e-8,
                                     weight_decay=0.05 if cfg["dim"] >= 1024 else 0.03)
        shape = (batch, cfg["channels"], cfg["size"], cfg["size"])
        self.v1, self.v2, self.clean = torch.randn(shape), torch.randn(shape), torch.randn(shape)
        self.s, self.b, self.bf16 = cfg["size"] / 64, batch, bf16

    def noisy(self, x, eps, t):
        return (x + eps * t) * c_in(t)

    def full(self, t):
        return torch.full((self.b,), cond(t))

    def loss(self):
        n = 20
        i = int(torch.randint(n - 1, (1,)))
        eps = torch.randn_like(self.clean)
        t, t2, t0 = karras(i, n) * self.s, karras(i + 1, n) * self.s, SIGMA_MIN * self.s
        h = self.online(self.noisy(self.clean, eps, t), self.full(t))[1]
        with torch.no_grad():
            target = self.online(self.noisy(self.clean, eps, t2), self.full(t2))[1]
        consistency = nt_xent(h, target, 0.1).mean()
        y1, y2, c0 = self.noisy(self.v1, eps, t0), self.noisy(self.v2, eps, t0), self.full(t0)
        q1, q2 = self.online(y1, c0)[0], self.online(y2, c0)[0]
        with torch.no_grad():
            k1, k2 = self.momentum(y1, c0)[0], self.momentum(y2, c0)[0]
        return (nt_xent(q1, k2, 0.2) + nt_xent(q2, k1, 0.2)).mean() + consistency

    def __call__(self):
        train_step(self, self.online, self.momentum, 0.99)


class Diffusion:
    def __init__(self, cfg, batch, bf16):
        self.m = Epg(cfg).train()
        self.ema = copy.deepcopy(self.m).eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.opt = torch.optim.AdamW(self.m.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
        self.x = torch.randn(batch, cfg["channels"], cfg["size"], cfg["size"])
        self.y = torch.randint(cfg["classes"], (batch,))
        g = torch.tensor([karras(i, 1280) for i in range(1281)], dtype=torch.float64).float()
        self.grid, self.next = g[:1280], g[1:]
        self.s, self.classes, self.bf16 = cfg["size"] / 64, cfg["classes"], bf16

    def loss(self):
        b = self.x.shape[0]
        sigma = (torch.randn(b) * 1.6 - 1.2).exp()
        i = (sigma[:, None] - self.grid[None]).abs().argmin(1)
        si, sn = self.grid[i], self.next[i]
        gap = si - sn
        w = torch.where(gap > 0, gap.reciprocal(), torch.zeros_like(gap))
        t = si * self.s
        xt = self.x + torch.randn_like(self.x) * t.view(b, 1, 1, 1)
        y = torch.where(torch.rand(b) < 0.1, torch.full_like(self.y, self.classes), self.y)
        d = self.m(xt * c_in(t).view(b, 1, 1, 1), cond(t), y)
        return ((d.float() - self.x).square() * w.view(b, 1, 1, 1)).mean()

    def __call__(self):
        train_step(self, self.m, self.ema, 0.9999, clip=0.5)


class DecoderDropout(torch.nn.Module):
    """The decoder attention's proj followed by its dropout (proj_drop, 0.5 in consistency training)."""

    def __init__(self, proj, p):
        super().__init__()
        self.proj, self.p = proj, p

    def forward(self, x):
        return F.dropout(self.proj(x), self.p, self.training)


class Consistency:
    def __init__(self, cfg, rcm_cfg, batch, bf16):
        self.m = Epg(cfg)
        for blk in self.m.decoder_blocks:
            blk.attn.proj = DecoderDropout(blk.attn.proj, 0.5)
        self.m.train()
        self.ema = copy.deepcopy(self.m).eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.rcm = Rcm(rcm_cfg).eval()
        for p in self.rcm.parameters():
            p.requires_grad_(False)
        self.opt = torch.optim.AdamW(self.m.parameters(), lr=1e-4, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.03)
        self.x = torch.randn(batch, cfg["channels"], cfg["size"], cfg["size"])
        self.y = torch.randint(cfg["classes"], (batch,))
        self.s, self.bf16 = cfg["size"] / 64, bf16

    def denoise(self, x, t, y):
        """D = c_skip x + c_out F(c_in x, c(t), y) with the boundary at sigma_min s; t [B] shifted."""
        v = lambda a: a.view(-1, 1, 1, 1)  # noqa: E731
        d = t - SIGMA_MIN * self.s
        out = self.m(x * v(c_in(t)), cond(t), y)
        return x * v(SIGMA_DATA ** 2 / (d * d + SIGMA_DATA ** 2)) + out.float() * v(d * SIGMA_DATA * c_in(t))

    def loss(self):
        b = self.x.shape[0]
        t = (torch.randn(b, dtype=torch.float64) * 1.6 - 0.4).exp().clamp(min=SIGMA_MIN)
        r = (t * (1 - (1 + 8 * torch.sigmoid(-t)) / 2)).clamp(min=SIGMA_MIN)  # stage 1: q^1 = 2
        t, r = t * self.s, r * self.s
        w = torch.where(t > r, (t - r).reciprocal(), torch.zeros_like(t)).float()
        t, r = t.float(), r.float()
        eps = torch.randn_like(self.x)
        xt, xr = self.x + eps * t.view(b, 1, 1, 1), self.x + eps * r.view(b, 1, 1, 1)
        state = torch.get_rng_state()
        dt = self.denoise(xt, t, self.y)
        with torch.no_grad():
            torch.set_rng_state(state)  # the online pass's dropout masks
            dr = self.denoise(xr, r, self.y)
        dist = (dt.float() - dr.float()).square().flatten(1).sum(1)
        huber = (dist / (dist.detach() + 0.06 ** 2).sqrt() * w).mean()
        t0 = SIGMA_MIN * self.s
        c0 = torch.full((b,), cond(t0))
        f = self.rcm(dt * c_in(t0), c0)[0]
        with torch.no_grad():
            g = self.rcm(self.x * c_in(t0), c0)[0]
        return huber + nt_xent(f, g, 0.1).mean()

    def __call__(self):
        train_step(self, self.m, self.ema, 0.9999)


class Sampling:
    def __init__(self, cfg, batch, bf16):
        self.m = Epg(cfg).eval()
        self.noise = torch.randn(batch, cfg["channels"], cfg["size"], cfg["size"])
        self.y = torch.randint(cfg["classes"], (batch,))
        self.s, self.classes, self.bf16 = cfg["size"] / 64, cfg["classes"], bf16
        f32 = lambda v: float(torch.tensor(v, dtype=torch.float32))  # noqa: E731 (ends rounded as σ is)
        self.lo, self.hi = f32(0.19 * self.s), f32(1.61 * self.s)

    def net(self, x, sigma, y):
        s = torch.full((x.shape[0],), sigma)
        return self.m(x * c_in(s).view(-1, 1, 1, 1), cond(s), y).to(x.dtype)

    def denoise(self, x, sigma):
        sig = float(torch.tensor(sigma, dtype=torch.float32))
        if self.lo < sig <= self.hi:
            both = self.net(torch.cat([x, x]), sigma, torch.cat([self.y, torch.full_like(self.y, self.classes)]))
            c, u = both.chunk(2)
            d = u + (c - u) * 2.5
        else:
            d = self.net(x, sigma, self.y)
        return d.clamp(-1, 1)

    def sample(self):
        sig = [karras(i, 32) * self.s for i in range(32)]
        x = self.noise * sig[0]
        for i in range(31):
            h = sig[i + 1] - sig[i]
            d0 = (x - self.denoise(x, sig[i])) / sig[i]
            xp = x + d0 * h
            d1 = (xp - self.denoise(xp, sig[i + 1])) / sig[i + 1]
            x = x + (d0 + d1) * (0.5 * h)
        return x

    def __call__(self):
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            self.sample().sum().item()

    def call(self, doubled):
        x, y = (torch.cat([self.noise, self.noise]), torch.cat([self.y, self.y])) if doubled else (self.noise, self.y)
        sigma = karras(10, 32) * self.s
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            self.net(x * sigma, sigma, y).clamp(-1, 1).sum().item()


class FewStep:
    """Spec §6: one-step D(eps sigma_max s, sigma_max s), two-step (ECT) renoised to 0.821 s and denoised again; the
    consistency preconditioning (c_skip, c_out with boundary sigma_min s), clamped to [-1, 1], no guidance."""

    def __init__(self, cfg, batch, bf16, calls):
        self.m = Epg(cfg).eval()
        self.noise = torch.randn(batch, cfg["channels"], cfg["size"], cfg["size"])
        self.z = torch.randn_like(self.noise)
        self.y = torch.randint(cfg["classes"], (batch,))
        self.s, self.calls, self.bf16 = cfg["size"] / 64, calls, bf16

    def denoise(self, x, sigma):
        t = torch.full((x.shape[0],), sigma)
        f = self.m(x * c_in(t).view(-1, 1, 1, 1), cond(t), self.y).to(x.dtype)
        d = sigma - SIGMA_MIN * self.s
        skip = SIGMA_DATA ** 2 / (d * d + SIGMA_DATA ** 2)
        out = d * SIGMA_DATA / (sigma * sigma + SIGMA_DATA ** 2) ** 0.5
        return (x * skip + f * out).clamp(-1, 1)

    def __call__(self):
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            x = self.denoise(self.noise * (SIGMA_MAX * self.s), SIGMA_MAX * self.s)
            if self.calls == 2:
                mid = 0.821 * self.s
                x = self.denoise(x + self.z * mid, mid)
            x.sum().item()


class MocoPairs(torch.utils.data.Dataset):
    def __init__(self, folder):
        import gzip
        import numpy as np
        import torchvision.transforms as T
        from PIL import ImageFilter, ImageOps
        with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz")) as f:
            self.images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)

        class Blur:
            def __init__(self, p):
                self.p = p

            def __call__(self, img):
                if torch.rand(1) < self.p:
                    return img.filter(ImageFilter.GaussianBlur(radius=float(torch.empty(1).uniform_(0.1, 2.0))))
                return img

        def view(blur, solarize):
            return T.Compose([T.RandomResizedCrop(32, scale=(0.08, 1.0)), T.RandomApply([T.ColorJitter(0.4, 0.4, 0.2, 0.1)], p=0.8),
                              T.RandomGrayscale(0.2), Blur(blur), T.RandomSolarize(128, p=solarize), T.RandomHorizontalFlip(),
                              T.ToTensor(), T.Normalize([0.5], [0.5])])
        self.view1, self.view2 = view(1.0, 0.0), view(0.1, 0.2)
        self.clean = T.Compose([T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize([0.5], [0.5])])
        self.pad = lambda img: ImageOps.expand(img, 2)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        from PIL import Image
        img = self.pad(Image.fromarray(self.images[i], "L"))
        return self.view1(img), self.view2(img), self.clean(img), 0


def loader(a):
    data = torch.utils.data.DataLoader(MocoPairs(a["data"]), batch_size=a["batch"], shuffle=True, num_workers=a["threads"],
                                       prefetch_factor=2, persistent_workers=True)
    it = iter(data)
    return lambda: next(it)


def timed(fn, warmup, steps):
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        fn()
        if i >= warmup:
            times.append(1000 * (time.perf_counter() - t0))
    times.sort()
    return times[len(times) // 2], times[0]


def peak_rss_mib():
    """VmHWM (ru_maxrss would report the JVM's peak: it survives fork and exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    case, a = sys.argv[1], json.loads(sys.argv[2])
    torch.set_num_threads(a["threads"])
    torch.manual_seed(0)
    cfg, batch, bf16 = a.get("model"), a["batch"], a["dtype"] == "bf16"
    out = {}
    if case == "pretrain":
        out["median_ms"], out["min_ms"] = timed(Pretrain(cfg, batch, bf16), a["warmup"], a["steps"])
    elif case == "diffusion":
        out["median_ms"], out["min_ms"] = timed(Diffusion(cfg, batch, bf16), a["warmup"], a["steps"])
    elif case == "consistency":
        out["median_ms"], out["min_ms"] = timed(Consistency(cfg, a["rcm"], batch, bf16), a["warmup"], a["steps"])
    elif case == "sample":
        out["median_ms"], out["min_ms"] = timed(Sampling(cfg, batch, bf16), a["warmup"], a["steps"])
    elif case in ("sample-onestep", "sample-twostep"):
        fn = FewStep(cfg, batch, bf16, 1 if case == "sample-onestep" else 2)
        out["median_ms"], out["min_ms"] = timed(fn, a["warmup"], a["steps"])
    elif case == "sample-calls":
        s = Sampling(cfg, batch, bf16)
        out["median_ms"], out["min_ms"] = timed(lambda: s.call(False), a["warmup"], a["steps"])
        out["double_ms"], _ = timed(lambda: s.call(True), a["warmup"], a["steps"])
    elif case == "loader":  # throughput: the mean over the measured batches (workers prefetch)
        fn = loader(a)
        for _ in range(a["warmup"]):
            fn()
        t0 = time.perf_counter()
        for _ in range(a["steps"]):
            fn()
        out["median_ms"] = out["min_ms"] = 1000 * (time.perf_counter() - t0) / a["steps"]
    else:
        raise SystemExit("unknown case " + case)
    out["peak_rss_mib"] = peak_rss_mib()
    out["torch"], out["threads"] = torch.__version__, torch.get_num_threads()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
