namespace StmKernel.Tensors.Kernels;

/// <summary>
/// A 3×3 convolution's weights transformed for Winograd F(m×m, 3×3), m = 2 or 4: U = G·g·Gᵀ
/// ((m+2)² values per output/input channel pair), packed [(m+2)² positions][Cout/16][Cin][16] so each
/// position's product is a 1×1 convolution for <see cref="ConvTile"/>. Lanes past Cout are zero.
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

    /// <summary>Transformed, packed weights (pinned).</summary>
    public float[] Packed { get; }

    /// <summary>Bias padded to CoutBlocks·16 (pinned).</summary>
    public float[] Bias { get; }

    // G of F(2×2, 3×3) and of F(4×4, 3×3) (Lavin & Gray 2016), applied once, in double.
    private static readonly double[,] G2 = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };
    private static readonly double[,] G4 =
    {
        { 1 / 4.0, 0, 0 }, { -1 / 6.0, -1 / 6.0, -1 / 6.0 }, { -1 / 6.0, 1 / 6.0, -1 / 6.0 },
        { 1 / 24.0, 1 / 12.0, 1 / 6.0 }, { 1 / 24.0, -1 / 12.0, 1 / 6.0 }, { 0, 0, 1 },
    };

    /// <summary>Transforms PyTorch-layout weights [Cout, Cin, 3, 3] and bias [Cout] for tile size <paramref name="tileSize"/> (2 or 4).</summary>
    public WinogradWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int cin, int tileSize = 4)
    {
        if (tileSize is not (2 or 4)) throw new ArgumentException($"Winograd tile size {tileSize} not supported (2 or 4)");
        TileSize = tileSize;
        if (weight.Length != cout * cin * 9) throw new ArgumentException($"conv weight has {weight.Length} values, expected [{cout}, {cin}, 3, 3]");
        if (bias.Length != cout) throw new ArgumentException($"conv bias has {bias.Length} values, expected {cout}");
        Cin = cin; Cout = cout;
        Packed = GC.AllocateArray<float>(Positions * PositionStride, pinned: true);
        Bias = GC.AllocateArray<float>(CoutBlocks * 16, pinned: true);
        Load(weight, bias);
    }

    /// <summary>Re-transforms from PyTorch-layout weights and bias of this shape (after they changed, e.g. a training step).</summary>
    public void Load(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
    {
        if (weight.Length != Cout * Cin * 9 || bias.Length != Cout)
            throw new ArgumentException($"conv weights have {weight.Length} + {bias.Length} values, expected [{Cout}, {Cin}, 3, 3] + [{Cout}]");
        int cout = Cout, cin = Cin;
        bias.CopyTo(Bias);
        var g = TileSize == 2 ? G2 : G4;
        int t = TileSize + 2;
        var gg = new double[t, 3];
        for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
            {
                var k = weight.Slice((co * cin + ci) * 9, 9);
                for (int i = 0; i < t; i++)
                    for (int j = 0; j < 3; j++)
                        gg[i, j] = g[i, 0] * k[j] + g[i, 1] * k[3 + j] + g[i, 2] * k[6 + j];
                for (int i = 0; i < t; i++)
                    for (int j = 0; j < t; j++)
                    {
                        double u = gg[i, 0] * g[j, 0] + gg[i, 1] * g[j, 1] + gg[i, 2] * g[j, 2];
                        Packed[(i * t + j) * PositionStride + (co / 16) * BlockStride + ci * 16 + co % 16] = (float)u;
                    }
            }
    }
}
