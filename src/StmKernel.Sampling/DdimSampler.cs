using StmKernel.UNet.Weights;
namespace StmKernel.Sampling;

/// <summary>
/// Deterministic DDIM (paper eq. 5, η = 0) on the cosine schedule: x_prev = √ᾱ_prev·x̂0 + √(1−ᾱ_prev)·ε̂, over K
/// timesteps chosen by <see cref="SamplerSettings.Spacing"/>; the last step lands on ᾱ = 1, i.e. returns x̂0.
/// ε-prediction: x̂0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t. v-prediction (<see cref="PredictionType.VPrediction"/>):
/// x̂0 = √ᾱ_t·x_t − √(1−ᾱ_t)·v̂, ε̂ = √(1−ᾱ_t)·x_t + √ᾱ_t·v̂, defined also at ᾱ = 0, which the
/// zero-terminal-SNR schedule (<see cref="SamplerSettings.ZeroTerminalSnr"/>) has at t = T−1.
/// One network evaluation per step. "The paper" is
/// N. L. Kolev, T. Rodani, N. J. Curson, T. J. Z. Stock and A. Cazzaniga, "Generative Image Restoration and Super-Resolution using Physics-Informed Synthetic Data for Scanning Tunneling Microscopy" (29 Oct 2025).
/// </summary>
public sealed class DdimSampler : Sampler
{
    /// <summary>The ᾱ schedule.</summary>
    public CosineSchedule Schedule { get; }

    /// <summary>Creates a DDIM sampler; the settings must be of kind DDIM.</summary>
    public DdimSampler(SamplerSettings settings) : base(settings)
    {
        if (settings.Kind != SamplerKind.Ddim) throw new ArgumentException("settings are not DDIM", nameof(settings));
        Schedule = CosineSchedule.For(settings);
    }

    /// <summary>The v-prediction target v = √ᾱ·ε − √(1−ᾱ)·x0, with <paramref name="sa"/> = √ᾱ, <paramref name="sb"/> = √(1−ᾱ).</summary>
    public static double VTarget(double sa, double sb, double x0, double eps) => sa * eps - sb * x0;

    /// <summary>x̂0 = √ᾱ·x_t − √(1−ᾱ)·v̂ (<paramref name="sa"/> = √ᾱ, <paramref name="sb"/> = √(1−ᾱ)); −v̂ at ᾱ = 0.</summary>
    public static double CleanFromV(double sa, double sb, double xt, double v) => sa * xt - sb * v;

    /// <summary>ε̂ = √(1−ᾱ)·x_t + √ᾱ·v̂ (<paramref name="sa"/> = √ᾱ, <paramref name="sb"/> = √(1−ᾱ)); x_t at ᾱ = 0.</summary>
    public static double NoiseFromV(double sa, double sb, double xt, double v) => sb * xt + sa * v;

    /// <summary>The K timesteps visited, in visiting order (descending), as diffusers' <c>timestep_spacing</c>.</summary>
    public int[] Timesteps(int steps)
    {
        int T = Settings.NumTrainTimesteps;
        if (steps < 1 || steps > T) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"DDIM steps must be in 1 … {T}");
        var ts = new int[steps];
        for (int k = 0; k < steps; k++)
        {
            ts[k] = Settings.Spacing switch
            {
                TimestepSpacing.Trailing => (int)Math.Round(T * (double)(steps - k) / steps, MidpointRounding.ToEven) - 1,
                TimestepSpacing.Leading => (steps - 1 - k) * (T / steps),
                _ => (int)Math.Round((T - 1) * (double)(steps - 1 - k) / Math.Max(steps - 1, 1), MidpointRounding.ToEven),
            };
        }
        return ts;
    }

    private protected override void Run(Evaluator net, float[] x, int steps)
    {
        int[] ts = Timesteps(steps);
        bool clip = Settings.ClipSample, v = Settings.Prediction == PredictionType.VPrediction;
        for (int k = 0; k < steps; k++)
        {
            double ab = Schedule.AlphaBarOrOne(ts[k]);
            double abPrev = Schedule.AlphaBarOrOne(k + 1 < steps ? ts[k + 1] : -1);
            double sa = Math.Sqrt(ab), sb = Math.Sqrt(1 - ab);
            double saPrev = Math.Sqrt(abPrev), sbPrev = Math.Sqrt(1 - abPrev);
            float[] pred = net.Evaluate(x, ts[k]);
            for (int i = 0; i < x.Length; i++)
            {
                double e, x0;
                if (v)
                {
                    x0 = CleanFromV(sa, sb, x[i], pred[i]);
                    e = NoiseFromV(sa, sb, x[i], pred[i]);
                }
                else
                {
                    e = pred[i];
                    x0 = (x[i] - sb * e) / sa;
                }
                if (clip && (x0 > 1 || x0 < -1))
                {
                    // As diffusers: clip x̂0 to the training range and take the ε consistent with it.
                    x0 = Math.Clamp(x0, -1, 1);
                    e = (x[i] - sa * x0) / sb;
                }
                x[i] = (float)(saPrev * x0 + sbPrev * e);
            }
        }
    }
}
