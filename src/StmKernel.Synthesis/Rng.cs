namespace StmKernel.Synthesis;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256** seeded through SplitMix64). Written here rather
/// than using <see cref="System.Random"/> so that every synthetic image and test set is bit-identical
/// across .NET versions and machines: the manifests promise reproducibility by seed.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose whole stream is fixed by <paramref name="seed"/>.</summary>
    public Rng(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>
    /// An independent stream keyed by a seed and a path of integers (e.g. seed, split, sample index),
    /// so sample <c>i</c> is the same whether or not samples before it were drawn.
    /// </summary>
    public static Rng Derive(long seed, params ReadOnlySpan<long> keys) => new(DeriveSeed(seed, keys));

    /// <summary>The seed <see cref="Derive"/> uses: a SplitMix64 hash chain over the seed and keys.</summary>
    public static long DeriveSeed(long seed, params ReadOnlySpan<long> keys)
    {
        ulong h = unchecked((ulong)seed);
        h = SplitMix(ref h);
        foreach (long k in keys)
        {
            ulong x = h ^ unchecked((ulong)k * 0xD1B54A32D192ED03UL);
            h = SplitMix(ref x);
        }
        return unchecked((long)h);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 raw bits.</summary>
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

    /// <summary>Uniform on [0, 1), 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [a, b).</summary>
    public double Uniform(double a, double b) => a + (b - a) * NextDouble();

    /// <summary>Uniform integer on [lo, hi], both inclusive (unbiased by rejection).</summary>
    public int UniformInt(int lo, int hi)
    {
        if (hi < lo) throw new ArgumentException($"empty integer range [{lo}, {hi}]");
        ulong range = (ulong)((long)hi - lo) + 1;
        ulong limit = ulong.MaxValue - ulong.MaxValue % range;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return (int)(lo + (long)(r % range));
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>Standard normal variate (Box–Muller, one of the pair; simple beats fast here).</summary>
    public double Normal()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Index i drawn with probability <paramref name="weights"/>[i] / Σ weights.</summary>
    public int Categorical(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (double w in weights) total += w;
        double r = NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0) return i;
        }
        return weights.Length - 1;
    }

    /// <summary>Poisson variate: Knuth's product method for small means, rounded normal above 50.</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0) return 0;
        if (mean > 50) return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Normal()));
        double limit = Math.Exp(-mean), p = 1.0;
        int k = 0;
        while ((p *= NextDouble()) > limit) k++;
        return k;
    }

    /// <summary>An exponential variate with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());
}
