using System.Runtime.CompilerServices;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// The input/output transforms of one Winograd F(m×m, 3×3) variant for <see cref="WinogradConv3x3"/>:
/// V = Bᵀ d B of an (m+2)² input patch into (m+2)² position panels, and Y = Aᵀ M A back to an m×m
/// output tile with the fused epilogue (bias, residual).
/// </summary>
internal unsafe interface IWinogradTransform
{
    /// <summary>Output tile size m.</summary>
    static abstract int Out { get; }

    /// <summary>Writes the (m+2)² transformed values of the patch at <paramref name="d"/> (row stride <paramref name="row"/> floats) to v + pos·posStride.</summary>
    static abstract void Input<TV>(float* d, int row, float* v, int posStride) where TV : unmanaged, ISimd16<TV>;

    /// <summary>Reads (m+2)² products at m + pos·posStride and stores the m×m tile (+ bias, + residual) at <paramref name="output"/>.</summary>
    static abstract void Output<TV>(float* m, int posStride, TV bias, float* output, int row, float* residual) where TV : unmanaged, ISimd16<TV>;
}

/// <summary>F(2×2, 3×3): Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]], Aᵀ = [[1,1,1,0],[0,1,−1,−1]] (only ±1).</summary>
internal unsafe struct WinogradF2 : IWinogradTransform
{
    public static int Out => 2;

    /// <summary>V = Bᵀ d B for one 4×4 patch of 16-channel vectors; Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input<TV>(float* d, int row, float* v, int posStride) where TV : unmanaged, ISimd16<TV>
    {
        // Column pass (Bᵀ d) for one column c yields t[0..3][c]; the row pass (· B) then needs all four
        // columns of one row, so rows are finished as soon as their four t values exist (locals, no stack array).
        Column(d, row, out TV t00, out TV t10, out TV t20, out TV t30);
        Column(d + 16, row, out TV t01, out TV t11, out TV t21, out TV t31);
        Column(d + 32, row, out TV t02, out TV t12, out TV t22, out TV t32);
        Column(d + 48, row, out TV t03, out TV t13, out TV t23, out TV t33);
        Row(v, posStride, 0, t00, t01, t02, t03);
        Row(v, posStride, 4, t10, t11, t12, t13);
        Row(v, posStride, 8, t20, t21, t22, t23);
        Row(v, posStride, 12, t30, t31, t32, t33);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Column(float* p, int row, out TV t0, out TV t1, out TV t2, out TV t3)
        {
            TV d0 = TV.Load(p), d1 = TV.Load(p + row), d2 = TV.Load(p + 2 * row), d3 = TV.Load(p + 3 * row);
            t0 = TV.Subtract(d0, d2);
            t1 = TV.Add(d1, d2);
            t2 = TV.Subtract(d2, d1);
            t3 = TV.Subtract(d1, d3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Row(float* v, int posStride, int first, TV a, TV b, TV c, TV e)
        {
            TV.Store(v + first * posStride, TV.Subtract(a, c));
            TV.Store(v + (first + 1) * posStride, TV.Add(b, c));
            TV.Store(v + (first + 2) * posStride, TV.Subtract(c, b));
            TV.Store(v + (first + 3) * posStride, TV.Subtract(b, e));
        }
    }

    /// <summary>Y = Aᵀ M A with Aᵀ = [[1,1,1,0],[0,1,−1,−1]], plus bias and residual, stored as a 2×2 output tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output<TV>(float* m, int posStride, TV bias, float* output, int row, float* residual) where TV : unmanaged, ISimd16<TV>
    {
        Column(m, posStride, out TV s00, out TV s10);
        Column(m + posStride, posStride, out TV s01, out TV s11);
        Column(m + 2 * posStride, posStride, out TV s02, out TV s12);
        Column(m + 3 * posStride, posStride, out TV s03, out TV s13);
        Row(output, residual, bias, s00, s01, s02, s03);
        Row(output + row, residual == null ? null : residual + row, bias, s10, s11, s12, s13);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Column(float* m, int posStride, out TV s0, out TV s1)
        {
            TV m0 = TV.Load(m), m1 = TV.Load(m + 4 * posStride), m2 = TV.Load(m + 8 * posStride), m3 = TV.Load(m + 12 * posStride);
            s0 = TV.Add(TV.Add(m0, m1), m2);
            s1 = TV.Subtract(TV.Subtract(m1, m2), m3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Row(float* output, float* residual, TV bias, TV a, TV b, TV c, TV e)
        {
            TV y0 = TV.Add(TV.Add(TV.Add(a, b), c), bias);
            TV y1 = TV.Add(TV.Subtract(TV.Subtract(b, c), e), bias);
            if (residual != null)
            {
                y0 = TV.Add(y0, TV.Load(residual));
                y1 = TV.Add(y1, TV.Load(residual + 16));
            }
            TV.Store(output, y0);
            TV.Store(output + 16, y1);
        }
    }
}

/// <summary>
/// F(4×4, 3×3) (Lavin &amp; Gray 2016): Bᵀ = [[4,0,−5,0,1,0],[0,−4,−4,1,1,0],[0,4,−4,−1,1,0],
/// [0,−2,−1,2,1,0],[0,2,−1,−2,1,0],[0,4,0,−5,0,1]], Aᵀ = [[1,1,1,1,1,0],[0,1,−1,2,−2,0],
/// [0,1,1,4,4,0],[0,1,−1,8,−8,1]]. Each 1-D pass is written out with shared sub-terms.
/// </summary>
internal unsafe struct WinogradF4 : IWinogradTransform
{
    public static int Out => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input<TV>(float* d, int row, float* v, int posStride) where TV : unmanaged, ISimd16<TV>
    {
        // Columns first (Bᵀ d) into a 6×6 stack panel, then rows (· B) straight into the position panels.
        TV* t = stackalloc TV[36];
        for (int c = 0; c < 6; c++)
        {
            float* p = d + c * 16;
            Pass(TV.Load(p), TV.Load(p + row), TV.Load(p + 2 * row), TV.Load(p + 3 * row), TV.Load(p + 4 * row), TV.Load(p + 5 * row),
                 out t[c], out t[6 + c], out t[12 + c], out t[18 + c], out t[24 + c], out t[30 + c]);
        }
        for (int r = 0; r < 6; r++)
        {
            TV* q = t + 6 * r;
            Pass(q[0], q[1], q[2], q[3], q[4], q[5], out TV v0, out TV v1, out TV v2, out TV v3, out TV v4, out TV v5);
            float* o = v + 6 * r * posStride;
            TV.Store(o, v0); TV.Store(o + posStride, v1); TV.Store(o + 2 * posStride, v2);
            TV.Store(o + 3 * posStride, v3); TV.Store(o + 4 * posStride, v4); TV.Store(o + 5 * posStride, v5);
        }
    }

    /// <summary>One 1-D Bᵀ pass: r0 = 4d0 − 5d2 + d4, r1,2 = (d4 − 4d2) ± (d3 − 4d1), r3,4 = (d4 − d2) ± 2(d3 − d1), r5 = 4d1 − 5d3 + d5.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pass<TV>(TV d0, TV d1, TV d2, TV d3, TV d4, TV d5, out TV r0, out TV r1, out TV r2, out TV r3, out TV r4, out TV r5)
        where TV : unmanaged, ISimd16<TV>
    {
        TV four = TV.Broadcast(4f), minusFive = TV.Broadcast(-5f), minusFour = TV.Broadcast(-4f), two = TV.Broadcast(2f);
        r0 = TV.MultiplyAdd(four, d0, TV.MultiplyAdd(minusFive, d2, d4));
        TV a = TV.MultiplyAdd(minusFour, d2, d4), b = TV.MultiplyAdd(minusFour, d1, d3);
        r1 = TV.Add(a, b);
        r2 = TV.Subtract(a, b);
        TV c = TV.Subtract(d4, d2), e = TV.Multiply(two, TV.Subtract(d3, d1));
        r3 = TV.Add(c, e);
        r4 = TV.Subtract(c, e);
        r5 = TV.MultiplyAdd(four, d1, TV.MultiplyAdd(minusFive, d3, d5));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output<TV>(float* m, int posStride, TV bias, float* output, int row, float* residual) where TV : unmanaged, ISimd16<TV>
    {
        // Columns first (Aᵀ M): 6 columns × 4 rows into a stack panel, then rows (· A) to the 4×4 tile.
        TV* s = stackalloc TV[24];
        for (int c = 0; c < 6; c++)
        {
            float* p = m + c * posStride;
            int step = 6 * posStride;
            Pass(TV.Load(p), TV.Load(p + step), TV.Load(p + 2 * step), TV.Load(p + 3 * step), TV.Load(p + 4 * step), TV.Load(p + 5 * step),
                 out s[c], out s[6 + c], out s[12 + c], out s[18 + c]);
        }
        for (int r = 0; r < 4; r++)
        {
            TV* q = s + 6 * r;
            Pass(q[0], q[1], q[2], q[3], q[4], q[5], out TV y0, out TV y1, out TV y2, out TV y3);
            float* o = output + r * row;
            float* res = residual == null ? null : residual + r * row;
            Store(o, res, 0, TV.Add(y0, bias));
            Store(o, res, 1, TV.Add(y1, bias));
            Store(o, res, 2, TV.Add(y2, bias));
            Store(o, res, 3, TV.Add(y3, bias));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Store(float* o, float* res, int x, TV y)
        {
            if (res != null) y = TV.Add(y, TV.Load(res + 16 * x));
            TV.Store(o + 16 * x, y);
        }
    }

    /// <summary>One 1-D Aᵀ pass: o0 = m0 + p + r, o1 = q + 2s, o2 = p + 4r, o3 = q + 8s + m5 with p,q = m1 ± m2, r,s = m3 ± m4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pass<TV>(TV m0, TV m1, TV m2, TV m3, TV m4, TV m5, out TV o0, out TV o1, out TV o2, out TV o3)
        where TV : unmanaged, ISimd16<TV>
    {
        TV p = TV.Add(m1, m2), q = TV.Subtract(m1, m2), r = TV.Add(m3, m4), s = TV.Subtract(m3, m4);
        o0 = TV.Add(TV.Add(m0, p), r);
        o1 = TV.MultiplyAdd(TV.Broadcast(2f), s, q);
        o2 = TV.MultiplyAdd(TV.Broadcast(4f), r, p);
        o3 = TV.Add(TV.MultiplyAdd(TV.Broadcast(8f), s, q), m5);
    }
}
