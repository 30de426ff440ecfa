namespace StmKernel.Orbitals;

/// <summary>
/// Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method: exact to rounding for the
/// small (≤ a few hundred) Hückel matrices of molecules, and simple enough to trust. Eigenvalues ascend; column k of
/// <see cref="Vectors"/> belongs to value k.
/// </summary>
public sealed class SymmetricEigen
{
    private SymmetricEigen(double[] values, double[,] vectors) => (Values, Vectors) = (values, vectors);

    /// <summary>The eigenvalues, ascending.</summary>
    public double[] Values { get; }

    /// <summary>The orthonormal eigenvectors as columns: Vectors[i, k] is component i of eigenvector k.</summary>
    public double[,] Vectors { get; }

    /// <summary>Decomposes <paramref name="matrix"/> (n × n, symmetric; not modified).</summary>
    /// <exception cref="ArgumentException">The matrix is not square, not symmetric, or holds a non-finite value.</exception>
    public static SymmetricEigen Of(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n) throw new ArgumentException($"matrix is {n} × {matrix.GetLength(1)}, not square", nameof(matrix));
        var a = (double[,])matrix.Clone();
        double scale = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (!double.IsFinite(a[i, j])) throw new ArgumentException($"matrix[{i}, {j}] is {a[i, j]}", nameof(matrix));
                if (Math.Abs(a[i, j] - a[j, i]) > 1e-12 * (1 + Math.Abs(a[i, j])))
                    throw new ArgumentException($"matrix is not symmetric: [{i}, {j}] = {a[i, j]}, [{j}, {i}] = {a[j, i]}", nameof(matrix));
                scale = Math.Max(scale, Math.Abs(a[i, j]));
            }
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;

        // Sweeps of plane rotations zeroing each off-diagonal element in turn; quadratic convergence near the end.
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) off += a[p, q] * a[p, q];
            if (off <= 1e-30 * Math.Max(scale * scale, double.Epsilon)) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    if (a[p, q] == 0) continue;
                    // The rotation angle that zeroes a[p, q] (Golub & Van Loan, sym.schur2), the smaller root for stability.
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
        }

        int[] order = [.. Enumerable.Range(0, n).OrderBy(k => a[k, k])];
        var values = order.Select(k => a[k, k]).ToArray();
        var vectors = new double[n, n];
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++) vectors[i, k] = v[i, order[k]];
        return new SymmetricEigen(values, vectors);
    }
}
