using System.Numerics;
using StmKernel.Imaging.Fourier;

namespace StmKernel.Imaging.Tests;

public class FftTests
{
    private static Complex[] RandomSignal(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => new Complex(r.NextDouble() * 2 - 1, r.NextDouble() * 2 - 1)).ToArray();
    }

    private static Complex[] NaiveDft(Complex[] x, bool inverse)
    {
        int n = x.Length;
        var y = new Complex[n];
        double sign = inverse ? 1 : -1;
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
                y[k] += x[j] * Complex.FromPolarCoordinates(1, sign * 2 * Math.PI * ((long)k * j % n) / n);
        return y;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(7)]     // prime: Bluestein
    [InlineData(12)]
    [InlineData(100)]
    public void MatchesNaiveDft(int n)
    {
        var x = RandomSignal(n, n);
        foreach (bool inverse in new[] { false, true })
        {
            var want = NaiveDft(x, inverse);
            var got = (Complex[])x.Clone();
            Fft.Transform(got, inverse);
            double err = want.Zip(got, (a, b) => (a - b).Magnitude).Max();
            Assert.True(err < 1e-10 * n, $"n={n} inverse={inverse}: max error {err:E2}");
        }
    }

    [Fact]
    public void TwoDimensionalTransformIsRowsThenColumns()
    {
        const int h = 6, w = 5;
        var x = RandomSignal(h * w, 3);
        var got = (Complex[])x.Clone();
        Fft.Transform2D(got, h, w);
        for (int ky = 0; ky < h; ky++)
            for (int kx = 0; kx < w; kx++)
            {
                Complex want = 0;
                for (int y = 0; y < h; y++)
                    for (int xx = 0; xx < w; xx++)
                        want += x[y * w + xx] * Complex.FromPolarCoordinates(1, -2 * Math.PI * ((double)ky * y / h + (double)kx * xx / w));
                Assert.True((want - got[ky * w + kx]).Magnitude < 1e-10, $"bin ({ky}, {kx})");
            }
        // Unnormalised inverse: forward then inverse gives N·x.
        Fft.Transform2D(got, h, w, inverse: true);
        for (int i = 0; i < x.Length; i++) Assert.True((got[i] / (h * w) - x[i]).Magnitude < 1e-12);
    }
}
