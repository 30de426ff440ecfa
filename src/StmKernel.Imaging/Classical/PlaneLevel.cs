namespace StmKernel.Imaging.Classical;

/// <summary>Plane levelling (Gwyddion "Level data by mean plane subtraction").</summary>
public static class PlaneLevel
{
    /// <summary>
    /// Fits z = a + b·x + c·y to the finite pixels by least squares and subtracts the tilt b·x + c·y
    /// about the image centre, so the mean level is kept (Gwyddion also removes it; keeping it lets
    /// results be compared with the input in physical units). NaN pixels stay NaN.
    /// </summary>
    public static StmImage Apply(StmImage image)
    {
        var (b, c) = Fit(image.Data, image.Width, image.Height);
        double xc = (image.Width - 1) / 2.0, yc = (image.Height - 1) / 2.0;
        var o = new float[image.Data.Length];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                int i = y * image.Width + x;
                o[i] = (float)(image.Data[i] - b * (x - xc) - c * (y - yc));
            }
        return image.WithData(o);
    }

    /// <summary>The x and y slopes (per pixel) of the least-squares plane through the finite pixels.</summary>
    public static (double SlopeX, double SlopeY) Fit(float[] data, int width, int height)
    {
        // Normal equations in centred coordinates: [Sxx Sxy; Sxy Syy]·[b c] = [Sxz Syz].
        double n = 0, sx = 0, sy = 0, sz = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float v = data[y * width + x];
                if (!float.IsFinite(v)) continue;
                n++; sx += x; sy += y; sz += v;
            }
        if (n < 3) return (0, 0);
        double mx = sx / n, my = sy / n, mz = sz / n;
        double sxx = 0, syy = 0, sxy = 0, sxz = 0, syz = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float v = data[y * width + x];
                if (!float.IsFinite(v)) continue;
                double dx = x - mx, dy = y - my, dz = v - mz;
                sxx += dx * dx; syy += dy * dy; sxy += dx * dy; sxz += dx * dz; syz += dy * dz;
            }
        double det = sxx * syy - sxy * sxy;
        if (Math.Abs(det) < 1e-12 * Math.Max(1, sxx * syy))
            return (sxx > 0 ? sxz / sxx : 0, syy > 0 ? syz / syy : 0); // one row or one column: fit a line
        return ((sxz * syy - syz * sxy) / det, (syz * sxx - sxz * sxy) / det);
    }
}
