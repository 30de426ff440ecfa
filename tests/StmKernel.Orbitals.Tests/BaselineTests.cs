using StmKernel.Orbitals.Baselines;

namespace StmKernel.Orbitals.Tests;

public class BaselineTests
{
    private static readonly OrbitalRender Grid = new() { Width = 48, Height = 40, PixelSize = 0.35, Height0 = 5.5 };

    private static (float[] Input, float[] Target) OneAtom(TipModel tip)
    {
        // One atom on a pixel centre (for even sizes the grid's centre (W−1)/2 falls between pixels: shift by half a pixel),
        // so its image is the one-atom kernel exactly, shifted by whole pixels.
        var atom = HuckelSolution.Solve(new Molecule("C", [new Site(SiteKind.Carbon, 0, 0)]));
        var maps = (Grid with { Offset = (0.5 * Grid.PixelSize, 0.5 * Grid.PixelSize) }).Render(atom, [0], [1.0]);
        return (tip.Image(maps), TipModel.SWave.Image(maps));
    }

    [Fact]
    public void TheOracleWienerFilterIsExactForOneAtom()
    {
        var tip = TipModel.CarbonMonoxide;
        var (input, target) = OneAtom(tip);
        var estimate = DerivativeRuleWiener.Apply(input, tip, AtomPsf.For(Grid), epsilon: 1e-9);
        double max = target.Max();
        for (int i = 0; i < target.Length; i++) Assert.True(Math.Abs(estimate[i] - target[i]) < 2e-3 * max, $"pixel {i}: {estimate[i]} vs {target[i]}");
    }

    [Fact]
    public void TheOracleWienerFilterMissesInterAtomInterference()
    {
        // Naphthalene's HOMO has sign changes between atoms: the one-atom model cannot know them, so it must be off.
        var s = HuckelSolution.Solve(Molecule.Acene(2));
        var maps = Grid.RenderLevel(s, s.LevelOf(s.Homo));
        var tip = TipModel.CarbonMonoxide;
        var estimate = DerivativeRuleWiener.Apply(tip.Image(maps), tip, AtomPsf.For(Grid), epsilon: 1e-9);
        var target = TipModel.SWave.Image(maps);
        double err = Math.Sqrt(estimate.Zip(target, (a, b) => (double)(a - b) * (a - b)).Average()) / target.Max();
        Assert.True(err > 0.01, $"relative RMS error {err:F4}: interference should make the oracle wrong somewhere");
    }

    [Fact]
    public void RichardsonLucyRecoversOneAtomApproximately()
    {
        var tip = TipModel.CarbonMonoxide;
        var (input, target) = OneAtom(tip);
        var estimate = RichardsonLucy.Apply(input, tip, AtomPsf.For(Grid), iterations: 200);
        // Scale-free comparison (RL keeps the image's sum, not its peak): the correlation with the truth must be high,
        // and much higher than the input's.
        Assert.True(Correlation(estimate, target) > 0.98, $"r = {Correlation(estimate, target):F4}");
        Assert.True(Correlation(estimate, target) > Correlation(input, target));
    }

    [Fact]
    public void TheLearnedFilterRecoversAKnownLinearBlur()
    {
        // Pairs whose input is the target blurred by a fixed kernel (circularly): the fitted H must undo it on a new pair.
        var rng = new Random(4);
        const int w = 24, h = 20;
        float[] Blur(float[] t)
        {
            var o = new float[t.Length];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    o[y * w + x] = 0.6f * t[y * w + x] + 0.2f * t[y * w + (x + 1) % w] + 0.2f * t[((y + 1) % h) * w + x];
            return o;
        }
        float[] Random() => [.. Enumerable.Range(0, w * h).Select(_ => (float)rng.NextDouble())];
        var filter = new LearnedWiener(w, h);
        for (int k = 0; k < 20; k++) { var t = Random(); filter.Add(Blur(t), t); }
        filter.Fit(1e-9);
        var target = Random();
        var estimate = filter.Apply(Blur(target));
        for (int i = 0; i < target.Length; i++) Assert.Equal(target[i], estimate[i], 1e-3);
    }

    private static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(v => (double)v), mb = b.Average(v => (double)v), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.Sqrt(saa * sbb);
    }
}
