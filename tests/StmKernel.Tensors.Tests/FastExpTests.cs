using System.Runtime.Intrinsics;
using StmKernel.Tensors.Kernels;

namespace StmKernel.Tensors.Tests;

public class FastExpTests
{
    [Fact]
    public void MatchesMathExpWithinFourUlpOverTheFloatRange()
    {
        var rng = new Random(41);
        double worst = 0;
        for (int i = 0; i < 20000; i++)
        {
            var x = new float[16];
            for (int l = 0; l < 16; l++) x[l] = (float)(rng.NextDouble() * 170 - 86);
            var y512 = FastExp.Exp(Vector512.Create(x));
            var y256 = FastExp.Exp(Vector256.Create(x.AsSpan(0, 8)));
            for (int l = 0; l < 16; l++)
            {
                double exact = Math.Exp(x[l]);
                worst = Math.Max(worst, Math.Abs(y512[l] - exact) / exact);
                if (l < 8) Assert.Equal(y512[l], y256[l]);
            }
        }
        Assert.True(worst < 4 * 6e-8, $"worst relative error {worst:E2}");
    }

    [Fact]
    public void ClampsInfinitiesInsteadOfProducingNaN()
    {
        var y = FastExp.Exp(Vector512.Create(float.NegativeInfinity));
        Assert.True(y[0] >= 0 && y[0] < 1e-37f);
        Assert.True(float.IsFinite(FastExp.Exp(Vector512.Create(1000f))[0]));
    }
}
