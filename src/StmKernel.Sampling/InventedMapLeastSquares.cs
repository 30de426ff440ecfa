namespace StmKernel.Sampling;

/// <summary>
/// Linear least squares target ≈ Σⱼ βⱼ·featureⱼ over the pixels, through the normal equations in double
/// with a small ridge (features of an artefact fit can be nearly collinear, e.g. two ghosts of
/// neighbouring shifts) and a Cholesky solve. Sizes here are a few dozen features.
/// </summary>
internal static class InventedMapLeastSquares
{
    /// <summary>Relative ridge: λ = <c>Ridge</c> × mean diagonal of FᵀF.</summary>
    private const double Ridge = 1e-6;

    /// <summary>The coefficients β minimising Σ (target − Σⱼ βⱼ·featuresⱼ)² + λ‖β‖² over the pixels where <paramref name="use"/> is true (all when null).</summary>
    public static double[] Solve(IReadOnlyList<float[]> features, float[] target, bool[]? use = null)
    {
        int m = features.Count;
        var a = new double[m, m];
        var b = new double[m];
        for (int i = 0; i < m; i++)
        {
            var fi = features[i];
            double s = 0;
            for (int p = 0; p < target.Length; p++) if (use is null || use[p]) s += (double)fi[p] * target[p];
            b[i] = s;
            for (int j = 0; j <= i; j++)
            {
                var fj = features[j];
                double t = 0;
                for (int p = 0; p < target.Length; p++) if (use is null || use[p]) t += (double)fi[p] * fj[p];
                a[i, j] = a[j, i] = t;
            }
        }
        double trace = 0;
        for (int i = 0; i < m; i++) trace += a[i, i];
        double lambda = Ridge * Math.Max(trace / Math.Max(m, 1), 1e-12);
        for (int i = 0; i < m; i++) a[i, i] += lambda;

        // Cholesky A = L Lᵀ in place (lower triangle), then forward and back substitution.
        for (int j = 0; j < m; j++)
        {
            double d = a[j, j];
            for (int k = 0; k < j; k++) d -= a[j, k] * a[j, k];
            a[j, j] = Math.Sqrt(Math.Max(d, lambda));
            for (int i = j + 1; i < m; i++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++) s -= a[i, k] * a[j, k];
                a[i, j] = s / a[j, j];
            }
        }
        var z = new double[m];
        for (int i = 0; i < m; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= a[i, k] * z[k];
            z[i] = s / a[i, i];
        }
        var beta = new double[m];
        for (int i = m - 1; i >= 0; i--)
        {
            double s = z[i];
            for (int k = i + 1; k < m; k++) s -= a[k, i] * beta[k];
            beta[i] = s / a[i, i];
        }
        return beta;
    }
}
