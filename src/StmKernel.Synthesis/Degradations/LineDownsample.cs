namespace StmKernel.Synthesis.Degradations;

/// <summary>
/// Step 7 (super-resolution sets): keep every k-th scan line (rows 0, k, 2k, …) and repeat each k
/// times: downsampling along y only followed by nearest-neighbour upsampling back to full size.
/// </summary>
public static class LineDownsample
{
    /// <summary>Row y of the result is row ⌊y / k⌋·k of the input.</summary>
    public static Plane Apply(Plane src, int factor)
    {
        if (factor < 1) throw new ArgumentOutOfRangeException(nameof(factor), $"downsampling factor must be ≥ 1, got {factor}");
        var dst = new Plane(src.Width, src.Height);
        for (int y = 0; y < src.Height; y++) src.Row(y / factor * factor).CopyTo(dst.Row(y));
        return dst;
    }
}
