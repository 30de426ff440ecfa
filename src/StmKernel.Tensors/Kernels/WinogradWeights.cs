using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// A 3×3 convolution's weights transformed for Winograd F(m×m, 3×3), m = 2 or 4: U = G·g·Gᵀ
/// ((m+2)² values per output/input channel pair), packed [(m+2)² positions][Cout/16][Cin][16] so each
/// position's product is a 1×1 convolution for <see cref="ConvTile"/>. Lanes past Cout are zero. The packing is the
/// object's own, or lives in a <see cref="WinogradScratch"/> shared by the layers of an inference plan and is
/// re-transformed before each use (<see cref="Streamed"/>).
/// </summary>
public sealed class WinogradWeights
{
    /// <summary>Input channels.</summary>
    public int Cin { get; }

    /// <summary>Output channels.</summary>
    public int Cout { get; }

    /// <summary>Output tile size m of F(m×m, 3×3): 2 or 4.</summary>
    public int TileSize { get; }

    /// <summary>Transform positions (m+2)².</summary>
    public int Positions => (TileSize + 2) * (TileSize + 2);

    /// <summary>Output channel blocks ⌈Cout/16⌉.</summary>
    public int CoutBlocks => (Cout + 15) / 16;

    /// <summary>Floats per output block within one position: Cin·16.</summary>
    public int BlockStride => Cin * 16;

    /// <summary>Floats per position: CoutBlocks·Cin·16.</summary>
    public int PositionStride => CoutBlocks * BlockStride;

    private readonly float[]? _packed, _bias;
    private readonly WinogradScratch? _scratch;

    /// <summary>Transformed, packed weights (pinned; a streamed packing's shared scratch may be longer).</summary>
    public float[] Packed => _packed ?? _scratch!.Packed;

    /// <summary>Bias padded to CoutBlocks·16 (pinned).</summary>
    public float[] Bias => _bias ?? _scratch!.Bias;

    // G of F(2×2, 3×3) and of F(4×4, 3×3) (Lavin & Gray 2016), row-major [t, 3].
    private static readonly float[] G2 = [1, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f, -0.5f, 0.5f, 0, 0, 1];
    private static readonly float[] G4 =
    [
        1 / 4f, 0, 0, -1 / 6f, -1 / 6f, -1 / 6f, -1 / 6f, 1 / 6f, -1 / 6f,
        1 / 24f, 1 / 12f, 1 / 6f, 1 / 24f, -1 / 12f, 1 / 6f, 0, 0, 1,
    ];

    /// <summary>Transforms PyTorch-layout weights [Cout, Cin, 3, 3] and bias [Cout] for tile size <paramref name="tileSize"/> (2 or 4).</summary>
    public WinogradWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int cin, int tileSize = 4)
    {
        if (tileSize is not (2 or 4)) throw new ArgumentException($"Winograd tile size {tileSize} not supported (2 or 4)");
        TileSize = tileSize;
        if (weight.Length != cout * cin * 9) throw new ArgumentException($"conv weight has {weight.Length} values, expected [{cout}, {cin}, 3, 3]");
        if (bias.Length != cout) throw new ArgumentException($"conv bias has {bias.Length} values, expected {cout}");
        Cin = cin; Cout = cout;
        _packed = GC.AllocateArray<float>(Positions * PositionStride, pinned: true);
        _bias = GC.AllocateArray<float>(CoutBlocks * 16, pinned: true);
        Load(weight, bias);
    }

    private WinogradWeights(WinogradScratch scratch, int cout, int cin, int tileSize)
    {
        if (tileSize is not (2 or 4)) throw new ArgumentException($"Winograd tile size {tileSize} not supported (2 or 4)");
        (TileSize, Cin, Cout, _scratch) = (tileSize, cin, cout, scratch);
        scratch.Reserve(Positions * PositionStride, CoutBlocks * 16);
    }

    /// <summary>
    /// A packing of this shape in <paramref name="scratch"/>, holding nothing until <see cref="Load(float[], float[], WorkerPool)"/>: the caller loads
    /// it before every run, since the other layers of the plan overwrite the scratch. Costs one transform per run
    /// (Cout·Cin·(m+2)² values written: ~17 % of a 128-channel F(4×4) layer's time at 32² and batch 1, ~2 % at
    /// batch 8; <see cref="Backends.Cpu.CpuBackend.StreamMinTiles"/>).
    /// </summary>
    public static WinogradWeights Streamed(WinogradScratch scratch, int cout, int cin, int tileSize)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        return new WinogradWeights(scratch, cout, cin, tileSize);
    }

    /// <summary>
    /// Re-transforms from PyTorch-layout weights and bias of this shape (after they changed, e.g. a
    /// training step, which calls this for every wide layer: keep it cheap). U = G·k·Gᵀ per 3×3 kernel,
    /// 16 output channels at a time in SIMD lanes.
    /// </summary>
    public void Load(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
    {
        CheckAndCopyBias(weight.Length, bias);
        for (int ob = 0; ob < CoutBlocks; ob++) TransformBlock(weight, ob);
    }

    /// <summary>
    /// <see cref="Load(ReadOnlySpan{float}, ReadOnlySpan{float})"/> with one task per 16 output channels on
    /// <paramref name="pool"/>: a streamed packing loads before every run, so it must not leave the other threads idle.
    /// </summary>
    public void Load(float[] weight, float[] bias, WorkerPool pool)
    {
        CheckAndCopyBias(weight.Length, bias);
        var job = _loadJob ??= new LoadJob(this);
        job.Weight = weight;
        pool.Run(job, CoutBlocks);
    }

    private LoadJob? _loadJob;

    private void CheckAndCopyBias(int weightLength, ReadOnlySpan<float> bias)
    {
        if (weightLength != Cout * Cin * 9 || bias.Length != Cout)
            throw new ArgumentException($"conv weights have {weightLength} + {bias.Length} values, expected [{Cout}, {Cin}, 3, 3] + [{Cout}]");
        bias.CopyTo(Bias);
    }

    private sealed class LoadJob(WinogradWeights owner) : ParallelJob
    {
        public float[] Weight = [];

        public override void Execute(int task) => owner.TransformBlock(Weight, task);
    }

    private void TransformBlock(ReadOnlySpan<float> weight, int ob) => SimdSupport.Run(new TransformBody(this, weight, ob));

    private readonly ref struct TransformBody(WinogradWeights owner, ReadOnlySpan<float> weight, int ob) : ISimdKernel
    {
        private readonly ReadOnlySpan<float> _weight = weight; // a span cannot be captured implicitly

        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => owner.TransformBlock<TV>(_weight, ob);
    }

    /// <summary>U = G·k·Gᵀ for the 16 output channels of block <paramref name="ob"/> and every input channel.</summary>
    private unsafe void TransformBlock<TV>(ReadOnlySpan<float> weight, int ob) where TV : unmanaged, ISimd16<TV>
    {
        ReadOnlySpan<float> g = TileSize == 2 ? G2 : G4;
        int t = TileSize + 2, cin = Cin;
        float* taps = stackalloc float[9 * 16];   // [tap][16 output channels]
        TV* gk = stackalloc TV[6 * 3];            // G·k, [t][3]
        fixed (float* packed = Packed)
        {
            int lanes = Math.Min(16, Cout - ob * 16);
            if (lanes < 16) new Span<float>(taps, 9 * 16).Clear(); // lanes past Cout stay zero
            for (int ci = 0; ci < cin; ci++)
            {
                for (int l = 0; l < lanes; l++)
                {
                    var k = weight.Slice(((ob * 16 + l) * cin + ci) * 9, 9);
                    for (int tap = 0; tap < 9; tap++) taps[tap * 16 + l] = k[tap];
                }
                for (int i = 0; i < t; i++)
                    for (int j = 0; j < 3; j++)
                        gk[i * 3 + j] = TV.MultiplyAdd(TV.Broadcast(g[i * 3 + 2]), TV.Load(taps + (6 + j) * 16),
                            TV.MultiplyAdd(TV.Broadcast(g[i * 3 + 1]), TV.Load(taps + (3 + j) * 16),
                                TV.Multiply(TV.Broadcast(g[i * 3]), TV.Load(taps + j * 16))));
                float* dst = packed + ob * BlockStride + ci * 16;
                for (int i = 0; i < t; i++)
                    for (int j = 0; j < t; j++)
                        TV.Store(dst + (i * t + j) * PositionStride,
                            TV.MultiplyAdd(gk[i * 3 + 2], TV.Broadcast(g[j * 3 + 2]),
                                TV.MultiplyAdd(gk[i * 3 + 1], TV.Broadcast(g[j * 3 + 1]), TV.Multiply(gk[i * 3], TV.Broadcast(g[j * 3])))));
            }
        }
    }
}
