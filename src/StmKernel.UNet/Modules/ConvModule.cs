using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.UNet.Planning;

namespace StmKernel.UNet.Modules;

/// <summary>
/// A Conv2d module (<c>KEY.weight</c> [Cout, Cin, K, K], <c>KEY.bias</c>), packed once at load; the
/// kernel per input shape (Winograd or direct) is <see cref="ConvPackings"/>' choice.
/// </summary>
internal sealed class ConvModule
{
    public string Key { get; }

    public ConvPackings Packings { get; }

    public ConvModule(ParameterReader p, string key, int cin, int cout, int k, int stride = 1)
    {
        Key = key;
        Packings = new ConvPackings(p[key + ".weight"], p[key + ".bias"], cout, cin, k, stride);
    }

    /// <summary>Plans out = conv(x) [+ sampleBias] [+ residual] into a new buffer.</summary>
    public BlockedTensor Plan(PlanBuilder b, BlockedTensor x, BlockedTensor? residual = null, float[]? sampleBias = null)
    {
        var y = b.Acquire(Packings.Direct.Cout, Packings.Direct.OutSize(x.H), Packings.Direct.OutSize(x.W));
        var (run, flops) = Packings.Plan(x, y, residual, sampleBias);
        b.Add(Key, flops, run);
        return y;
    }
}
