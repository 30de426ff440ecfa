using StmKernel.UNet.Weights;

namespace StmKernel.Sampling;

/// <summary>
/// The cosine noise schedule of Nichol &amp; Dhariwal (improved DDPM) as diffusers builds it
/// (<c>squaredcos_cap_v2</c>): f(τ) = cos²((τ + s)/(1 + s)·π/2) with s = 0.008,
/// β_i = min(1 − f((i+1)/T)/f(i/T), 0.999) and ᾱ_t = Π_{i≤t}(1 − β_i) for t = 0 … T−1.
/// Computed in double precision (diffusers accumulates in float32; the two agree to ~1e-6).
/// With <c>zeroTerminalSnr</c> (Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed";
/// diffusers' <c>rescale_betas_zero_snr</c>) √ᾱ is shifted and scaled so that √ᾱ_{T−1} = 0 exactly and √ᾱ_0 is
/// kept: s ← (s − s_{T−1})·s_0/(s_0 − s_{T−1}); β is re-derived as 1 − ᾱ_t/ᾱ_{t−1} (so β_{T−1} = 1).
/// The trainer and the sampler both build it from the model's <see cref="SamplerSettings"/> (<see cref="For"/>).
/// </summary>
public sealed class CosineSchedule
{
    /// <summary>The offset s that keeps β small near t = 0.</summary>
    public const double Offset = 0.008;

    /// <summary>The cap on β that keeps the last steps finite.</summary>
    public const double MaxBeta = 0.999;

    private readonly double[] _alphaBar;
    private readonly double[] _beta;

    /// <summary>Builds the schedule for <paramref name="numTrainTimesteps"/> = T steps, rescaled to zero terminal SNR if asked.</summary>
    public CosineSchedule(int numTrainTimesteps, bool zeroTerminalSnr = false)
    {
        if (numTrainTimesteps < 2) throw new ArgumentOutOfRangeException(nameof(numTrainTimesteps), numTrainTimesteps, "T must be ≥ 2");
        int T = numTrainTimesteps;
        _beta = new double[T];
        _alphaBar = new double[T];
        double product = 1;
        for (int i = 0; i < T; i++)
        {
            _beta[i] = Math.Min(1 - F((i + 1) / (double)T) / F(i / (double)T), MaxBeta);
            product *= 1 - _beta[i];
            _alphaBar[i] = product;
        }
        ZeroTerminalSnr = zeroTerminalSnr;
        if (!zeroTerminalSnr) return;
        double ab0 = _alphaBar[0], s0 = Math.Sqrt(ab0), sT = Math.Sqrt(_alphaBar[T - 1]);
        for (int i = 0; i < T; i++)
        {
            double s = (Math.Sqrt(_alphaBar[i]) - sT) * s0 / (s0 - sT);
            _alphaBar[i] = s * s;
        }
        _alphaBar[0] = ab0;          // exactly as before the rescale (the formula maps s0 to s0 up to rounding)
        _alphaBar[T - 1] = 0;        // exactly zero: x_{T−1} is pure noise
        for (int i = 0; i < T; i++) _beta[i] = 1 - _alphaBar[i] / (i == 0 ? 1 : _alphaBar[i - 1]);
    }

    /// <summary>The schedule a DDIM model's settings call for (T and <see cref="SamplerSettings.ZeroTerminalSnr"/>).</summary>
    public static CosineSchedule For(SamplerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new CosineSchedule(settings.NumTrainTimesteps, settings.ZeroTerminalSnr);
    }

    /// <summary>Whether ᾱ was rescaled to zero terminal SNR (ᾱ_{T−1} = 0).</summary>
    public bool ZeroTerminalSnr { get; }

    /// <summary>T.</summary>
    public int NumTrainTimesteps => _alphaBar.Length;

    /// <summary>ᾱ_t for t = 0 … T−1 (index −1, "before the first step", is 1 by convention: see <see cref="AlphaBarOrOne"/>).</summary>
    public ReadOnlySpan<double> AlphaBar => _alphaBar;

    /// <summary>β_t for t = 0 … T−1.</summary>
    public ReadOnlySpan<double> Beta => _beta;

    /// <summary>ᾱ_t, or 1 for t &lt; 0 (the clean end DDIM's last step lands on).</summary>
    public double AlphaBarOrOne(int t) => t < 0 ? 1.0 : _alphaBar[t];

    /// <summary>The continuous f(τ) = cos²((τ + s)/(1 + s)·π/2), τ ∈ [0, 1].</summary>
    public static double F(double tau)
    {
        double c = Math.Cos((tau + Offset) / (1 + Offset) * Math.PI / 2);
        return c * c;
    }
}
