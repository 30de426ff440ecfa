namespace StmKernel.Synthesis.Degradations;

/// <summary>
/// Thermal drift and piezo creep as a small affine warp about the image centre: out(p) = src(c + A⁻¹(p − c)) by
/// bilinear interpolation, coordinates clamped to the plane. Applied to input and target alike, it moves the
/// structure without degrading it (the target follows the drift).
/// </summary>
/// <param name="ScaleX">Fast-axis scale (1 = none).</param>
/// <param name="ScaleY">Slow-axis scale.</param>
/// <param name="Shear">x += Shear·y (slow-axis drift along the fast axis).</param>
/// <param name="Rotation">Rotation in radians.</param>
public sealed record AffineWarp(double ScaleX, double ScaleY, double Shear, double Rotation)
{
    /// <summary>Drift within ±<paramref name="scale"/> per axis and of shear, and ±<paramref name="rotation"/> rad (uniform).</summary>
    public static AffineWarp Sample(Rng rng, double scale = 0.03, double rotation = 2 * Math.PI / 180) =>
        new(1 + rng.Uniform(-scale, scale), 1 + rng.Uniform(-scale, scale), rng.Uniform(-scale, scale), rng.Uniform(-rotation, rotation));

    /// <summary>The warped plane (same size).</summary>
    public Plane Apply(Plane src)
    {
        ArgumentNullException.ThrowIfNull(src);
        // A = R · Sh · S, with S = diag(sx, sy) and Sh = [[1, shear], [0, 1]]; sampling needs A⁻¹.
        double c = Math.Cos(Rotation), s = Math.Sin(Rotation);
        double a00 = c * ScaleX, a01 = c * Shear * ScaleY - s * ScaleY, a10 = s * ScaleX, a11 = s * Shear * ScaleY + c * ScaleY;
        double det = a00 * a11 - a01 * a10;
        if (!(Math.Abs(det) > 1e-9)) throw new InvalidOperationException($"the warp ({this}) is singular");
        double i00 = a11 / det, i01 = -a01 / det, i10 = -a10 / det, i11 = a00 / det;
        int w = src.Width, h = src.Height;
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        var dst = new Plane(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double dx = x - cx, dy = y - cy;
                double sx = Math.Clamp(cx + i00 * dx + i01 * dy, 0, w - 1), sy = Math.Clamp(cy + i10 * dx + i11 * dy, 0, h - 1);
                int x0 = Math.Min((int)sx, w - 2 < 0 ? 0 : w - 2), y0 = Math.Min((int)sy, h - 2 < 0 ? 0 : h - 2);
                int x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
                double fx = sx - x0, fy = sy - y0;
                double top = (1 - fx) * src.Data[y0 * w + x0] + fx * src.Data[y0 * w + x1];
                double bottom = (1 - fx) * src.Data[y1 * w + x0] + fx * src.Data[y1 * w + x1];
                dst.Data[y * w + x] = (float)((1 - fy) * top + fy * bottom);
            }
        return dst;
    }
}
