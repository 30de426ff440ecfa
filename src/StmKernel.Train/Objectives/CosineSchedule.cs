namespace StmKernel.Train.Objectives;

/// <summary>
/// The cosine noise schedule of Nichol &amp; Dhariwal (improved DDPM; diffusers "squaredcos_cap_v2"):
/// ā(s) = cos²((s + 0.008)/1.008 · π/2), β_i = min(1 − ā((i+1)/T)/ā(i/T), 0.999),
/// ᾱ_t = Π_{i≤t} (1 − β_i) for t = 0…T−1.
/// </summary>
public sealed class CosineSchedule
{
    private readonly double[] _alphaBar;

    /// <summary>Builds the schedule for <paramref name="steps"/> training timesteps.</summary>
    public CosineSchedule(int steps = 1000)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps));
        _alphaBar = new double[steps];
        double product = 1;
        for (int i = 0; i < steps; i++)
        {
            double beta = Math.Min(1 - Bar((i + 1.0) / steps) / Bar((double)i / steps), 0.999);
            product *= 1 - beta;
            _alphaBar[i] = product;
        }

        static double Bar(double s) { double c = Math.Cos((s + 0.008) / 1.008 * Math.PI / 2); return c * c; }
    }

    /// <summary>Training timesteps T.</summary>
    public int Steps => _alphaBar.Length;

    /// <summary>ᾱ_t.</summary>
    public double AlphaBar(int t) => _alphaBar[t];
}
