namespace StmKernel.Synthesis;

/// <summary>
/// One 2-D image channel, row-major (row 0 is the first scan line, the top of the image).
/// The working type of the generator and of every degradation step.
/// </summary>
public sealed class Plane
{
    /// <summary>Pixels, row-major, length <see cref="Width"/> × <see cref="Height"/>.</summary>
    public float[] Data { get; }

    /// <summary>Pixels per row (fast scan axis).</summary>
    public int Width { get; }

    /// <summary>Number of rows (scan lines).</summary>
    public int Height { get; }

    /// <summary>Wraps <paramref name="data"/> (not copied).</summary>
    public Plane(int width, int height, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (width <= 0 || height <= 0) throw new ArgumentException($"plane size must be positive, got {width}×{height}");
        if (data.Length != (long)width * height) throw new ArgumentException($"data length {data.Length} does not match {width}×{height}");
        Width = width;
        Height = height;
        Data = data;
    }

    /// <summary>A zero-filled plane.</summary>
    public Plane(int width, int height) : this(width, height, new float[checked(width * height)]) { }

    /// <summary>Pixel (x, y).</summary>
    public ref float this[int y, int x] => ref Data[y * Width + x];

    /// <summary>Row <paramref name="y"/> as a span.</summary>
    public Span<float> Row(int y) => Data.AsSpan(y * Width, Width);

    /// <summary>A deep copy.</summary>
    public Plane Clone() => new(Width, Height, (float[])Data.Clone());

    /// <summary>The rectangle at (x0, y0) of size w × h, which must lie inside the plane.</summary>
    public Plane Crop(int x0, int y0, int w, int h)
    {
        if (x0 < 0 || y0 < 0 || w <= 0 || h <= 0 || x0 + w > Width || y0 + h > Height)
            throw new ArgumentOutOfRangeException(nameof(x0), $"crop {w}×{h} at ({x0}, {y0}) is outside the {Width}×{Height} plane");
        var c = new Plane(w, h);
        for (int y = 0; y < h; y++) Data.AsSpan((y0 + y) * Width + x0, w).CopyTo(c.Row(y));
        return c;
    }

    /// <summary>(min, max) over all pixels.</summary>
    public (float Min, float Max) Range()
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in Data)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return (min, max);
    }
}
