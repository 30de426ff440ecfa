using StmKernel.Train.Fourier;

namespace StmKernel.Train.Tests;

public class FourierLossTests
{
    [Theory]
    [InlineData(8, 8)]
    [InlineData(6, 5)]
    public void GradientMatchesFiniteDifferences(int h, int w)
    {
        var r = new Random(h * 31 + w);
        var pred = Enumerable.Range(0, h * w).Select(_ => r.NextDouble() * 2 - 1).ToArray();
        var target = Enumerable.Range(0, h * w).Select(_ => r.NextDouble() * 2 - 1).ToArray();
        const double wm = 0.25, wp = 0.4;
        var grad = new double[h * w];
        var (mag, phase) = FourierLoss.Compute(pred, target, h, w, wm, wp, grad);
        Assert.True(mag > 0 && phase > 0);

        var scratch = new double[h * w];
        double Loss()
        {
            var (m, p) = FourierLoss.Compute(pred, target, h, w, wm, wp, scratch);
            return wm * m + wp * p;
        }
        double worst = 0, scale = grad.Max(Math.Abs);
        for (int i = 0; i < pred.Length; i++)
        {
            double keep = pred[i];
            pred[i] = keep + 1e-6; double up = Loss();
            pred[i] = keep - 1e-6; double down = Loss();
            pred[i] = keep;
            worst = Math.Max(worst, Math.Abs((up - down) / 2e-6 - grad[i]));
        }
        Assert.True(worst <= 1e-5 * scale, $"worst finite-difference error {worst:E2} (gradient scale {scale:E2})");
    }

    [Fact]
    public void IdenticalImagesHaveZeroLoss()
    {
        var x = Enumerable.Range(0, 35).Select(i => Math.Sin(i * 0.7)).ToArray();
        var (m, p) = FourierLoss.Compute(x, x, 7, 5, 1, 1, new double[35]);
        Assert.Equal(0, m, 12);
        Assert.Equal(0, p, 12);
    }
}
