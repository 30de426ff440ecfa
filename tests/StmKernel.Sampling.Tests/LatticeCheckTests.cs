using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

public class LatticeCheckTests
{
    private static readonly double[] Si001 = [0.768e-9, 0.384e-9];

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    /// <summary>Plane waves (period in metres, wave-vector angle in degrees, amplitude) sampled at <paramref name="pixel"/> m/px, plus noise.</summary>
    private static Tensor Image(int h, int w, double pixel, double noise, int seed, params (double Period, double AngleDeg, double Amplitude)[] waves)
    {
        var r = new Random(seed);
        var t = new Tensor(h, w);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double z = 0;
                foreach (var (p, a, amp) in waves)
                {
                    double th = a * Math.PI / 180, pp = p / pixel;
                    z += amp * Math.Cos(2 * Math.PI * (x * Math.Cos(th) + y * Math.Sin(th)) / pp + 0.7);
                }
                t.Data[y * w + x] = (float)(z + noise * Gaussian(r));
            }
        return t;
    }

    /// <summary>
    /// Si(001)-like at 0.1 nm/px: dimer rows 0.768 nm apart (wave vector at 30°) and, along the rows,
    /// dimers every 0.384 nm (wave vector at 120°), rows the stronger.
    /// </summary>
    private static Tensor Si001Like(int h, int w, int seed) =>
        Image(h, w, 0.1e-9, 0.2, seed, (0.768e-9, 30, 1.0), (0.384e-9, 120, 0.5));

    /// <summary>
    /// Si(111)-7×7-like at 0.078 nm/px: a hexagonal lattice of 0.333 nm spacing (three waves 60° apart) and a
    /// 2.69 nm hexagonal superstructure, the superstructure the stronger (as the corner holes make it).
    /// </summary>
    private static Tensor Si111Like(int h, int w, int seed) =>
        Image(h, w, 0.078e-9, 0.2, seed,
            (0.333e-9, 10, 0.4), (0.333e-9, 70, 0.4), (0.333e-9, 130, 0.4),
            (2.69e-9, 10, 1.0), (2.69e-9, 70, 1.0), (2.69e-9, 130, 1.0));

    [Theory]
    [InlineData(161, 173, 1)]
    [InlineData(128, 128, 2)]
    [InlineData(203, 151, 3)]
    public void ASi001LikeScanMatchesTheModelsPeriods(int h, int w, int seed)
    {
        var v = LatticeCheck.Check(Si001Like(h, w, seed), 0.1e-9, Si001);
        Assert.False(v.Mismatch, v.Message);
        Assert.NotNull(v.Peak);
        // The strongest period is the rows' (or the dimers'), in metres through the pixel size.
        double nearest = Si001.Min(m => Math.Abs(v.PeriodMetres / m - 1));
        Assert.True(nearest < 0.03, $"period {v.PeriodMetres * 1e9:F3} nm is none of 0.768, 0.384 nm");
        Assert.Equal(v.Peak!.Value.PeriodPx * 0.1e-9, v.PeriodMetres, 1e-15);
        Assert.True(v.OwnProminence >= LatticeCheck.ClearProminence, $"own prominence {v.OwnProminence:F0}");
        Assert.DoesNotContain("does not look like", v.Message);
    }

    [Theory]
    [InlineData(181, 163, 1)]
    [InlineData(200, 211, 2)]
    public void ASi111LikeScanIsAMismatch(int h, int w, int seed)
    {
        var v = LatticeCheck.Check(Si111Like(h, w, seed), 0.078e-9, Si001);
        Assert.True(v.Mismatch, v.Message);
        Assert.True(v.Peak!.Value.Prominence >= LatticeCheck.ClearProminence);
        Assert.True(v.OwnProminence * LatticeCheck.Dominance < v.Peak.Value.Prominence, v.Message);
        // The strongest lattice is one of the two that are there: 0.333 nm or 2.69 nm.
        double p = v.PeriodMetres;
        Assert.True(Math.Abs(p / 2.69e-9 - 1) < 0.05 || Math.Abs(p / 0.333e-9 - 1) < 0.05, $"period {p * 1e9:F3} nm");
        Assert.Contains("does not look like the surface the model was trained on", v.Message);
        Assert.Contains("0.768 nm, 0.384 nm", v.Message);
    }

    [Fact]
    public void TheSameSi001ScanIsAMismatchForAModelOfAnotherLattice()
    {
        // Rows at 0.768 nm and dimers at 0.384 nm are none of 0.5 nm, 1.0 nm or 0.25 nm ± 8 %.
        var v = LatticeCheck.Check(Si001Like(161, 173, 4), 0.1e-9, [0.5e-9]);
        Assert.True(v.Mismatch, v.Message);
    }

    [Theory]
    [InlineData(128, 128, 5)]
    [InlineData(151, 97, 6)]
    public void AFlatNoisyScanIsNotAMismatch(int h, int w, int seed)
    {
        var v = LatticeCheck.Check(Image(h, w, 0.1e-9, 1.0, seed), 0.1e-9, Si001);
        Assert.False(v.Mismatch, v.Message);
        Assert.True(v.Peak is null || v.Peak.Value.Prominence < LatticeCheck.ClearProminence, v.Message);
    }

    [Fact]
    public void AnImageTooSmallForTheBandIsNotCompared()
    {
        // 8 px across: the longest period searched is 2 px, below the shortest (2.5 px).
        var v = LatticeCheck.Check(Si001Like(8, 8, 7), 0.1e-9, Si001);
        Assert.Null(v.Peak);
        Assert.False(v.Mismatch);
        Assert.True(double.IsNaN(v.PeriodMetres));
    }

    [Fact]
    public void OnlyTwoDimensionalImagesAreChecked() =>
        Assert.Throws<ArgumentException>(() => LatticeCheck.Check(new Tensor(1, 32, 32), 0.1e-9, Si001));
}
