using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StmKernel.Tensors;

/// <summary>
/// An activation in the kernels' internal layout: NCHW16c with a one-pixel zero halo,
/// stored as [N][Cb][H+2][W+2][16] with Cb = ⌈C/16⌉.
/// </summary>
/// <remarks>
/// Why this layout: one Vector512 holds the 16 channels of one pixel, so a direct convolution
/// broadcasts an input value and FMAs it against 16 output channels' weights (oneDNN's nChw16c).
/// The zero halo makes every 3×3/pad-1 convolution read without bounds checks; kernels write
/// only the interior and element-wise ops with f(0) = 0 may run over the whole buffer.
/// Lanes past C in the last block are kept zero. The array is pinned, so kernels use pointers.
/// A tensor either owns its array or is a view into a planner's <see cref="TensorPool"/> (one pinned block shared by
/// the activations of a plan, each at its planned offset).
/// </remarks>
public sealed unsafe class BlockedTensor
{
    /// <summary>Channels per block: the float lanes of one Vector512.</summary>
    public const int Lanes = 16;

    /// <summary>Batch size.</summary>
    public int N { get; }

    /// <summary>Logical channel count.</summary>
    public int C { get; }

    /// <summary>Height of the interior.</summary>
    public int H { get; }

    /// <summary>Width of the interior.</summary>
    public int W { get; }

    /// <summary>Channel blocks: ⌈C/16⌉.</summary>
    public int Cb { get; }

    /// <summary>Padded row length in pixels (W + 2).</summary>
    public int Wp => W + 2;

    /// <summary>Padded height (H + 2).</summary>
    public int Hp => H + 2;

    /// <summary>Floats in one padded channel-block plane: (H+2)(W+2)·16.</summary>
    public int PlaneStride => Hp * Wp * Lanes;

    private readonly float[]? _own;
    private readonly TensorPool? _pool;

    /// <summary>Floats in the buffer, including halo and padding lanes: N·Cb·(H+2)·(W+2)·16.</summary>
    public int Length { get; }

    /// <summary>The tensor's own array (a standalone tensor); a view into a plan's pool has none and throws: use <see cref="Data"/>.</summary>
    public float[] Storage => _own ?? throw new InvalidOperationException("this activation is a view into a plan's memory pool: use Data");

    /// <summary>The whole buffer, including halo and padding lanes.</summary>
    public Span<float> Data => _own is not null ? _own : _pool!.Span(Offset, Length);

    /// <summary>Pointer to element 0 of <see cref="Data"/> (valid for the object's lifetime: the memory is pinned).</summary>
    public float* Base => _own is not null ? (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_own)) : _pool!.Pointer + Offset;

    /// <summary>Allocates a zeroed activation of the given logical shape.</summary>
    public BlockedTensor(int n, int c, int h, int w)
    {
        (N, C, H, W, Cb, Length) = CheckShape(n, c, h, w);
        _own = GC.AllocateArray<float>(Length, pinned: true);
    }

    /// <summary>A view of <see cref="LengthOf"/>(n, c, h, w) floats of <paramref name="pool"/>, at the <see cref="Offset"/> its planner sets.</summary>
    internal BlockedTensor(TensorPool pool, int n, int c, int h, int w)
    {
        (N, C, H, W, Cb, Length) = CheckShape(n, c, h, w);
        _pool = pool;
    }

    /// <summary>A pool view's position in its pool, in floats (set by the planner before the memory is used).</summary>
    internal long Offset { get; set; }

    /// <summary>Floats a buffer of logical shape [n, c, h, w] takes (halo and padding lanes included).</summary>
    public static int LengthOf(int n, int c, int h, int w) => CheckShape(n, c, h, w).Length;

    private static (int N, int C, int H, int W, int Cb, int Length) CheckShape(int n, int c, int h, int w)
    {
        if (n <= 0 || c <= 0 || h <= 0 || w <= 0) throw new ArgumentException($"invalid activation shape [{n}, {c}, {h}, {w}]");
        int cb = (c + Lanes - 1) / Lanes;
        return (n, c, h, w, cb, checked(n * cb * (h + 2) * (w + 2) * Lanes));
    }

    /// <summary>True when the shapes match [n, c, h, w].</summary>
    public bool HasShape(int n, int c, int h, int w) => N == n && C == c && H == h && W == w;

    /// <summary>Pointer to interior pixel (y, x) of channel block <paramref name="cb"/> of sample <paramref name="n"/>;
    /// y and x may be −1 or H / W to address the halo.</summary>
    public float* At(int n, int cb, int y, int x) => Base + ((long)(n * Cb + cb) * Hp + (y + 1)) * Wp * Lanes + (x + 1) * Lanes;

    /// <summary>Copies a plain [N, C, H, W] tensor into this layout (shapes must match).</summary>
    public void CopyFrom(Tensor t)
    {
        if (t.Rank != 4 || !HasShape(t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]))
            throw new ArgumentException($"tensor shape {t.ShapeText} does not match activation [{N}, {C}, {H}, {W}]");
        CopyFrom(t.Data);
    }

    /// <summary>Copies plain row-major [N, C, H, W] data (exactly N·C·H·W values) into this layout.</summary>
    public void CopyFrom(ReadOnlySpan<float> src)
    {
        if (src.Length != (long)N * C * H * W) throw new ArgumentException($"got {src.Length} values for activation [{N}, {C}, {H}, {W}]");
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int y = 0; y < H; y++)
                {
                    float* dst = At(n, c / Lanes, y, 0) + c % Lanes;
                    int s = ((n * C + c) * H + y) * W;
                    for (int x = 0; x < W; x++) dst[x * Lanes] = src[s + x];
                }
    }

    /// <summary>Copies this activation out to a plain [N, C, H, W] tensor (shapes must match).</summary>
    public void CopyTo(Tensor t)
    {
        if (t.Rank != 4 || !HasShape(t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]))
            throw new ArgumentException($"tensor shape {t.ShapeText} does not match activation [{N}, {C}, {H}, {W}]");
        CopyTo(t.Data);
    }

    /// <summary>Copies this activation out to plain row-major [N, C, H, W] data (exactly N·C·H·W values).</summary>
    public void CopyTo(Span<float> dst)
    {
        if (dst.Length != (long)N * C * H * W) throw new ArgumentException($"got room for {dst.Length} values for activation [{N}, {C}, {H}, {W}]");
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int y = 0; y < H; y++)
                {
                    float* src = At(n, c / Lanes, y, 0) + c % Lanes;
                    int d = ((n * C + c) * H + y) * W;
                    for (int x = 0; x < W; x++) dst[d + x] = src[x * Lanes];
                }
    }

    /// <summary>A new activation holding <paramref name="t"/>.</summary>
    public static BlockedTensor From(Tensor t)
    {
        if (t.Rank != 4) throw new ArgumentException($"expected a rank-4 tensor, got {t.ShapeText}");
        var b = new BlockedTensor(t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]);
        b.CopyFrom(t);
        return b;
    }

    /// <summary>The activation as a new plain [N, C, H, W] tensor.</summary>
    public Tensor ToTensor()
    {
        var t = new Tensor(N, C, H, W);
        CopyTo(t);
        return t;
    }
}
