using StmKernel.Sampling.Evaluation;
using StmKernel.Tensors;
using StmKernel.UNet.Weights;

namespace StmKernel.Sampling.Tests;

public class EvaluationRunnerTests
{
    /// <summary>A one-pass "network" returning its condition unchanged: its row must score as the degraded input.</summary>
    private sealed class IdentityDenoiser : IDenoiser
    {
        public int MaxBatch => 8;

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output) => input.Data.AsSpan().CopyTo(output.Data);
    }

    private const int Side = 16;

    // Clean images all 0, degraded all c: MSE = c², so PSNR = 10·log10(2² / c²) (20 dB at c = 0.2), and with no
    // variance SSIM = C1 / (c² + C1), C1 = (0.01 · 2)².
    private static EvaluationSet Flat(int n, float c)
    {
        var degraded = new Tensor(n, 1, Side, Side);
        degraded.Data.AsSpan().Fill(c);
        return new EvaluationSet("flat", new Tensor(n, 1, Side, Side), degraded);
    }

    [Fact]
    public void ScoresMatchTheHandComputedPsnrAndSsim()
    {
        var model = TinyModels.Model(null, "identity");
        var methods = EvaluationMethod.For([model]);
        var progress = new List<(int Done, int Total)>();
        var result = new EvaluationRunner(methods, new EvaluationOptions { Limit = 2 }, _ => new IdentityDenoiser())
            .Evaluate(Flat(3, 0.2f), (d, t) => progress.Add((d, t)));

        Assert.Equal(("flat", 2), (result.Mode, result.Count));
        Assert.Equal(["degraded input", "classical", "identity"], methods.Select(m => m.Label));
        double c = 0.2f, c1 = 0.02 * 0.02;
        foreach (int m in new[] { 0, 2 }) // the degraded input, and the identity model's one pass over it
        {
            Assert.All(result.Scores[m].Psnr, p => Assert.Equal(10 * Math.Log10(4 / (c * c)), p, 1e-9));
            Assert.All(result.Scores[m].Ssim, s => Assert.Equal(c1 / (c * c + c1), s, 1e-9));
        }
        // The classical baseline levels a flat image to a flat one, which maps to 0 = the clean image.
        Assert.All(result.Scores[1].Psnr, p => Assert.Equal(double.PositiveInfinity, p));
        Assert.Equal(2, result.Forwards); // one pass per image
        Assert.Empty(result.Checks);
        Assert.Equal((6, 6), progress[^1]);
        Assert.All(progress, p => Assert.Equal(6, p.Total));
    }

    [Fact]
    public void TheCheckMeasuresEveryModelRowWithItsEnsemble()
    {
        // The point-mass oracle reproduces its condition from any noise, so every member is the degraded image.
        var settings = TestData.Fm(OdeSolver.Euler, steps: 1);
        var sampled = TinyModels.Model(settings, "oracle");
        var onePass = TinyModels.Model(null, "identity");
        var methods = EvaluationMethod.For([sampled, onePass], [1, 3]);
        Assert.Equal(["– degraded input", "– classical", "1 oracle", "3 oracle", "1 pass identity"], methods.Select(m => $"{m.StepsText} {m.Label}"));

        var runner = new EvaluationRunner(methods, new EvaluationOptions { Check = true, EnsembleSize = 3 },
            m => m.Sampler is null ? new IdentityDenoiser() : new PointMassOracle(settings));
        var set = Flat(2, 0.2f);
        var result = runner.Evaluate(set);

        Assert.Equal(methods.Skip(2), result.Checks.Select(r => r.Method));
        Assert.All(result.Checks, r => Assert.Equal("flat", r.Mode));
        // Forwards: 2 images × (3 members × 1 step + 3 members × 3 steps) + 2 one-pass images.
        Assert.Equal(2 * (3 + 9) + 2, result.Forwards);
        for (int m = 2; m <= 3; m++)
            Assert.All(result.Scores[m].Psnr, p => Assert.Equal(result.Scores[0].Psnr[0], p, 1e-4));
    }

    [Fact]
    public void MismatchedStacksAndEmptyMethodListsAreRefused()
    {
        var set = new EvaluationSet("bad", new Tensor(2, 1, Side, Side), new Tensor(3, 1, Side, Side));
        var runner = new EvaluationRunner([EvaluationMethod.DegradedInput], new EvaluationOptions(), _ => new IdentityDenoiser());
        Assert.Contains("bad", Assert.Throws<ArgumentException>(() => runner.Evaluate(set)).Message);
        Assert.Throws<ArgumentException>(() => new EvaluationRunner([], new EvaluationOptions(), _ => new IdentityDenoiser()));
        Assert.Throws<ArgumentException>(() => new EvaluationRunner([EvaluationMethod.Classical], new EvaluationOptions { Limit = 0 }, _ => new IdentityDenoiser()));
    }
}
