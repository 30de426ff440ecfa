namespace StmKernel.Synthesis.Degradations;

/// <summary>
/// The image filters the degradation steps need, with SciPy ndimage's conventions (which the
/// paper's pipeline used): "reflect" borders (d c b a | a b c d), Gaussian kernels truncated at 4σ,
/// even-sized windows extending one pixel further back than forward.
/// </summary>
internal static class Filters
{
    /// <summary>Index into [0, n) with half-sample symmetric reflection.</summary>
    public static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }

    /// <summary>Normalised 1-D Gaussian weights of radius ⌊4σ + 0.5⌋ (scipy.ndimage.gaussian_filter's default truncation).</summary>
    public static double[] GaussianKernel(double sigma)
    {
        int radius = (int)(4.0 * sigma + 0.5);
        var k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += k[i + radius] = Math.Exp(-0.5 * i * i / (sigma * sigma));
        for (int i = 0; i < k.Length; i++) k[i] /= sum;
        return k;
    }

    /// <summary>Separable Gaussian blur (rows, then columns); σ ≤ 0 returns a copy.</summary>
    public static Plane Gaussian(Plane src, double sigma)
    {
        if (!(sigma > 0)) return src.Clone();
        var k = GaussianKernel(sigma);
        int r = k.Length / 2, w = src.Width, h = src.Height;
        var (pad, stride) = Pad(src, r, r);
        // Rows first over the padded height, then columns: both passes read without border tests.
        var tmp = new double[(h + 2 * r) * w];
        for (int y = 0; y < h + 2 * r; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                int o = y * stride + x;
                for (int j = 0; j < k.Length; j++) s += k[j] * pad[o + j];
                tmp[y * w + x] = s;
            }
        }
        var dst = new Plane(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int j = 0; j < k.Length; j++) s += k[j] * tmp[(y + j) * w + x];
                dst.Data[y * w + x] = (float)s;
            }
        }
        return dst;
    }

    /// <summary>The plane surrounded by <paramref name="before"/> / <paramref name="after"/> mirrored pixels, so window loops need no border tests.</summary>
    private static (float[] Data, int Stride) Pad(Plane src, int before, int after)
    {
        int w = src.Width, h = src.Height, pw = w + before + after, ph = h + before + after;
        var data = new float[pw * ph];
        for (int y = 0; y < ph; y++)
        {
            var row = src.Row(Reflect(y - before, h));
            for (int x = 0; x < pw; x++) data[y * pw + x] = row[Reflect(x - before, w)];
        }
        return (data, pw);
    }

    /// <summary>Median over a k × k window (offsets −⌊k/2⌋ … k − 1 − ⌊k/2⌋), reflect borders.</summary>
    public static Plane Median(Plane src, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"median size must be ≥ 1, got {size}");
        if (size == 1) return src.Clone();
        int w = src.Width, h = src.Height, lo = size / 2, n = size * size;
        var (pad, stride) = Pad(src, lo, size - 1 - lo);
        var dst = new Plane(w, h);
        var window = new float[n];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int m = 0;
                for (int dy = 0; dy < size; dy++)
                {
                    pad.AsSpan((y + dy) * stride + x, size).CopyTo(window.AsSpan(m));
                    m += size;
                }
                dst.Data[y * w + x] = Select(window, n / 2);
            }
        }
        return dst;
    }

    /// <summary>Correlation with a k × k kernel (centre at ⌊k/2⌋), reflect borders.</summary>
    public static Plane Correlate(Plane src, float[] kernel, int size)
    {
        if (kernel.Length != size * size) throw new ArgumentException($"kernel of {kernel.Length} values is not {size}×{size}");
        int w = src.Width, h = src.Height, lo = size / 2;
        var (pad, stride) = Pad(src, lo, size - 1 - lo);
        var dst = new Plane(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int dy = 0; dy < size; dy++)
                {
                    int row = (y + dy) * stride + x;
                    for (int dx = 0; dx < size; dx++) s += kernel[dy * size + dx] * pad[row + dx];
                }
                dst.Data[y * w + x] = (float)s;
            }
        }
        return dst;
    }

    /// <summary>out(x, y) = src(x − dx, y − dy) by bilinear interpolation, coordinates clamped to the plane.</summary>
    public static Plane Shift(Plane src, double dx, double dy)
    {
        int w = src.Width, h = src.Height;
        var dst = new Plane(w, h);
        int ix = (int)Math.Floor(dx), iy = (int)Math.Floor(dy);
        float fx = (float)(dx - ix), fy = (float)(dy - iy);
        for (int y = 0; y < h; y++)
        {
            // Source y − dy lies between rows y − iy − 1 (weight fy) and y − iy (weight 1 − fy).
            int y0 = Math.Clamp(y - iy, 0, h - 1), y1 = Math.Clamp(y - iy - 1, 0, h - 1);
            for (int x = 0; x < w; x++)
            {
                int x0 = Math.Clamp(x - ix, 0, w - 1), x1 = Math.Clamp(x - ix - 1, 0, w - 1);
                float top = (1 - fx) * src.Data[y0 * w + x0] + fx * src.Data[y0 * w + x1];
                float bottom = (1 - fx) * src.Data[y1 * w + x0] + fx * src.Data[y1 * w + x1];
                dst.Data[y * w + x] = (1 - fy) * top + fy * bottom;
            }
        }
        return dst;
    }

    /// <summary>The k-th smallest value (Hoare quickselect; reorders <paramref name="a"/>).</summary>
    private static float Select(float[] a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            float pivot = a[(lo + hi) >> 1];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else break;
        }
        return a[k];
    }
}
