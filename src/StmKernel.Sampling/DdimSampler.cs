namespace StmKernel.Sampling;

/// <summary>
/// Deterministic DDIM (paper eq. 5, η = 0) on the cosine schedule with ε-prediction:
/// x̂0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t, x_prev = √ᾱ_prev·x̂0 + √(1−ᾱ_prev)·ε̂, over K timesteps chosen by
/// <see cref="SamplerSettings.Spacing"/>; the last step lands on ᾱ = 1, i.e. returns x̂0.
/// One network evaluation per step.
/// </summary>
public sealed class DdimSampler : Sampler
{
    /// <summary>The ᾱ schedule.</summary>
    public CosineSchedule Schedule { get; }

    /// <summary>Creates a DDIM sampler; the settings must be of kind DDIM.</summary>
    public DdimSampler(SamplerSettings settings) : base(settings)
    {
        if (settings.Kind != SamplerKind.Ddim) throw new ArgumentException("settings are not DDIM", nameof(settings));
        Schedule = new CosineSchedule(settings.NumTrainTimesteps);
    }

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
        bool clip = Settings.ClipSample;
        for (int k = 0; k < steps; k++)
        {
            double ab = Schedule.AlphaBarOrOne(ts[k]);
            double abPrev = Schedule.AlphaBarOrOne(k + 1 < steps ? ts[k + 1] : -1);
            double sa = Math.Sqrt(ab), sb = Math.Sqrt(1 - ab);
            double saPrev = Math.Sqrt(abPrev), sbPrev = Math.Sqrt(1 - abPrev);
            float[] eps = net.Evaluate(x, ts[k]);
            for (int i = 0; i < x.Length; i++)
            {
                double e = eps[i];
                double x0 = (x[i] - sb * e) / sa;
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
