namespace StmKernel.Orbitals;

/// <summary>
/// A functionalised tip by Chen's derivative rule: the s channel sees ψ, the p_x and p_y channels (CO's π channel)
/// see ∂ₓψ and ∂ᵧψ, and the channels add incoherently: I = w_s·S + w_p·P, S = Σ w_n ψ_n², P = Σ w_n (a_x (∂_x'ψ_n)² +
/// a_y (∂_y'ψ_n)²)/κ² along tip axes x', y' turned by <see cref="AxisAngle"/>. PPSTM's "CO" tip is s : p_x : p_y =
/// 0.15 : 0.5 : 0.5; a pure s tip (w_p = 0) is the Tersoff–Hamann image, the reconstruction target.
/// </summary>
public sealed record TipModel
{
    /// <summary>Weight of the s channel.</summary>
    public double Ws { get; init; } = 0.15;

    /// <summary>Weight of the p channels.</summary>
    public double Wp { get; init; } = 0.5;

    /// <summary>Relative weight of p_x' (1 and <see cref="PyShare"/> 1: an isotropic tip).</summary>
    public double PxShare { get; init; } = 1;

    /// <summary>Relative weight of p_y'.</summary>
    public double PyShare { get; init; } = 1;

    /// <summary>Angle (radians) of the tip's x' axis from the image x axis (matters only for an asymmetric tip).</summary>
    public double AxisAngle { get; init; }

    /// <summary>The s-wave (Tersoff–Hamann) tip.</summary>
    public static TipModel SWave { get; } = new() { Ws = 1, Wp = 0 };

    /// <summary>PPSTM's CO tip, s : p_x : p_y = 0.15 : 0.5 : 0.5.</summary>
    public static TipModel CarbonMonoxide { get; } = new();

    /// <summary>The tip's image from rendered maps: w_s·S + w_p·P.</summary>
    public float[] Image(OrbitalMaps maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        double c = Math.Cos(AxisAngle), s = Math.Sin(AxisAngle), k2 = maps.Kappa * maps.Kappa;
        var image = new float[maps.S.Length];
        for (int i = 0; i < image.Length; i++)
        {
            double gxx = maps.Gxx[i], gyy = maps.Gyy[i], gxy = maps.Gxy[i];
            // The gradient tensor along the tip's axes: a rotated p tip needs no new render.
            double alongX = c * c * gxx + 2 * c * s * gxy + s * s * gyy;
            double alongY = s * s * gxx - 2 * c * s * gxy + c * c * gyy;
            image[i] = (float)(Ws * maps.S[i] + Wp * (PxShare * alongX + PyShare * alongY) / k2);
        }
        return image;
    }
}
