using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.UNet.Planning;

namespace StmKernel.UNet.Modules;

/// <summary>
/// A Conv2d module (<c>KEY.weight</c> [Cout, Cin, K, K], <c>KEY.bias</c>), packed once at load.
/// 3×3 stride-1 layers with at least <see cref="WinogradMinChannels"/> input channels run as Winograd
/// F(4×4, 3×3) when H and W are multiples of 4 and a tile row holds a full 8-tile register block
/// (W ≥ 32), else F(2×2, 3×3) on even sizes; everything else runs the direct kernel.
/// </summary>
internal sealed class ConvModule
{
    /// <summary>
    /// Below this input channel count the Winograd transforms cost about what the multiplies save
    /// (AVX-512, 1 thread, speed-up over direct: 32→32 at 128² F2 0.7×, F4 0.9×; 96→32 at 128² F4 1.3×;
    /// 128→128 at 32² F2 1.6×, F4 2.2×).
    /// </summary>
    public const int WinogradMinChannels = 64;

    public string Key { get; }

    public ConvWeights Weights { get; }

    private readonly float[] _weight, _bias;
    private WinogradWeights? _winograd2, _winograd4; // packed on first use by a plan that needs them

    public ConvModule(ParameterReader p, string key, int cin, int cout, int k, int stride = 1)
    {
        Key = key;
        var w = p[key + ".weight"];
        var b = p[key + ".bias"];
        _weight = w; _bias = b;
        Weights = new ConvWeights(w, b, cout, cin, k, stride);
    }

    /// <summary>Plans out = conv(x) [+ sampleBias] [+ residual] into a new buffer.</summary>
    public BlockedTensor Plan(PlanBuilder b, BlockedTensor x, BlockedTensor? residual = null, float[]? sampleBias = null)
    {
        var y = b.Acquire(Weights.Cout, Weights.OutSize(x.H), Weights.OutSize(x.W));
        if (WinogradTile(x) is int tile and > 0)
        {
            var weights = tile == 4
                ? _winograd4 ??= new WinogradWeights(_weight, _bias, Weights.Cout, Weights.Cin, 4)
                : _winograd2 ??= new WinogradWeights(_weight, _bias, Weights.Cout, Weights.Cin, 2);
            var wino = new WinogradConv3x3(weights, x, y, residual, sampleBias);
            b.Add(Key, wino.Flops, wino.Run);
        }
        else
        {
            var op = new Conv2d(Weights, x, y, residual, sampleBias);
            b.Add(Key, op.Flops, op.Run);
        }
        return y;
    }

    /// <summary>The Winograd tile size for input <paramref name="x"/>, or 0 for the direct kernel.</summary>
    private int WinogradTile(BlockedTensor x)
    {
        if (Weights.K != 3 || Weights.Stride != 1 || Weights.Cin < WinogradMinChannels) return 0;
        if (x.H % 4 == 0 && x.W % 4 == 0 && x.W >= 32) return 4;
        return x.H % 2 == 0 && x.W % 2 == 0 ? 2 : 0;
    }
}
