namespace StmKernel.Orbitals;

/// <summary>
/// The vacuum tail of a carbon p_z orbital seen by the tip at d = r − R (Å) from the atom, ρ = |d|:
/// φ = √3 (d_z/ρ) e^(−κρ), with κ = 0.5123 √(φ_eV) Å⁻¹ from the effective work function (3.5–5.5 eV → κ ≈ 0.96–1.20),
/// and its analytic derivatives (Chen's derivative rule needs ∂ₓφ, ∂ᵧφ for the p_x, p_y tip channels, ∂_zφ for p_z).
/// </summary>
public static class PzTail
{
    /// <summary>κ (Å⁻¹) of a work function of <paramref name="workFunctionEv"/> eV: √(2mφ)/ħ.</summary>
    public static double Kappa(double workFunctionEv) => workFunctionEv > 0
        ? 0.5123 * Math.Sqrt(workFunctionEv)
        : throw new ArgumentOutOfRangeException(nameof(workFunctionEv), workFunctionEv, "the work function must be > 0 eV");

    /// <summary>φ and its gradient (∂ₓ, ∂ᵧ, ∂_z) at offset (dx, dy, dz) from the atom; zero at the nucleus.</summary>
    public static (double Value, double Dx, double Dy, double Dz) At(double dx, double dy, double dz, double kappa)
    {
        double rho2 = dx * dx + dy * dy + dz * dz;
        if (rho2 == 0) return (0, 0, 0, 0);
        double rho = Math.Sqrt(rho2), e = Math.Sqrt(3) * Math.Exp(-kappa * rho);
        double radial = kappa / rho2 + 1 / (rho2 * rho); // κ/ρ² + 1/ρ³
        return (e * dz / rho, -e * dz * dx * radial, -e * dz * dy * radial, e * (1 / rho - dz * dz * radial));
    }
}
