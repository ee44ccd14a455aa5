"""The EPG networks of docs/spec.md §1-§2 written with plain torch.nn, independently of the Java code.

Used to make golden fixtures (scripts/fixtures/make_nn_fixtures.py) and as the PyTorch side of `epg bench model`
(scripts/bench/torch_step.py). cfg keys: size, patch, channels, depth, dim, heads, decoder_depth, decoder_dim,
decoder_heads, classes, proj_hidden, proj_out.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


def time_token(c, dim):
    half = dim // 2
    f = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = c.float()[:, None] * f[None]
    e = torch.cat([a.cos(), a.sin()], 1)
    if dim % 2:
        e = torch.cat([e, torch.zeros_like(e[:, :1])], 1)
    return e


class LayerNorm(nn.LayerNorm):
    """LayerNorm computed in float32 whatever the input dtype (spec §2.1), cast back to the input's dtype."""

    def forward(self, x):
        return super().forward(x.float()).to(x.dtype)


class SelfAttention(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = self.qkv(x).view(b, n, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        w = (q @ k.transpose(-1, -2) / math.sqrt(d // self.h)).softmax(-1)
        return self.proj((w @ v).transpose(1, 2).reshape(b, n, d))


class FeedForward(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class EncBlock(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.norm1, self.attn, self.norm2, self.mlp = LayerNorm(d), SelfAttention(d, h), LayerNorm(d), FeedForward(d)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class DecBlock(nn.Module):
    def __init__(self, d, enc, h):
        super().__init__()
        self.norm1, self.attn, self.norm2, self.mlp = LayerNorm(d), SelfAttention(d, h), LayerNorm(d), FeedForward(d)
        self.skip_linear, self.skip_norm = nn.Linear(enc + d, d), LayerNorm(d)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(enc, 6 * d))

    def forward(self, x, cond, skip):
        x = self.skip_norm(self.skip_linear(torch.cat([x, skip.to(x.dtype)], 2)))  # dtypes differ under autocast
        s1, g1, a1, s2, g2, a2 = self.adaLN_modulation(cond).chunk(6, 2)  # shift, scale, gate (x2)
        x = x + a1 * self.attn(self.norm1(x) * (1 + g1) + s1)
        return x + a2 * self.mlp(self.norm2(x) * (1 + g2) + s2)


class Patches(nn.Module):
    def __init__(self, ch, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(ch, dim, patch, patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        dim, size, patch = cfg["dim"], cfg["size"], cfg["patch"]
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 2 + (size // patch) ** 2, dim))
        self.patch_embed = Patches(cfg["channels"], dim, patch)
        self.blocks = nn.ModuleList([EncBlock(dim, cfg["heads"]) for _ in range(cfg["depth"])])
        self.norm = LayerNorm(dim)

    def sequence(self, x, c, cls):
        p = self.patch_embed(x)
        d = self.cfg["dim"]
        return torch.cat([cls.expand(p.shape[0], 1, d).to(p.dtype), time_token(c, d)[:, None].to(p.dtype), p], 1) + self.pos_embed


class Rcm(Encoder):
    def __init__(self, cfg):
        super().__init__(cfg)
        d, hid, out = cfg["dim"], cfg["proj_hidden"], cfg["proj_out"]
        self.projection_head = nn.Sequential(
            nn.Linear(d, hid, bias=False), nn.BatchNorm1d(hid), nn.ReLU(),
            nn.Linear(hid, hid, bias=False), nn.BatchNorm1d(hid), nn.ReLU(),
            nn.Linear(hid, out, bias=False))

    def forward(self, x, c):
        s = self.sequence(x, c, self.cls_token)
        for b in self.blocks:
            s = b(s)
        h = self.norm(s[:, 0])
        return self.projection_head(h), h


class Epg(Encoder):
    def __init__(self, cfg):
        super().__init__(cfg)
        d, e, p, ch = cfg["dim"], cfg["decoder_dim"], cfg["patch"], cfg["channels"]
        self.decoder_blocks = nn.ModuleList([DecBlock(e, d, cfg["decoder_heads"]) for _ in range(cfg["decoder_depth"])])
        if e != d:
            self.encoder_to_decoder = nn.Linear(d, e)
        self.out_norm = LayerNorm(e)
        self.out = nn.Linear(e, p * p * ch)
        self.class_embed = nn.Embedding(cfg["classes"] + 1, d)

    def forward(self, x, c, y):
        ye = self.class_embed(y)[:, None]
        t = time_token(c, self.cfg["dim"])[:, None]
        s = self.sequence(x, c, self.cls_token + ye)
        skips = []
        for b in self.blocks:
            s = b(s)
            skips.append(s)
        s = self.norm(s)
        if hasattr(self, "encoder_to_decoder"):
            s = self.encoder_to_decoder(s)
        for b in self.decoder_blocks:
            s = b(s, t + ye, skips.pop())
        o = self.out(self.out_norm(s[:, 2:]))
        size, p, ch = self.cfg["size"], self.cfg["patch"], self.cfg["channels"]
        g = size // p
        return o.view(-1, g, g, p, p, ch).permute(0, 5, 1, 3, 2, 4).reshape(-1, ch, size, size)
