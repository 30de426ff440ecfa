namespace StmKernel.Orbitals;

/// <summary>
/// Constant-height maps of a set of weighted orbitals on a pixel grid, from which any tip's image follows
/// (<see cref="TipModel.Image"/>): S = Σ w_n ψ_n², the gradient tensor G_ab = Σ w_n ∂_aψ_n ∂_bψ_n (a, b ∈ {x, y, z}),
/// and the s–p_z cross term Σ w_n ψ_n ∂_zψ_n.
/// Row-major [height, width]; pixel (i, j) is at x = (j − (W−1)/2)·pixel, y = (i − (H−1)/2)·pixel (Å) in the frame of the
/// molecule turned by <see cref="OrbitalRender.Rotation"/> and shifted by its offset.
/// </summary>
public sealed class OrbitalMaps
{
    internal OrbitalMaps(int width, int height, double kappa, int pixels)
    {
        (Width, Height, Kappa) = (width, height, kappa);
        (S, SZ, Gxx, Gyy, Gzz, Gxy, Gxz, Gyz) = (new double[pixels], new double[pixels], new double[pixels], new double[pixels],
            new double[pixels], new double[pixels], new double[pixels], new double[pixels]);
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>The decay constant used (Å⁻¹).</summary>
    public double Kappa { get; }

    /// <summary>Σ w_n ψ_n².</summary>
    public double[] S { get; }

    /// <summary>Σ w_n (∂ₓψ_n)².</summary>
    public double[] Gxx { get; }

    /// <summary>Σ w_n (∂ᵧψ_n)².</summary>
    public double[] Gyy { get; }

    /// <summary>Σ w_n ∂ₓψ_n ∂ᵧψ_n.</summary>
    public double[] Gxy { get; }

    /// <summary>Σ w_n (∂_zψ_n)².</summary>
    public double[] Gzz { get; }

    /// <summary>Σ w_n ∂ₓψ_n ∂_zψ_n (a tilted tip's p_x channel).</summary>
    public double[] Gxz { get; }

    /// <summary>Σ w_n ∂ᵧψ_n ∂_zψ_n.</summary>
    public double[] Gyz { get; }

    /// <summary>Σ w_n ψ_n ∂_zψ_n (s–p_z interference).</summary>
    public double[] SZ { get; }
}

/// <summary>Where and how orbitals are rendered: the grid, the tip height above the atomic plane and the decay constant.</summary>
public sealed record OrbitalRender
{
    /// <summary>Pixels per row.</summary>
    public int Width { get; init; } = 128;

    /// <summary>Rows.</summary>
    public int Height { get; init; } = 128;

    /// <summary>Pixel size (Å): 0.25 gives a 32 Å field, wide enough for naphthalocyanine (~20 Å).</summary>
    public double PixelSize { get; init; } = 0.25;

    /// <summary>Tip height z₀ above the atomic plane (Å), 4.5–9 in practice.</summary>
    public double Height0 { get; init; } = 6;

    /// <summary>Decay constant κ (Å⁻¹), <see cref="PzTail.Kappa"/> of the work function.</summary>
    public double Kappa { get; init; } = PzTail.Kappa(4.5);

    /// <summary>In-plane rotation of the molecule (radians).</summary>
    public double Rotation { get; init; }

    /// <summary>In-plane offset of the molecule (Å).</summary>
    public (double X, double Y) Offset { get; init; }

    /// <summary>
    /// Renders orbitals <paramref name="orbitals"/> of <paramref name="solution"/> with weights <paramref name="weights"/>.
    /// Atoms add coherently within an orbital (ψ_n = Σ_a c_na φ(r − R_a), then squared); orbitals add incoherently.
    /// </summary>
    public OrbitalMaps Render(HuckelSolution solution, IReadOnlyList<int> orbitals, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(solution);
        if (orbitals.Count != weights.Count) throw new ArgumentException($"{orbitals.Count} orbitals but {weights.Count} weights");
        if (Width < 1 || Height < 1 || !(PixelSize > 0) || !(Height0 > 0) || !(Kappa > 0))
            throw new ArgumentException($"render needs a positive grid, pixel size, height and κ, got {this}");
        var sites = solution.Molecule.Sites;
        double cr = Math.Cos(Rotation), sr = Math.Sin(Rotation);
        var atoms = sites.Select(a => (X: cr * a.X - sr * a.Y + Offset.X, Y: sr * a.X + cr * a.Y + Offset.Y)).ToArray();
        var maps = new OrbitalMaps(Width, Height, Kappa, Width * Height);
        for (int i = 0; i < Height; i++)
        {
            double y = (i - (Height - 1) / 2.0) * PixelSize;
            for (int j = 0; j < Width; j++)
            {
                double x = (j - (Width - 1) / 2.0) * PixelSize;
                int p = i * Width + j;
                for (int k = 0; k < orbitals.Count; k++)
                {
                    double psi = 0, dpx = 0, dpy = 0, dpz = 0;
                    for (int a = 0; a < atoms.Length; a++)
                    {
                        double c = solution.Coefficients[a, orbitals[k]];
                        if (c == 0) continue;
                        var (v, ddx, ddy, ddz) = PzTail.At(x - atoms[a].X, y - atoms[a].Y, Height0, Kappa);
                        psi += c * v; dpx += c * ddx; dpy += c * ddy; dpz += c * ddz;
                    }
                    double w = weights[k];
                    maps.S[p] += w * psi * psi;
                    maps.SZ[p] += w * psi * dpz;
                    maps.Gxx[p] += w * dpx * dpx;
                    maps.Gyy[p] += w * dpy * dpy;
                    maps.Gzz[p] += w * dpz * dpz;
                    maps.Gxy[p] += w * dpx * dpy;
                    maps.Gxz[p] += w * dpx * dpz;
                    maps.Gyz[p] += w * dpy * dpz;
                }
            }
        }
        return maps;
    }

    /// <summary>Renders a whole energy level with equal weights: a degenerate level's density, whatever basis the solver chose.</summary>
    public OrbitalMaps RenderLevel(HuckelSolution solution, EnergyLevel level) =>
        Render(solution, level.Orbitals, [.. level.Orbitals.Select(_ => 1.0)]);
}
