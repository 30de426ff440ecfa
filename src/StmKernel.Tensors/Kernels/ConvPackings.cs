using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// One convolution's weights in every packing its plans use, and the kernel chosen per input shape:
/// 3×3 stride-1 layers with at least <see cref="WinogradMinChannels"/> input channels run as Winograd
/// F(4×4, 3×3) when H and W are multiples of 4 and a tile row holds a full 8-tile register block
/// (W ≥ 32), else F(2×2, 3×3) on even sizes; everything else runs the direct <see cref="Conv2d"/>.
/// </summary>
/// <remarks>
/// The PyTorch-layout arrays are held by reference: after they change (an optimizer step) call
/// <see cref="Refresh"/>, which re-packs every packing made so far. Inference packs once at load;
/// training forwards and input gradients go through the same choice, so both run the fast kernels.
/// </remarks>
public sealed class ConvPackings
{
    /// <summary>
    /// Below this input channel count the Winograd transforms cost about what the multiplies save
    /// (AVX-512, 1 thread, speed-up over direct: 32→32 at 128² F2 0.7×, F4 0.9×; 96→32 at 128² F4 1.3×;
    /// 128→128 at 32² F2 1.6×, F4 2.2×).
    /// </summary>
    public const int WinogradMinChannels = 64;

    private readonly float[] _weight, _bias;
    // Each packing is made on first use by a plan that runs it, and only those are kept and refreshed: a layer that
    // always runs Winograd F(4×4) holds no direct copy (Small U-Net: 13 MB of the 76 MB of packed weights).
    private ConvWeights? _direct;
    private WinogradWeights? _winograd2, _winograd4;

    /// <summary>Keeps <paramref name="weight"/> [Cout, Cin, K, K] and <paramref name="bias"/> [Cout] by reference; packings follow on demand.</summary>
    public ConvPackings(float[] weight, float[] bias, int cout, int cin, int k, int stride = 1)
    {
        _weight = weight ?? throw new ArgumentNullException(nameof(weight));
        _bias = bias ?? throw new ArgumentNullException(nameof(bias));
        if (k is not (1 or 3)) throw new ArgumentException($"kernel size {k} not supported (1 or 3)");
        if (stride is not (1 or 2)) throw new ArgumentException($"stride {stride} not supported (1 or 2)");
        if (weight.Length != cout * cin * k * k)
            throw new ArgumentException($"conv weight has {weight.Length} values, expected [{cout}, {cin}, {k}, {k}]");
        if (bias.Length != cout) throw new ArgumentException($"conv bias has {bias.Length} values, expected {cout}");
        (Cout, Cin, K, Stride) = (cout, cin, k, stride);
    }

    /// <summary>Output channels.</summary>
    public int Cout { get; }

    /// <summary>Input channels.</summary>
    public int Cin { get; }

    /// <summary>Kernel size K (1 or 3).</summary>
    public int K { get; }

    /// <summary>Stride (1 or 2).</summary>
    public int Stride { get; }

    /// <summary>The Winograd tile size (4 or 2) for an input of <paramref name="h"/>×<paramref name="w"/>, or 0 for the direct kernel.</summary>
    public int WinogradTile(int h, int w)
    {
        if (K != 3 || Stride != 1 || Cin < WinogradMinChannels) return 0;
        if (h % 4 == 0 && w % 4 == 0 && w >= 32) return 4;
        return h % 2 == 0 && w % 2 == 0 ? 2 : 0;
    }

    /// <summary>
    /// Plans y = conv(x) + bias [+ per-sample bias] [+ residual] on the kernel chosen for x's size.
    /// <paramref name="residual"/> may be <paramref name="y"/> itself (accumulate into y). With <paramref name="stream"/>,
    /// a Winograd layer transforms its weights into that shared scratch before every run instead of keeping a packing.
    /// </summary>
    /// <returns>The run and its multiply-adds ×2 (of the equivalent direct convolution).</returns>
    public (Action<WorkerPool> Run, double Flops) Plan(BlockedTensor x, BlockedTensor y, BlockedTensor? residual = null, float[]? sampleBias = null,
        WinogradScratch? stream = null)
    {
        if (stream is not null && WinogradTile(x.H, x.W) is int m and > 0)
        {
            var streamed = WinogradWeights.Streamed(stream, Cout, Cin, m);
            var conv = new WinogradConv3x3(streamed, x, y, residual, sampleBias);
            return (pool => { streamed.Load(_weight, _bias, pool); conv.Run(pool); }, conv.Flops);
        }
        switch (WinogradTile(x.H, x.W))
        {
            case 0:
                var direct = new Conv2d(_direct ??= new ConvWeights(_weight, _bias, Cout, Cin, K, Stride), x, y, residual, sampleBias);
                return (direct.Run, direct.Flops);
            case int tile:
                var weights = tile == 4
                    ? _winograd4 ??= new WinogradWeights(_weight, _bias, Cout, Cin, 4)
                    : _winograd2 ??= new WinogradWeights(_weight, _bias, Cout, Cin, 2);
                var wino = new WinogradConv3x3(weights, x, y, residual, sampleBias);
                return (wino.Run, wino.Flops);
        }
    }

    /// <summary>Re-packs every packing a plan uses from the (changed) weight and bias arrays.</summary>
    public void Refresh()
    {
        _direct?.Load(_weight, _bias);
        _winograd2?.Load(_weight, _bias);
        _winograd4?.Load(_weight, _bias);
    }
}
