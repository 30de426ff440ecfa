namespace StmKernel.Imaging.Tests.Classical;

/// <summary>Synthetic STM-like images and artefacts for the classical-baseline tests (fixed seeds, odd sizes).</summary>
internal static class Synthetic
{
    /// <summary>
    /// An atomic-lattice-like surface, amplitude ≈ 1: three cosine waves 60° apart (a hexagonal
    /// lattice rotated 10° off the scan axes, as real lattices are), a few adsorbate-like bumps and
    /// white measurement noise of σ = 0.05.
    /// </summary>
    public static StmImage Lattice(int w = 127, int h = 101, int seed = 1)
    {
        var rng = new Random(seed);
        var bumps = Enumerable.Range(0, 6).Select(_ => (X: rng.NextDouble() * w, Y: rng.NextDouble() * h, A: rng.NextDouble() * 1.5 - 0.5)).ToArray();
        var waves = new[] { 10.0, 70.0, 130.0 }.Select(deg => (Kx: Math.Cos(deg * Math.PI / 180) * 2 * Math.PI / 6.5, Ky: Math.Sin(deg * Math.PI / 180) * 2 * Math.PI / 6.5)).ToArray();
        var d = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double v = 0.0;
                foreach (var k in waves) v += 0.3 * Math.Cos(k.Kx * x + k.Ky * y);
                foreach (var b in bumps) v += b.A * Math.Exp(-((x - b.X) * (x - b.X) + (y - b.Y) * (y - b.Y)) / 18.0);
                d[y * w + x] = (float)(v + 0.05 * Normal(rng));
            }
        return new StmImage(d, w, h) { PixelSizeX = 1e-10, PixelSizeY = 1e-10, ZUnit = "m", Channel = "Z" };
    }

    /// <summary>Adds a random offset (normal, σ = <paramref name="sigma"/>) to every row.</summary>
    public static StmImage WithRowOffsets(StmImage im, double sigma, int seed = 2)
    {
        var rng = new Random(seed);
        var d = (float[])im.Data.Clone();
        for (int y = 0; y < im.Height; y++)
        {
            double s = sigma * Normal(rng);
            for (int x = 0; x < im.Width; x++) d[y * im.Width + x] += (float)s;
        }
        return im.WithData(d);
    }

    /// <summary>Adds <paramref name="count"/> horizontal scars (1–2 rows, 20–50 px, ±2–3 in height); returns the image and the true mask.</summary>
    public static (StmImage Image, bool[] Mask) WithScars(StmImage im, int count, int seed = 3)
    {
        var rng = new Random(seed);
        var d = (float[])im.Data.Clone();
        var mask = new bool[d.Length];
        for (int k = 0; k < count; k++)
        {
            int len = rng.Next(20, 51), rows = rng.Next(1, 3);
            int x0 = rng.Next(0, im.Width - len), y0 = rng.Next(2, im.Height - 3 - rows);
            double amp = (rng.Next(2) == 0 ? -1 : 1) * (2 + rng.NextDouble());
            for (int y = y0; y < y0 + rows; y++)
                for (int x = x0; x < x0 + len; x++)
                {
                    d[y * im.Width + x] += (float)amp;
                    mask[y * im.Width + x] = true;
                }
        }
        return (im.WithData(d), mask);
    }

    public static StmImage WithPlane(StmImage im, double bx, double cy)
    {
        var d = (float[])im.Data.Clone();
        for (int y = 0; y < im.Height; y++)
            for (int x = 0; x < im.Width; x++) d[y * im.Width + x] += (float)(bx * x + cy * y);
        return im.WithData(d);
    }

    /// <summary>PSNR in dB of <paramref name="test"/> against <paramref name="reference"/>, both with their mean removed (STM heights have no absolute zero), peak = reference range.</summary>
    public static double Psnr(StmImage reference, StmImage test)
    {
        double mr = reference.Data.Average(v => (double)v), mt = test.Data.Average(v => (double)v);
        double se = 0;
        for (int i = 0; i < reference.Data.Length; i++)
        {
            double e = (test.Data[i] - mt) - (reference.Data[i] - mr);
            se += e * e;
        }
        double mse = se / reference.Data.Length;
        double range = reference.Data.Max() - reference.Data.Min();
        return 10 * Math.Log10(range * range / Math.Max(mse, 1e-30));
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
