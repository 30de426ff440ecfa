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
    private WinogradWeights? _winograd2, _winograd4; // packed on first use by a plan that needs them
    private bool _directUsed;                          // Refresh re-packs only what some plan runs …
    private bool _directStale;                         // … and marks the unused direct packing out of date

    /// <summary>Packs <paramref name="weight"/> [Cout, Cin, K, K] and <paramref name="bias"/> [Cout] for the direct kernel (Winograd packings follow on demand).</summary>
    public ConvPackings(float[] weight, float[] bias, int cout, int cin, int k, int stride = 1)
    {
        _weight = weight ?? throw new ArgumentNullException(nameof(weight));
        _bias = bias ?? throw new ArgumentNullException(nameof(bias));
        Direct = new ConvWeights(weight, bias, cout, cin, k, stride);
    }

    /// <summary>The direct kernel's packing (also the shape: Cin, Cout, K, stride). Packed at construction;
    /// <see cref="Refresh"/> keeps it current only once a plan runs the direct kernel.</summary>
    public ConvWeights Direct { get; }

    /// <summary>The Winograd tile size (4 or 2) for an input of <paramref name="h"/>×<paramref name="w"/>, or 0 for the direct kernel.</summary>
    public int WinogradTile(int h, int w)
    {
        if (Direct.K != 3 || Direct.Stride != 1 || Direct.Cin < WinogradMinChannels) return 0;
        if (h % 4 == 0 && w % 4 == 0 && w >= 32) return 4;
        return h % 2 == 0 && w % 2 == 0 ? 2 : 0;
    }

    /// <summary>
    /// Plans y = conv(x) + bias [+ per-sample bias] [+ residual] on the kernel chosen for x's size.
    /// <paramref name="residual"/> may be <paramref name="y"/> itself (accumulate into y).
    /// </summary>
    /// <returns>The run and its multiply-adds ×2 (of the equivalent direct convolution).</returns>
    public (Action<WorkerPool> Run, double Flops) Plan(BlockedTensor x, BlockedTensor y, BlockedTensor? residual = null, float[]? sampleBias = null)
    {
        switch (WinogradTile(x.H, x.W))
        {
            case 0:
                if (_directStale) Direct.Load(_weight, _bias); // a Refresh skipped it
                _directUsed = true;
                _directStale = false;
                var direct = new Conv2d(Direct, x, y, residual, sampleBias);
                return (direct.Run, direct.Flops);
            case int tile:
                var weights = tile == 4
                    ? _winograd4 ??= new WinogradWeights(_weight, _bias, Direct.Cout, Direct.Cin, 4)
                    : _winograd2 ??= new WinogradWeights(_weight, _bias, Direct.Cout, Direct.Cin, 2);
                var wino = new WinogradConv3x3(weights, x, y, residual, sampleBias);
                return (wino.Run, wino.Flops);
        }
    }

    /// <summary>Re-packs every packing a plan uses from the (changed) weight and bias arrays.</summary>
    public void Refresh()
    {
        if (_directUsed) Direct.Load(_weight, _bias);
        else _directStale = true;
        _winograd2?.Load(_weight, _bias);
        _winograd4?.Load(_weight, _bias);
    }
}
