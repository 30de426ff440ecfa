namespace StmKernel.Orbitals;

/// <summary>
/// A functionalised tip by Chen's derivative rule: the s channel sees ψ, the p_x and p_y channels (CO's π channel)
/// see ∂ₓψ and ∂ᵧψ, and the channels add incoherently: I = w_s·S + w_p·P, S = Σ w_n ψ_n², P = Σ w_n (a_x (∂_x'ψ_n)² +
/// a_y (∂_y'ψ_n)²)/κ² along tip axes x', y' turned by <see cref="AxisAngle"/>. PPSTM's "CO" tip is s : p_x : p_y =
/// 0.15 : 0.5 : 0.5; a pure s tip (w_p = 0) is the Tersoff–Hamann image, the reconstruction target. Options: a tilt θ
/// of the p orbitals towards z (M_x' = cos θ ∂_x'ψ + sin θ ∂_zψ, likewise y'), and s–p_z interference, which replaces
/// the s channel by Σ w_n (ψ_n + c_z ∂_zψ_n/κ)².
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

    /// <summary>Angle (radians) of the tip's x' axis from the image x axis (matters for an asymmetric or tilted tip).</summary>
    public double AxisAngle { get; init; }

    /// <summary>Tilt θ (radians) of the p_x' and p_y' lobes towards the surface normal (≤ 15° in practice).</summary>
    public double Tilt { get; init; }

    /// <summary>c_z: the p_z admixture interfering with the s channel (0: a pure s channel).</summary>
    public double SpzMix { get; init; }

    /// <summary>The s-wave (Tersoff–Hamann) tip.</summary>
    public static TipModel SWave { get; } = new() { Ws = 1, Wp = 0 };

    /// <summary>PPSTM's CO tip, s : p_x : p_y = 0.15 : 0.5 : 0.5.</summary>
    public static TipModel CarbonMonoxide { get; } = new();

    /// <summary>The tip's image from rendered maps: w_s·S + w_p·P.</summary>
    public float[] Image(OrbitalMaps maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        double c = Math.Cos(AxisAngle), s = Math.Sin(AxisAngle), k = maps.Kappa, k2 = k * k;
        double ct = Math.Cos(Tilt), st = Math.Sin(Tilt), cz = SpzMix;
        var image = new float[maps.S.Length];
        for (int i = 0; i < image.Length; i++)
        {
            double gxx = maps.Gxx[i], gyy = maps.Gyy[i], gxy = maps.Gxy[i], gzz = maps.Gzz[i];
            // The gradient tensor along the tip's axes: a rotated p tip needs no new render.
            double xx = c * c * gxx + 2 * c * s * gxy + s * s * gyy, yy = s * s * gxx - 2 * c * s * gxy + c * c * gyy;
            double xz = c * maps.Gxz[i] + s * maps.Gyz[i], yz = -s * maps.Gxz[i] + c * maps.Gyz[i];
            // A tilted lobe sees cos θ ∂_x'ψ + sin θ ∂_zψ: |M|² expands in the tensor's entries.
            double alongX = ct * ct * xx + 2 * ct * st * xz + st * st * gzz;
            double alongY = ct * ct * yy + 2 * ct * st * yz + st * st * gzz;
            double sChannel = maps.S[i] + 2 * cz * maps.SZ[i] / k + cz * cz * gzz / k2;
            image[i] = (float)(Ws * sChannel + Wp * (PxShare * alongX + PyShare * alongY) / k2);
        }
        return image;
    }
}
