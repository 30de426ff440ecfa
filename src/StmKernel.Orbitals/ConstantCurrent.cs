namespace StmKernel.Orbitals;

/// <summary>
/// Constant-current imaging: the image is the tip height z(x, y) − z₀ (Å) at which the current reaches a setpoint,
/// instead of the current at a fixed height. The molecule sits on a substrate whose own current,
/// I_bg(z) = b·M·e^(−2κ(z − z₀)) (M the molecule's largest constant-height current at z₀, b <see cref="BackgroundShare"/>),
/// keeps the tip at z₀ over bare substrate: the setpoint is b·M, so the tip retracts over the molecule and stays at z₀
/// away from it. Heights are searched on a ladder z₀, z₀ + Δ, …, z₀ + <see cref="Range"/>, rendered once for all tips,
/// and ln I is interpolated linearly between rungs (the tails are exponential in z, so ln I is nearly linear there).
/// </summary>
public sealed record ConstantCurrent
{
    /// <summary>b: the substrate's current at z₀ as a share of the molecule's largest current there.</summary>
    public double BackgroundShare { get; init; } = 0.1;

    /// <summary>How far above z₀ the tip may retract (Å); a pixel whose current still exceeds the setpoint there is clamped.</summary>
    public double Range { get; init; } = 3;

    /// <summary>Ladder spacing Δ (Å).</summary>
    public double Step { get; init; } = 0.25;

    /// <summary>
    /// The topographs z − z₀ (Å) of <paramref name="tips"/> for orbitals <paramref name="orbitals"/> (weights
    /// <paramref name="weights"/>) of <paramref name="solution"/>, with <paramref name="render"/>'s grid, geometry and z₀;
    /// each tip has its own setpoint (b times its own largest current at z₀).
    /// </summary>
    public float[][] Topographs(OrbitalRender render, HuckelSolution solution, IReadOnlyList<int> orbitals, IReadOnlyList<double> weights,
        IReadOnlyList<TipModel> tips)
    {
        ArgumentNullException.ThrowIfNull(render);
        ArgumentNullException.ThrowIfNull(tips);
        if (!(BackgroundShare > 0) || !(Range > 0) || !(Step > 0) || Step > Range)
            throw new ArgumentException($"constant-current imaging needs a background share > 0 and 0 < step ≤ range, got {this}");
        int rungs = (int)Math.Round(Range / Step) + 1;
        // currents[t][k][p]: tip t's molecular current at rung k, pixel p
        var currents = tips.Select(_ => new float[rungs][]).ToArray();
        for (int k = 0; k < rungs; k++)
        {
            var maps = (render with { Height0 = render.Height0 + k * Step }).Render(solution, orbitals, weights);
            for (int t = 0; t < tips.Count; t++) currents[t][k] = tips[t].Image(maps);
        }
        var result = new float[tips.Count][];
        for (int t = 0; t < tips.Count; t++)
        {
            double setpoint = BackgroundShare * currents[t][0].Max();
            if (!(setpoint > 0)) throw new InvalidOperationException($"tip {tips[t]} sees no current at z₀ (the molecule is outside the field?)");
            result[t] = Heights(currents[t], setpoint, 2 * render.Kappa);
        }
        return result;
    }

    // Per pixel: the first rung pair where the total current I_mol + I_set·e^(−2κ(z − z₀)) falls through the setpoint.
    private float[] Heights(float[][] molecular, double setpoint, double twoKappa)
    {
        int rungs = molecular.Length, pixels = molecular[0].Length;
        var z = new float[pixels];
        for (int p = 0; p < pixels; p++)
        {
            double Total(int k) => Math.Max(molecular[k][p], 0) + setpoint * Math.Exp(-twoKappa * k * Step);
            double lnSet = Math.Log(setpoint), previous = Math.Log(Total(0));
            double height = Range; // clamped unless a crossing is found
            for (int k = 1; k < rungs; k++)
            {
                double current = Math.Log(Total(k));
                if (current <= lnSet)
                {
                    height = (k - 1 + (previous - lnSet) / (previous - current)) * Step;
                    break;
                }
                previous = current;
            }
            z[p] = (float)height;
        }
        return z;
    }
}
