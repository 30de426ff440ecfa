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
        var tmp = new double[w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int j = -r; j <= r; j++) s += k[j + r] * src.Data[y * w + Reflect(x + j, w)];
                tmp[y * w + x] = s;
            }
        }
        var dst = new Plane(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int j = -r; j <= r; j++) s += k[j + r] * tmp[Reflect(y + j, h) * w + x];
                dst.Data[y * w + x] = (float)s;
            }
        }
        return dst;
    }

    /// <summary>Median over a k × k window (offsets −⌊k/2⌋ … k − 1 − ⌊k/2⌋), reflect borders.</summary>
    public static Plane Median(Plane src, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"median size must be ≥ 1, got {size}");
        if (size == 1) return src.Clone();
        int w = src.Width, h = src.Height, lo = size / 2, n = size * size;
        var dst = new Plane(w, h);
        var window = new float[n];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int m = 0;
                for (int dy = -lo; dy < size - lo; dy++)
                {
                    int row = Reflect(y + dy, h) * w;
                    for (int dx = -lo; dx < size - lo; dx++) window[m++] = src.Data[row + Reflect(x + dx, w)];
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
        var dst = new Plane(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int dy = 0; dy < size; dy++)
                {
                    int row = Reflect(y + dy - lo, h) * w;
                    for (int dx = 0; dx < size; dx++) s += kernel[dy * size + dx] * src.Data[row + Reflect(x + dx - lo, w)];
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
