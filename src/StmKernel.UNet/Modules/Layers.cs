using StmKernel.Tensors.Graph;

namespace StmKernel.UNet.Modules;

/// <summary>torch.nn.Conv2d with padding K/2: weight [Cout, Cin, K, K], bias [Cout].</summary>
public sealed class Conv2d : Module
{
    private readonly int _cout, _k, _stride;

    /// <summary>Declares the layer.</summary>
    public Conv2d(int cin, int cout, int k, int stride = 1)
    {
        (_cout, _k, _stride) = (cout, k, stride);
        Parameter("weight", cout, cin, k, k);
        Parameter("bias", cout);
    }

    /// <summary>[N, Cin, H, W] → [N, Cout, H/stride, W/stride], plus an optional per-sample bias [N, Cout] and residual (fused).</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x, GraphValue? sampleBias = null, GraphValue? residual = null) =>
        g.Conv2d(Key, x, _cout, _k, _stride, sampleBias, residual);
}

/// <summary>torch.nn.Linear: weight [out, in], bias [out].</summary>
public sealed class Linear : Module
{
    private readonly int _out;

    /// <summary>Declares the layer.</summary>
    public Linear(int fin, int fout)
    {
        _out = fout;
        Parameter("weight", fout, fin);
        Parameter("bias", fout);
    }

    /// <summary>[N, in] → [N, out].</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x) => g.Linear(Key, x, _out);

    /// <summary>The same map applied to every pixel of [N, in, H, W] (a 1×1 convolution), plus an optional residual.</summary>
    public GraphValue ForwardPixels(GraphBuilder g, GraphValue x, GraphValue? residual = null) =>
        g.Conv2d(Key, x, _out, 1, residual: residual, linearWeights: true);
}

/// <summary>torch.nn.GroupNorm with affine weight (γ) and bias (β) [C].</summary>
public sealed class GroupNorm : Module
{
    private readonly int _groups;
    private readonly float _eps;

    /// <summary>Declares the layer.</summary>
    public GroupNorm(int channels, int groups, float eps)
    {
        (_groups, _eps) = (groups, eps);
        Parameter("weight", channels);
        Parameter("bias", channels);
    }

    /// <summary>Normalises [N, C, H, W]; with <paramref name="silu"/> the following SiLU is fused in.</summary>
    public GraphValue Forward(GraphBuilder g, GraphValue x, bool silu) => g.GroupNorm(Key, x, _groups, _eps, silu);
}
