using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.UNet.Planning;

namespace StmKernel.UNet.Modules;

/// <summary>
/// diffusers ResnetBlock2D (key <c>…resnets.{j}</c>):
/// h = conv1(SiLU(norm1(x))) + time_emb_proj(SiLU(temb)); h = conv2(SiLU(norm2(h))); out = shortcut(x) + h,
/// shortcut = conv_shortcut (1×1) when Cin ≠ Cout, else identity.
/// Shapes: x [B, Cin, H, W], temb [B, E] → [B, Cout, H, W].
/// Fusions: SiLU into both norms, the time projection into conv1's per-sample bias, the residual
/// add into conv2's store.
/// </summary>
internal sealed class ResnetBlock2D
{
    private readonly string _key;
    private readonly int _cin, _cout, _temb;
    private readonly GroupNormParams _norm1, _norm2;
    private readonly ConvModule _conv1, _conv2;
    private readonly ConvModule? _shortcut;
    private readonly float[] _projW, _projB;

    public ResnetBlock2D(ParameterReader p, string key, int cin, int cout, UNetConfig c)
    {
        _key = key; _cin = cin; _cout = cout; _temb = c.TimeEmbedDim;
        _norm1 = GroupNormParams.Read(p, key + ".norm1", c);
        _conv1 = new ConvModule(p, key + ".conv1", cin, cout, 3);
        _projW = p[key + ".time_emb_proj.weight"];
        _projB = p[key + ".time_emb_proj.bias"];
        _norm2 = GroupNormParams.Read(p, key + ".norm2", c);
        _conv2 = new ConvModule(p, key + ".conv2", cout, cout, 3);
        if (cin != cout) _shortcut = new ConvModule(p, key + ".conv_shortcut", cin, cout, 1);
    }

    /// <summary>Plans the block; the caller keeps ownership of <paramref name="x"/>.</summary>
    public BlockedTensor Plan(PlanBuilder b, BlockedTensor x)
    {
        if (x.C != _cin) throw new InvalidOperationException($"{_key} expects {_cin} channels, got {x.C}");
        int batch = b.Batch, blocks = (_cout + 15) / 16;

        // time_emb_proj(SiLU(temb)) → per-sample bias of conv1, laid out [B][blocks·16].
        var sampleBias = GC.AllocateArray<float>(batch * blocks * 16, pinned: true);
        var projected = new float[batch * _cout];
        b.Add(_key + ".time_emb_proj", 2.0 * batch * _temb * _cout, _ =>
        {
            Linear.Forward(b.SiluTemb, _projW, _projB, projected, batch, _temb, _cout);
            for (int n = 0; n < batch; n++) Array.Copy(projected, n * _cout, sampleBias, n * blocks * 16, _cout);
        });

        var h1 = b.Acquire(_cin, x.H, x.W);
        PlanNorm(b, _norm1, x, h1);
        var h2 = _conv1.Plan(b, h1, sampleBias: sampleBias);
        b.Release(h1);

        var h3 = b.Acquire(_cout, x.H, x.W);
        PlanNorm(b, _norm2, h2, h3);
        b.Release(h2);

        var residual = _shortcut?.Plan(b, x) ?? x;
        var output = _conv2.Plan(b, h3, residual: residual);
        b.Release(h3);
        if (_shortcut is not null) b.Release(residual);
        return output;
    }

    internal static void PlanNorm(PlanBuilder b, GroupNormParams p, BlockedTensor input, BlockedTensor output, bool silu = true)
    {
        var op = new GroupNorm(input, output, p.Groups, p.Gamma, p.Beta, p.Eps, silu);
        b.Add(p.Key, 0, op.Run);
    }
}
