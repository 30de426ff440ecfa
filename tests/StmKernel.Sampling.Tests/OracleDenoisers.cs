using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

/// <summary>
/// Denoisers whose ideal predictions are known in closed form. Each works per pixel in double and
/// converts the network timestep back to sampler time with the settings' time scale.
/// </summary>
internal abstract class OracleDenoiser(SamplerSettings settings, int maxBatch = 64) : IDenoiser
{
    private readonly CosineSchedule? _schedule = settings.Kind == SamplerKind.Ddim ? new CosineSchedule(settings.NumTrainTimesteps) : null;

    public int MaxBatch { get; } = maxBatch;

    public List<float[]> TimestepsSeen { get; } = [];

    public int LargestBatch { get; private set; }

    public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
    {
        int b = input.Dim(0), plane = input.Dim(2) * input.Dim(3);
        Assert.Equal(new[] { b, 2, input.Dim(2), input.Dim(3) }, input.Shape);
        Assert.Equal(new[] { b, 1, input.Dim(2), input.Dim(3) }, output.Shape);
        Assert.True(b <= MaxBatch, $"batch {b} above MaxBatch {MaxBatch}");
        LargestBatch = Math.Max(LargestBatch, b);
        TimestepsSeen.Add(timesteps.ToArray());
        for (int n = 0; n < b; n++)
        {
            double time = timesteps[n] / settings.TimeScale;
            for (int i = 0; i < plane; i++)
            {
                double x = input.Data[2 * n * plane + i], c = input.Data[(2 * n + 1) * plane + i];
                output.Data[n * plane + i] = (float)(_schedule is null ? Velocity(x, c, time) : Epsilon(x, c, _schedule.AlphaBar[(int)Math.Round(time)]));
            }
        }
    }

    /// <summary>E[ε | x_t] for DDIM at ᾱ.</summary>
    protected virtual double Epsilon(double x, double condition, double alphaBar) => throw new NotSupportedException();

    /// <summary>E[x0 − ε | x_t] for flow matching at t.</summary>
    protected virtual double Velocity(double x, double condition, double t) => throw new NotSupportedException();
}

/// <summary>Data = the condition exactly (a point mass at c per pixel): the "identity" model.</summary>
internal sealed class PointMassOracle(SamplerSettings settings, int maxBatch = 64) : OracleDenoiser(settings, maxBatch)
{
    protected override double Epsilon(double x, double c, double ab) => (x - Math.Sqrt(ab) * c) / Math.Sqrt(1 - ab);

    protected override double Velocity(double x, double c, double t) => (c - x) / (1 - t);
}

/// <summary>Data ~ N(μ, σ²) per pixel, independent of the condition.</summary>
internal sealed class GaussianOracle(SamplerSettings settings, double mu, double sigma, int maxBatch = 64) : OracleDenoiser(settings, maxBatch)
{
    // x_t = √ᾱ x0 + √(1−ᾱ) ε ~ N(√ᾱ μ, ᾱσ² + 1 − ᾱ); E[ε | x_t] = √(1−ᾱ)(x_t − √ᾱ μ)/(ᾱσ² + 1 − ᾱ).
    protected override double Epsilon(double x, double c, double ab) =>
        Math.Sqrt(1 - ab) * (x - Math.Sqrt(ab) * mu) / (ab * sigma * sigma + 1 - ab);

    // x_t = t x0 + (1−t) ε ~ N(tμ, V), V = t²σ² + (1−t)²; E[x0 − ε | x_t] = μ + (tσ² − (1−t))(x_t − tμ)/V.
    protected override double Velocity(double x, double c, double t) =>
        mu + (t * sigma * sigma - (1 - t)) * (x - t * mu) / (t * t * sigma * sigma + (1 - t) * (1 - t));
}
