namespace StmKernel.Orbitals.Tests;

public class SymmetricEigenTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(13, 3)]
    public void RandomSymmetricMatricesAreDiagonalised(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i, j] = a[j, i] = rng.NextDouble() * 4 - 2;
        var e = SymmetricEigen.Of(a);

        // A v = λ v, VᵀV = I, ascending; trace and trace(A²) are the sums of λ and λ² (independent of the rotations).
        double trace = 0, trace2 = 0;
        for (int i = 0; i < n; i++)
        {
            trace += a[i, i];
            for (int j = 0; j < n; j++) trace2 += a[i, j] * a[j, i];
        }
        Assert.Equal(trace, e.Values.Sum(), 10);
        Assert.Equal(trace2, e.Values.Sum(v => v * v), 9);
        for (int k = 0; k < n; k++)
        {
            if (k > 0) Assert.True(e.Values[k] >= e.Values[k - 1]);
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i, j] * e.Vectors[j, k];
                Assert.Equal(e.Values[k] * e.Vectors[i, k], av, 10);
            }
            for (int l = 0; l < n; l++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += e.Vectors[i, k] * e.Vectors[i, l];
                Assert.Equal(k == l ? 1 : 0, dot, 10);
            }
        }
    }

    [Fact]
    public void APathGraphHasTheClosedFormSpectrum()
    {
        // Adjacency of a path of n sites: eigenvalues 2 cos(kπ/(n+1)), k = 1..n.
        const int n = 9;
        var a = new double[n, n];
        for (int i = 0; i + 1 < n; i++) a[i, i + 1] = a[i + 1, i] = 1;
        var expected = Enumerable.Range(1, n).Select(k => 2 * Math.Cos(k * Math.PI / (n + 1))).Order().ToArray();
        var values = SymmetricEigen.Of(a).Values;
        for (int k = 0; k < n; k++) Assert.Equal(expected[k], values[k], 12);
    }

    [Fact]
    public void AnAsymmetricMatrixIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => SymmetricEigen.Of(new double[,] { { 1, 2 }, { 3, 1 } }));
        Assert.Contains("not symmetric", e.Message);
    }
}
