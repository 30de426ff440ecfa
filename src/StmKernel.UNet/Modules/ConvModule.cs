using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.UNet.Planning;

namespace StmKernel.UNet.Modules;

/// <summary>A Conv2d module (<c>KEY.weight</c> [Cout, Cin, K, K], <c>KEY.bias</c>), packed once at load.</summary>
internal sealed class ConvModule
{
    public string Key { get; }

    public ConvWeights Weights { get; }

    public ConvModule(ParameterReader p, string key, int cin, int cout, int k, int stride = 1)
    {
        Key = key;
        Weights = new ConvWeights(p[key + ".weight"], p[key + ".bias"], cout, cin, k, stride);
    }

    /// <summary>Plans out = conv(x) [+ sampleBias] [+ residual] into a new buffer.</summary>
    public BlockedTensor Plan(PlanBuilder b, BlockedTensor x, BlockedTensor? residual = null, float[]? sampleBias = null)
    {
        var y = b.Acquire(Weights.Cout, Weights.OutSize(x.H), Weights.OutSize(x.W));
        var op = new Conv2d(Weights, x, y, residual, sampleBias);
        b.Add(Key, op.Flops, op.Run);
        return y;
    }
}
