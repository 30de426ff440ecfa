using StmKernel.Tensors.Graph;

namespace StmKernel.UNet.Modules;

/// <summary>
/// diffusers ResnetBlock2D: h = conv1(SiLU(norm1(x))) + time_emb_proj(SiLU(temb)); h = conv2(SiLU(norm2(h)));
/// out = shortcut(x) + h, shortcut = conv_shortcut (1×1) when Cin ≠ Cout, else identity.
/// Shapes: x [N, Cin, H, W], SiLU(temb) [N, E] → [N, Cout, H, W]. Fusions: SiLU into both norms, the time projection
/// into conv1's per-sample bias, the residual add into conv2's store.
/// </summary>
public sealed class ResnetBlock2D : Module
{
    private readonly GroupNorm _norm1, _norm2;
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear _timeProjection;
    private readonly Conv2d? _shortcut;

    /// <summary>Declares the block (children in diffusers' order).</summary>
    public ResnetBlock2D(int cin, int cout, UNetConfig c)
    {
        _norm1 = Add("norm1", new GroupNorm(cin, c.NormNumGroups, c.NormEps));
        _conv1 = Add("conv1", new Conv2d(cin, cout, 3));
        _timeProjection = Add("time_emb_proj", new Linear(c.TimeEmbedDim, cout));
        _norm2 = Add("norm2", new GroupNorm(cout, c.NormNumGroups, c.NormEps));
        _conv2 = Add("conv2", new Conv2d(cout, cout, 3));
        if (cin != cout) _shortcut = Add("conv_shortcut", new Conv2d(cin, cout, 1));
    }

    /// <summary>The block's forward; <paramref name="siluTemb"/> is SiLU(time embedding), shared by every block.</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x, GraphValue siluTemb)
    {
        // The shortcut runs first so that norm1 is x's last reader and, at inference, may overwrite it in place
        // (an up block's x is the widest activation: [h, skip] concatenated).
        var residual = _shortcut?.Forward(g, x) ?? x;
        var bias = _timeProjection.Forward(g, siluTemb);
        var h = _conv1.Forward(g, _norm1.Forward(g, x, silu: true), sampleBias: bias);
        return _conv2.Forward(g, _norm2.Forward(g, h, silu: true), residual: residual);
    }
}

/// <summary>
/// diffusers mid-block Attention (residual connection, no rescale): h = group_norm(x); q, k, v = to_q/to_k/to_v(h) per
/// pixel; o = softmax(QKᵀ/√d)V per head (heads = C / d); out = to_out.0(o) + x. [N, C, H, W] → [N, C, H, W].
/// </summary>
public sealed class AttentionBlock : Module
{
    private readonly GroupNorm _norm;
    private readonly Linear _q, _k, _v, _out;
    private readonly int _headDim;

    /// <summary>Declares the block.</summary>
    public AttentionBlock(int channels, UNetConfig c)
    {
        _norm = Add("group_norm", new GroupNorm(channels, c.NormNumGroups, c.NormEps));
        _q = Add("to_q", new Linear(channels, channels));
        _k = Add("to_k", new Linear(channels, channels));
        _v = Add("to_v", new Linear(channels, channels));
        _out = Add("to_out.0", new Linear(channels, channels));
        _headDim = c.AttentionHeadDim;
    }

    /// <summary>The block's forward.</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x)
    {
        var h = _norm.Forward(g, x, silu: false);
        var o = g.Attention(Child("attention"), _q.ForwardPixels(g, h), _k.ForwardPixels(g, h), _v.ForwardPixels(g, h), _headDim);
        return _out.ForwardPixels(g, o, residual: x);
    }
}

/// <summary>diffusers Downsample2D (conv 3×3, stride 2, padding 1): [N, C, H, W] → [N, C, H/2, W/2].</summary>
public sealed class Downsample2D : Module
{
    private readonly Conv2d _conv;

    /// <summary>Declares the block.</summary>
    public Downsample2D(int channels) => _conv = Add("conv", new Conv2d(channels, channels, 3, stride: 2));

    /// <summary>The block's forward.</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x) => _conv.Forward(g, x);
}

/// <summary>diffusers Upsample2D (nearest ×2, then conv 3×3): [N, C, H, W] → [N, C, 2H, 2W].</summary>
public sealed class Upsample2D : Module
{
    private readonly Conv2d _conv;

    /// <summary>Declares the block.</summary>
    public Upsample2D(int channels) => _conv = Add("conv", new Conv2d(channels, channels, 3));

    /// <summary>The block's forward.</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x) => _conv.Forward(g, g.Upsample2x(Child("interpolate"), x));
}

/// <summary>diffusers TimestepEmbedding: linear_1 → SiLU → linear_2, [N, C0] → [N, E].</summary>
public sealed class TimestepEmbedding : Module
{
    private readonly Linear _linear1, _linear2;

    /// <summary>Declares the block.</summary>
    public TimestepEmbedding(int inFeatures, int embedDim)
    {
        _linear1 = Add("linear_1", new Linear(inFeatures, embedDim));
        _linear2 = Add("linear_2", new Linear(embedDim, embedDim));
    }

    /// <summary>The block's forward.</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue sinusoid) =>
        _linear2.Forward(g, g.Silu(Child("act"), _linear1.Forward(g, sinusoid)));
}
