namespace StmKernel.Sampling;

/// <summary>
/// Seeded standard-normal numbers that are bit-identical for a seed on every machine and runtime:
/// xoshiro256** (Blackman &amp; Vigna) seeded through SplitMix64, 53-bit uniforms, and Marsaglia's polar
/// method with our own natural logarithm (<see cref="Ln"/>), so only IEEE-exact operations (+, −, ×, ÷,
/// √) are involved — no platform libm.
/// </summary>
/// <remarks>
/// Streams: <c>new GaussianNoise(seed, stream)</c> seeds SplitMix64 with seed ⊕ (stream × 0x9E3779B97F4A7C15),
/// so ensemble member m of a run with seed s uses stream m. The polar method consumes a variable
/// number of uniforms, which is fine: the sequence is still a pure function of (seed, stream).
/// </remarks>
public sealed class GaussianNoise
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spare;

    /// <summary>1/27, 1/25, …, 1/3, 1: the odd atanh series z·(1 + z²/3 + z⁴/5 + …) for Horner's rule.</summary>
    private static readonly double[] AtanhSeries = [.. Enumerable.Range(0, 14).Select(k => 1.0 / (27 - 2 * k))];
    private bool _hasSpare;

    /// <summary>A generator for (seed, stream).</summary>
    public GaussianNoise(ulong seed, ulong stream = 0)
    {
        ulong sm = seed ^ (stream * 0x9E3779B97F4A7C15UL);
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>A generator started from an explicit xoshiro256** state (not all zero); for reference tests.</summary>
    internal GaussianNoise(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0) throw new ArgumentException("xoshiro256** state must not be all zero");
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>One SplitMix64 step (Steele, Lea &amp; Flood): advances <paramref name="state"/> and returns the mixed value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next raw 64-bit output of xoshiro256**.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextUniform() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal deviate (mean 0, variance 1), in double precision.</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextUniform() - 1;
            v = 2 * NextUniform() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Ln(s) / s);
        _spare = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal deviates rounded to float.</summary>
    public void Fill(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)NextGaussian();
    }

    /// <summary>
    /// Natural logarithm of a positive finite double from IEEE-exact operations only: x = m·2^e with
    /// m ∈ [√½, √2), ln x = e·ln 2 + 2·atanh((m−1)/(m+1)) by its odd series (|z| ≤ 0.172, 14 terms
    /// reach below 1e-17). Accurate to a few ulp; used so the noise never depends on the platform's libm.
    /// </summary>
    public static double Ln(double x)
    {
        if (!(x > 0) || double.IsInfinity(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "Ln needs a positive finite number");
        int e = 0;
        if (x < double.Epsilon * (1UL << 53))
        {
            // Subnormal: scale into the normal range first (exact).
            x *= 18014398509481984.0; // 2^54
            e = -54;
        }
        long bits = BitConverter.DoubleToInt64Bits(x);
        e += (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // [1, 2)
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }
        double z = (m - 1) / (m + 1);
        double z2 = z * z;
        double sum = 0;
        foreach (double coefficient in AtanhSeries) sum = sum * z2 + coefficient;   // Horner
        return e * 0.6931471805599453 + 2 * z * sum;
    }
}
