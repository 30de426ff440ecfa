namespace StmKernel.Orbitals;

/// <summary>
/// Tight-binding parameters of the π system (eV): first-neighbour hopping β (C–C ≈ −2.7 eV), optional second- and
/// third-neighbour hoppings t2, t3 (graph distance 2 and 3; a domain randomisation towards DFT-like orbitals, t2 ∈ [0,
/// 0.25], t3 ∈ [0, 0.2]), and the carbon on-site energy α (the zero of energy by default).
/// </summary>
public sealed record HuckelParameters
{
    /// <summary>C–C first-neighbour hopping β (eV, negative).</summary>
    public double Beta { get; init; } = -2.7;

    /// <summary>Carbon on-site energy α_C (eV).</summary>
    public double Alpha { get; init; }

    /// <summary>Second-neighbour hopping t2 (eV), applied with β's sign.</summary>
    public double T2 { get; init; }

    /// <summary>Third-neighbour hopping t3 (eV), applied with β's sign.</summary>
    public double T3 { get; init; }

    /// <summary>Streitwieser's (h, k) of a site kind: α_X = α_C + h·β, β_CX = k·β.</summary>
    public static (double H, double K) Heteroatom(SiteKind kind) => kind switch
    {
        SiteKind.Carbon => (0, 1),
        SiteKind.PyridinicN => (0.5, 1.0),
        SiteKind.PyrrolicN => (1.5, 0.8),
        SiteKind.CarbonylO => (1.0, 1.0),
        SiteKind.EtherO => (2.0, 0.8),
        SiteKind.Boron => (-1.0, 0.7),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown site kind"),
    };
}
