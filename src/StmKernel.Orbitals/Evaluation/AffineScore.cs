using StmKernel.Imaging.Metrics;

namespace StmKernel.Orbitals.Evaluation;

/// <summary>
/// PSNR and SSIM of a reconstruction against its target after the least-squares gain and offset (o ↦ a·o + b) that
/// best map it onto the target. Orbital images have no absolute scale (a current or dI/dV in arbitrary units, each
/// method's output in its own), so every method, ours and the baselines alike, is scored after its own best affine
/// map; what remains is the error in shape. Targets are normalised to their maximum, so the data range is 1.
/// </summary>
public static class AffineScore
{
    /// <summary>(PSNR dB, SSIM) of <paramref name="output"/> against <paramref name="target"/> (both <paramref name="width"/> × <paramref name="height"/>).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or an image holds NaN or ∞.</exception>
    public static (double Psnr, double Ssim) Of(ReadOnlySpan<float> target, ReadOnlySpan<float> output, int width, int height)
    {
        var fitted = Fit(target, output);
        return (Psnr.Compute(target, fitted, 1.0), Ssim.Compute(target, fitted, width, height, 1.0));
    }

    /// <summary>a·output + b with (a, b) minimising Σ (a·o + b − t)²; a constant output maps to the target's mean.</summary>
    public static float[] Fit(ReadOnlySpan<float> target, ReadOnlySpan<float> output)
    {
        if (target.Length != output.Length) throw new ArgumentException($"target has {target.Length} pixels, output {output.Length}");
        int n = target.Length;
        double mo = 0, mt = 0;
        for (int i = 0; i < n; i++)
        {
            if (!float.IsFinite(target[i]) || !float.IsFinite(output[i])) throw new ArgumentException($"pixel {i} is not finite");
            mo += output[i]; mt += target[i];
        }
        mo /= n; mt /= n;
        double cov = 0, var = 0;
        for (int i = 0; i < n; i++)
        {
            double d = output[i] - mo;
            cov += d * (target[i] - mt); var += d * d;
        }
        double a = var > 0 ? cov / var : 0, b = mt - a * mo;
        var fitted = new float[n];
        for (int i = 0; i < n; i++) fitted[i] = (float)(a * output[i] + b);
        return fitted;
    }
}
