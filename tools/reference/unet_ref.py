"""PyTorch reference of diffusers' UNet2DModel, restricted to what StmKernel models use.

Written from the semantics in shared/notes/model.md (diffusers is not installed here):
DownBlock2D / UpBlock2D only, positional (sinusoidal) timestep embedding, ResnetBlock2D with
time_emb_proj, conv downsampling, nearest x2 + conv upsampling, UNetMidBlock2D with optional
single-block self-attention. Module names are chosen so that ``state_dict()`` keys are exactly
diffusers' keys, which lets the fixtures and the C# engine share weight files.

Run with Debian's torch 1.13 (``/usr/bin/python3``). Never imported by CI.
"""

import json
import math
from dataclasses import dataclass, field

import torch
from torch import nn
import torch.nn.functional as F

# Config values we accept only at diffusers' defaults: anything else changes the architecture
# in ways this reference does not implement, so it must be rejected rather than ignored.
_FIXED_OPTIONS = {
    "time_embedding_type": "positional",
    "act_fn": "silu",
    "center_input_sample": False,
    "downsample_padding": 1,
    "downsample_type": "conv",
    "upsample_type": "conv",
    "resnet_time_scale_shift": "default",
    "mid_block_scale_factor": 1,
    "class_embed_type": None,
    "num_class_embeds": None,
    "attn_norm_num_groups": None,
}
# Newer diffusers options, rejected unless at their default but not written to config.json.
_CHECKED_OPTIONS = {**_FIXED_OPTIONS, "attention_legacy_order": False}


@dataclass
class UNetRefConfig:
    """The UNet2DModel config fields that shape the network, with diffusers' defaults."""

    in_channels: int = 2
    out_channels: int = 1
    block_out_channels: list = field(default_factory=lambda: [32, 64, 128])
    layers_per_block: int = 2
    add_attention: bool = True
    attention_head_dim: int | None = 8
    norm_num_groups: int = 32
    norm_eps: float = 1e-5
    flip_sin_to_cos: bool = True
    freq_shift: float = 0
    sample_size: int | None = None

    @property
    def time_embed_dim(self) -> int:
        return 4 * self.block_out_channels[0]

    @classmethod
    def from_dict(cls, d: dict) -> "UNetRefConfig":
        name = d.get("_class_name", "UNet2DModel")
        if name != "UNet2DModel":
            raise ValueError(f"config _class_name is {name!r}, expected 'UNet2DModel'")
        for key, want in _CHECKED_OPTIONS.items():
            if key in d and d[key] != want:
                raise ValueError(f"config {key}={d[key]!r} is not supported (only {want!r})")
        n = len(d.get("block_out_channels", cls().block_out_channels))
        for key, want in (("down_block_types", "DownBlock2D"), ("up_block_types", "UpBlock2D")):
            types = d.get(key, [want] * n)
            if len(types) != n or any(t != want for t in types):
                raise ValueError(f"config {key}={types!r}: only {n} x {want!r} is supported")
        kwargs = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        cfg = cls(**kwargs)
        cfg.block_out_channels = list(cfg.block_out_channels)
        return cfg

    @classmethod
    def load(cls, path: str) -> "UNetRefConfig":
        with open(path, encoding="utf-8") as f:
            return cls.from_dict(json.load(f))

    def to_dict(self) -> dict:
        """A complete diffusers-style config.json body."""
        n = len(self.block_out_channels)
        d = {
            "_class_name": "UNet2DModel",
            "_diffusers_version": "0.27.2",
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "block_out_channels": list(self.block_out_channels),
            "layers_per_block": self.layers_per_block,
            "down_block_types": ["DownBlock2D"] * n,
            "up_block_types": ["UpBlock2D"] * n,
            "add_attention": self.add_attention,
            "attention_head_dim": self.attention_head_dim,
            "norm_num_groups": self.norm_num_groups,
            "norm_eps": self.norm_eps,
            "flip_sin_to_cos": self.flip_sin_to_cos,
            "freq_shift": self.freq_shift,
            "sample_size": self.sample_size,
            "dropout": 0.0,
        }
        d.update(_FIXED_OPTIONS)
        return d


def timestep_embedding(t: torch.Tensor, dim: int, flip_sin_to_cos: bool, freq_shift: float,
                       dtype: torch.dtype) -> torch.Tensor:
    """diffusers' get_timestep_embedding: [sin, cos] of t * exp(-ln(1e4) i / (half - shift)).

    Computed in ``dtype`` (diffusers uses float32; the fixtures use float64 for a clean oracle).
    """
    half = dim // 2
    exponent = -math.log(10000.0) * torch.arange(half, dtype=dtype) / (half - freq_shift)
    args = t.to(dtype)[:, None] * torch.exp(exponent)[None, :]
    emb = torch.cat([torch.sin(args), torch.cos(args)], dim=-1)
    if flip_sin_to_cos:
        emb = torch.cat([emb[:, half:], emb[:, :half]], dim=-1)
    if dim % 2 == 1:
        emb = F.pad(emb, (0, 1))
    return emb


class TimestepEmbedding(nn.Module):
    """linear_1 -> SiLU -> linear_2."""

    def __init__(self, in_dim: int, dim: int):
        super().__init__()
        self.linear_1 = nn.Linear(in_dim, dim)
        self.linear_2 = nn.Linear(dim, dim)

    def forward(self, x):
        return self.linear_2(F.silu(self.linear_1(x)))


class ResnetBlock2D(nn.Module):
    """h = conv1(SiLU(norm1(x))) + time_emb_proj(SiLU(temb)); h = conv2(SiLU(norm2(h)));
    out = shortcut(x) + h, the shortcut a 1x1 conv only when channels change."""

    def __init__(self, cin: int, cout: int, temb: int, groups: int, eps: float):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps=eps)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, silu_temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_emb_proj(silu_temb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        if self.conv_shortcut is not None:
            x = self.conv_shortcut(x)
        return x + h


class Downsample2D(nn.Module):
    """3x3 conv, stride 2, padding 1."""

    def __init__(self, ch: int):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)


class Upsample2D(nn.Module):
    """Nearest-neighbour x2, then a 3x3 conv."""

    def __init__(self, ch: int):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class DownBlock2D(nn.Module):
    def __init__(self, cin: int, cout: int, layers: int, temb: int, groups: int, eps: float,
                 add_downsample: bool):
        super().__init__()
        self.resnets = nn.ModuleList(
            ResnetBlock2D(cin if j == 0 else cout, cout, temb, groups, eps) for j in range(layers))
        self.downsamplers = nn.ModuleList([Downsample2D(cout)]) if add_downsample else None

    def forward(self, x, silu_temb):
        """Returns the block output and every intermediate the up path will concatenate."""
        states = []
        for r in self.resnets:
            x = r(x, silu_temb)
            states.append(x)
        if self.downsamplers is not None:
            x = self.downsamplers[0](x)
            states.append(x)
        return x, states


class UpBlock2D(nn.Module):
    """layers resnets, each fed cat([hidden, skip]); skip channels follow diffusers' rule:
    the last resnet's skip comes from the level below (in_ch), the others from this level."""

    def __init__(self, in_ch: int, prev_ch: int, cout: int, layers: int, temb: int, groups: int,
                 eps: float, add_upsample: bool):
        super().__init__()
        resnets = []
        for j in range(layers):
            skip = in_ch if j == layers - 1 else cout
            hidden = prev_ch if j == 0 else cout
            resnets.append(ResnetBlock2D(hidden + skip, cout, temb, groups, eps))
        self.resnets = nn.ModuleList(resnets)
        self.upsamplers = nn.ModuleList([Upsample2D(cout)]) if add_upsample else None

    def forward(self, x, skips, silu_temb):
        for r in self.resnets:
            x = r(torch.cat([x, skips.pop()], dim=1), silu_temb)
        if self.upsamplers is not None:
            x = self.upsamplers[0](x)
        return x


class Attention(nn.Module):
    """diffusers' Attention as built by UNetMidBlock2D (single spatial self-attention):
    group_norm -> (B, HW, C) -> to_q/to_k/to_v -> heads of attention_head_dim channels
    (head h = channels [h*d, (h+1)*d)) -> softmax(QK^T/sqrt(d))V -> to_out.0 -> + residual."""

    def __init__(self, ch: int, head_dim: int, groups: int, eps: float):
        super().__init__()
        self.heads = ch // head_dim
        self.head_dim = head_dim
        self.group_norm = nn.GroupNorm(groups, ch, eps=eps)
        self.to_q = nn.Linear(ch, ch)
        self.to_k = nn.Linear(ch, ch)
        self.to_v = nn.Linear(ch, ch)
        self.to_out = nn.ModuleList([nn.Linear(ch, ch)])  # diffusers' to_out.1 is a Dropout

    def _split_heads(self, x):
        b, n, _ = x.shape
        return x.reshape(b, n, self.heads, self.head_dim).permute(0, 2, 1, 3).reshape(
            b * self.heads, n, self.head_dim)

    def forward(self, x):
        b, c, h, w = x.shape
        seq = self.group_norm(x).reshape(b, c, h * w).transpose(1, 2)
        q = self._split_heads(self.to_q(seq))
        k = self._split_heads(self.to_k(seq))
        v = self._split_heads(self.to_v(seq))
        scores = torch.baddbmm(torch.empty(q.shape[0], q.shape[1], k.shape[1], dtype=q.dtype), q,
                               k.transpose(1, 2), beta=0, alpha=self.head_dim ** -0.5)
        o = torch.bmm(scores.softmax(dim=-1), v)
        o = o.reshape(b, self.heads, h * w, self.head_dim).permute(0, 2, 1, 3).reshape(b, h * w, c)
        o = self.to_out[0](o)
        return o.transpose(1, 2).reshape(b, c, h, w) + x


class UNetMidBlock2D(nn.Module):
    def __init__(self, ch: int, temb: int, groups: int, eps: float, add_attention: bool,
                 head_dim: int):
        super().__init__()
        resnets = [ResnetBlock2D(ch, ch, temb, groups, eps) for _ in range(2)]
        # attentions before resnets: diffusers' registration (hence state_dict) order
        self.attentions = nn.ModuleList(
            [Attention(ch, head_dim, groups, eps)] if add_attention else [])
        self.resnets = nn.ModuleList(resnets)

    def forward(self, x, silu_temb):
        x = self.resnets[0](x, silu_temb)
        for a in self.attentions:
            x = a(x)
        return self.resnets[1](x, silu_temb)


class UNet2DModel(nn.Module):
    """forward(x [B, in, H, W], t [B]) -> [B, out, H, W], H and W divisible by 2^(levels-1)."""

    def __init__(self, cfg: UNetRefConfig):
        super().__init__()
        self.cfg = cfg
        ch = cfg.block_out_channels
        g, eps, temb = cfg.norm_num_groups, cfg.norm_eps, cfg.time_embed_dim
        for c in ch:
            if c % g != 0:
                raise ValueError(f"block_out_channels entry {c} not divisible by norm_num_groups {g}")
        self.conv_in = nn.Conv2d(cfg.in_channels, ch[0], 3, padding=1)
        self.time_embedding = TimestepEmbedding(ch[0], temb)

        self.down_blocks = nn.ModuleList()
        out = ch[0]
        for i, c in enumerate(ch):
            cin, out = out, c
            self.down_blocks.append(DownBlock2D(cin, out, cfg.layers_per_block, temb, g, eps,
                                                add_downsample=i < len(ch) - 1))

        head_dim = cfg.attention_head_dim if cfg.attention_head_dim is not None else ch[-1]
        if cfg.add_attention and ch[-1] % head_dim != 0:
            raise ValueError(f"attention_head_dim {head_dim} does not divide {ch[-1]}")
        mid_block = UNetMidBlock2D(ch[-1], temb, g, eps, cfg.add_attention, head_dim)

        rev = list(reversed(ch))
        self.up_blocks = nn.ModuleList()
        out = rev[0]
        for i in range(len(rev)):
            prev, out = out, rev[i]
            cin = rev[min(i + 1, len(rev) - 1)]
            self.up_blocks.append(UpBlock2D(cin, prev, out, cfg.layers_per_block + 1, temb, g, eps,
                                            add_upsample=i < len(rev) - 1))

        # Registered after up_blocks, as diffusers does (its mid_block starts as None), so that
        # state_dict() lists the keys in diffusers' order too.
        self.mid_block = mid_block
        self.conv_norm_out = nn.GroupNorm(g, ch[0], eps=eps)
        self.conv_out = nn.Conv2d(ch[0], cfg.out_channels, 3, padding=1)

    def forward(self, x, t, trace=None):
        """``trace``, when a dict, receives named intermediates for parity debugging."""
        def keep(name, v):
            if trace is not None:
                trace[name] = v
            return v

        dtype = self.conv_in.weight.dtype
        t = t.to(dtype) * torch.ones(x.shape[0], dtype=dtype)
        t_proj = keep("time_proj", timestep_embedding(
            t, self.cfg.block_out_channels[0], self.cfg.flip_sin_to_cos, self.cfg.freq_shift, dtype))
        temb = keep("time_embedding", self.time_embedding(t_proj))
        silu_temb = F.silu(temb)

        h = keep("conv_in", self.conv_in(x))
        skips = [h]
        for i, block in enumerate(self.down_blocks):
            h, states = block(h, silu_temb)
            skips.extend(states)
            keep(f"down_blocks.{i}", h)
        h = keep("mid_block", self.mid_block(h, silu_temb))
        for i, block in enumerate(self.up_blocks):
            h = keep(f"up_blocks.{i}", block(h, skips, silu_temb))
        h = self.conv_out(F.silu(self.conv_norm_out(h)))
        return keep("conv_out", h)


def load_model(folder: str, dtype: torch.dtype = torch.float32) -> UNet2DModel:
    """Builds the model from folder/config.json and strictly loads folder/model.safetensors."""
    from safetensors_io import read_safetensors  # local module beside this file

    cfg = UNetRefConfig.load(f"{folder}/config.json")
    model = UNet2DModel(cfg)
    model.load_state_dict(read_safetensors(f"{folder}/model.safetensors"), strict=True)
    return model.to(dtype).eval()
