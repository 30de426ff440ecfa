namespace StmKernel.Tensors;

/// <summary>
/// The project's one seeded pseudo-random bit source: xoshiro256** (Blackman &amp; Vigna) with its state
/// filled by SplitMix64 (Steele, Lea &amp; Flood). Written here rather than using
/// <see cref="System.Random"/> so that synthetic data, sampler noise and test fixtures are bit-identical
/// for a seed across .NET versions and machines. Distributions live with their users (synthesis'
/// <c>Rng</c>, sampling's <c>GaussianNoise</c>); this type only supplies bits and 53-bit uniforms.
/// </summary>
public sealed class Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose state is four successive SplitMix64 outputs from <paramref name="seed"/>.</summary>
    public Xoshiro256(ulong seed)
    {
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    /// <summary>A generator started from an explicit state (not all zero), e.g. to match a reference implementation.</summary>
    public Xoshiro256(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0) throw new ArgumentException("xoshiro256** state must not be all zero");
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>One SplitMix64 step: advances <paramref name="state"/> by the golden-ratio increment and returns the mixed value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next raw 64-bit output.</summary>
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

    /// <summary>A uniform double on [0, 1) from the top 53 bits of <see cref="NextUInt64"/>.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
