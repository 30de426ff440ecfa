namespace StmKernel.Synthesis.Tests;

/// <summary>Small deterministic test images.</summary>
internal static class TestImages
{
    /// <summary>Uniform random values in [0, 1).</summary>
    public static Plane Random(int w, int h, long seed)
    {
        var rng = new Rng(seed);
        var p = new Plane(w, h);
        for (int i = 0; i < p.Data.Length; i++) p.Data[i] = (float)rng.NextDouble();
        return p;
    }

    /// <summary>A naive reflect index (d c b a | a b c d) written independently of the library's.</summary>
    public static int Mirror(int i, int n)
    {
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
        return i;
    }
}
