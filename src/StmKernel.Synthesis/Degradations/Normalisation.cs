namespace StmKernel.Synthesis.Degradations;

/// <summary>Min–max rescaling: to [0, 1] for a pristine source (the paper's first step) and to [−1, 1] per channel (step 9).</summary>
public static class Normalisation
{
    /// <summary>Maps [min, max] linearly onto [lo, hi]; a constant plane becomes (lo + hi) / 2. NaN/∞ are rejected.</summary>
    public static Plane ToRange(Plane src, float lo, float hi)
    {
        foreach (float v in src.Data)
            if (!float.IsFinite(v)) throw new ArgumentException("plane holds NaN or infinite values");
        var (min, max) = src.Range();
        var dst = new Plane(src.Width, src.Height);
        double span = (double)max - min;
        for (int i = 0; i < dst.Data.Length; i++)
            dst.Data[i] = span > 0 ? (float)(lo + (hi - lo) * ((src.Data[i] - (double)min) / span)) : (lo + hi) / 2;
        return dst;
    }

    /// <summary>To [0, 1].</summary>
    public static Plane ToUnit(Plane src) => ToRange(src, 0, 1);

    /// <summary>To [−1, 1].</summary>
    public static Plane ToSymmetricUnit(Plane src) => ToRange(src, -1, 1);
}
