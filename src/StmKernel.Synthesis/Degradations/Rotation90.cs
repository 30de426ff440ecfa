namespace StmKernel.Synthesis.Degradations;

/// <summary>Step 1: rotation by 0, 90, 180 or 270 degrees with equal probability.</summary>
public static class Rotation90
{
    /// <summary>Number of counter-clockwise quarter turns, uniform on {0, 1, 2, 3}.</summary>
    public static int Sample(Rng rng) => rng.UniformInt(0, 3);

    /// <summary>Rotates counter-clockwise by <paramref name="quarterTurns"/> × 90° (numpy.rot90's convention).</summary>
    public static Plane Apply(Plane src, int quarterTurns)
    {
        int k = ((quarterTurns % 4) + 4) % 4;
        int w = src.Width, h = src.Height;
        if (k == 0) return src.Clone();
        var dst = k == 2 ? new Plane(w, h) : new Plane(h, w);
        for (int y = 0; y < dst.Height; y++)
        {
            for (int x = 0; x < dst.Width; x++)
            {
                dst[y, x] = k switch
                {
                    1 => src[x, w - 1 - y],
                    2 => src[h - 1 - y, w - 1 - x],
                    _ => src[h - 1 - x, y],
                };
            }
        }
        return dst;
    }
}
