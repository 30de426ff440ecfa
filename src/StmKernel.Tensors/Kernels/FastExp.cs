using System.Runtime.CompilerServices;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Inlined single-precision e^x for SIMD vectors (Cephes expf: Cody–Waite range reduction, degree-6
/// polynomial, exponent built from integer bits), within ~2 ulp on [−87.3, 88.4]; inputs are clamped
/// to that range, so −∞ gives ≈1e−38 rather than 0.
/// </summary>
/// <remarks>
/// Why not Vector512.Exp: in .NET 10 it is an out-of-line call that widens to double, which is
/// slower and, inside a register-tiled loop, makes the JIT spill every live vector around the call.
/// One generic body serves every width: the JIT specialises it per <see cref="ISimd16{TSelf}"/> struct
/// and inlines the static-abstract operations, so it compiles to the same instructions a hand-written
/// Vector512 or Vector256 copy would.
/// </remarks>
internal static class FastExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /// <summary>Smallest input: e^Lo is the smallest normal float.</summary>
    internal const float Lo = -87.33654f;

    /// <summary>Largest input: keeps the exponent n ≤ 127 (finite).</summary>
    internal const float Hi = 88.37626f;

    /// <summary>e^x lane by lane, x clamped to [<see cref="Lo"/>, <see cref="Hi"/>].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TV>(TV x) where TV : unmanaged, ISimd16<TV>
    {
        x = TV.Clamp(x, TV.Broadcast(Lo), TV.Broadcast(Hi));
        // x = n·ln2 + r with |r| ≤ ln2/2; ln2 in two parts so n·Ln2Hi is exact.
        var n = TV.Floor(TV.MultiplyAdd(x, TV.Broadcast(Log2E), TV.Broadcast(0.5f)));
        var r = TV.MultiplyAdd(n, TV.Broadcast(-Ln2Hi), x);
        r = TV.MultiplyAdd(n, TV.Broadcast(-Ln2Lo), r);
        var p = TV.MultiplyAdd(TV.Broadcast(P0), r, TV.Broadcast(P1));
        p = TV.MultiplyAdd(p, r, TV.Broadcast(P2));
        p = TV.MultiplyAdd(p, r, TV.Broadcast(P3));
        p = TV.MultiplyAdd(p, r, TV.Broadcast(P4));
        p = TV.MultiplyAdd(p, r, TV.Broadcast(P5));
        p = TV.MultiplyAdd(p, TV.Multiply(r, r), TV.Add(r, TV.Broadcast(1f)));
        return TV.Multiply(p, TV.PowerOfTwo(n));
    }
}
