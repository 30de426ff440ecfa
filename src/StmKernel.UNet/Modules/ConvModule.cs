using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.UNet.Planning;

namespace StmKernel.UNet.Modules;

/// <summary>
/// A Conv2d module (<c>KEY.weight</c> [Cout, Cin, K, K], <c>KEY.bias</c>), packed once at load.
/// 3×3 stride-1 layers with at least <see cref="WinogradMinChannels"/> input and output channels run as
/// Winograd F(2×2, 3×3) on even-sized inputs; everything else runs the direct kernel.
/// </summary>
internal sealed class ConvModule
{
    /// <summary>
    /// Below this channel count the Winograd transforms cost more than the multiplies they save
    /// (measured on AVX-512, 1 thread: 32→32 at 128² 0.8×, 64→64 at 64² 1.3×, 128→128 at 32² 1.7×).
    /// </summary>
    public const int WinogradMinChannels = 64;

    public string Key { get; }

    public ConvWeights Weights { get; }

    private readonly WinogradWeights? _winograd;

    public ConvModule(ParameterReader p, string key, int cin, int cout, int k, int stride = 1)
    {
        Key = key;
        var w = p[key + ".weight"];
        var b = p[key + ".bias"];
        Weights = new ConvWeights(w, b, cout, cin, k, stride);
        if (k == 3 && stride == 1 && cin >= WinogradMinChannels && cout >= WinogradMinChannels)
            _winograd = new WinogradWeights(w, b, cout, cin);
    }

    /// <summary>Plans out = conv(x) [+ sampleBias] [+ residual] into a new buffer.</summary>
    public BlockedTensor Plan(PlanBuilder b, BlockedTensor x, BlockedTensor? residual = null, float[]? sampleBias = null)
    {
        var y = b.Acquire(Weights.Cout, Weights.OutSize(x.H), Weights.OutSize(x.W));
        if (_winograd is not null && x.H % 2 == 0 && x.W % 2 == 0)
        {
            var wino = new WinogradConv3x3(_winograd, x, y, residual, sampleBias);
            b.Add(Key, wino.Flops, wino.Run);
        }
        else
        {
            var op = new Conv2d(Weights, x, y, residual, sampleBias);
            b.Add(Key, op.Flops, op.Run);
        }
        return y;
    }
}
