using System.Numerics;
using StmKernel.Imaging.Fourier;

namespace StmKernel.Train.Fourier;

/// <summary>
/// The Fourier terms of the paper's L_FT,DM (eq. 4) for one image pair: with F the 2-D DFT,
/// <c>magnitude = mean_k | |F(x̂)_k| − |F(x)_k| |</c> and <c>phase = mean_k | arg F(x̂)_k − arg F(x)_k |</c>
/// (the plain difference of the two angles in (−π, π], as the equation writes it), and their
/// gradients with respect to the prediction x̂.
/// </summary>
/// <remarks>
/// For a real loss of F = DFT(x̂) with g_k = ∂L/∂Re F_k + i ∂L/∂Im F_k, the gradient is
/// ∂L/∂x̂_n = Re Σ_k g_k e^{+2πi kn/N}: one unnormalised inverse DFT. ∂|F|/∂F = F/|F| and
/// ∂arg F/∂F = iF/|F|². Frequencies where |F(x̂)| = 0 contribute no gradient (the kink of |·|).
/// </remarks>
public static class FourierLoss
{
    /// <summary>Computes both terms for x̂ (<paramref name="prediction"/>) against x (<paramref name="target"/>),
    /// both row-major h×w, and writes weightMagnitude·∂magnitude/∂x̂ + weightPhase·∂phase/∂x̂ into <paramref name="gradient"/>.</summary>
    public static (double Magnitude, double Phase) Compute(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target, int height, int width,
        double weightMagnitude, double weightPhase, Span<double> gradient)
    {
        int m = height * width;
        if (prediction.Length != m || target.Length != m || gradient.Length != m) throw new ArgumentException($"Fourier loss buffers must hold {height}×{width} values");
        var f = new Complex[m];
        var g = new Complex[m];
        for (int i = 0; i < m; i++) { f[i] = prediction[i]; g[i] = target[i]; }
        Fft.Transform2D(f, height, width);
        Fft.Transform2D(g, height, width);
        double mag = 0, phase = 0;
        var grad = new Complex[m];
        for (int k = 0; k < m; k++)
        {
            double a = f[k].Magnitude, b = g[k].Magnitude;
            double dm = a - b, dp = f[k].Phase - g[k].Phase;
            mag += Math.Abs(dm);
            phase += Math.Abs(dp);
            if (a > 0)
                grad[k] = weightMagnitude * Math.Sign(dm) / m * (f[k] / a) + weightPhase * Math.Sign(dp) / m * (Complex.ImaginaryOne * f[k] / (a * a));
        }
        Fft.Transform2D(grad, height, width, inverse: true);
        for (int i = 0; i < m; i++) gradient[i] = grad[i].Real;
        return (mag / m, phase / m);
    }
}
