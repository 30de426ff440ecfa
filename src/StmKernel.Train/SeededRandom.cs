namespace StmKernel.Train;

/// <summary>
/// xoshiro256** with Gaussian draws (Box–Muller, both values used, none cached), whose whole
/// state is four words that a checkpoint saves and restores: a resumed run draws exactly the
/// numbers the uninterrupted run would have. (System.Random's state cannot be saved.)
/// </summary>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Seeds the generator through splitmix64, as xoshiro's authors recommend.</summary>
    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    /// <summary>The generator state, for checkpoints.</summary>
    public ulong[] State
    {
        get => [_s0, _s1, _s2, _s3];
        set
        {
            if (value is not { Length: 4 } || (value[0] | value[1] | value[2] | value[3]) == 0)
                throw new ArgumentException("a xoshiro256** state is four words, not all zero");
            (_s0, _s1, _s2, _s3) = (value[0], value[1], value[2], value[3]);
        }
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9, t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t; _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => n > 0 ? (int)(NextDouble() * n) : throw new ArgumentOutOfRangeException(nameof(n));

    /// <summary>Fills <paramref name="target"/> with standard normal values.</summary>
    public void FillGaussian(Span<float> target)
    {
        for (int i = 0; i < target.Length; i += 2)
        {
            double u1 = 1.0 - NextDouble(), u2 = NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1)), a = 2 * Math.PI * u2;
            target[i] = (float)(r * Math.Cos(a));
            if (i + 1 < target.Length) target[i + 1] = (float)(r * Math.Sin(a));
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
