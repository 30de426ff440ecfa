using System.Runtime.Intrinsics;
using StmKernel.Tensors.Kernels;

namespace StmKernel.Tensors.Tests;

public class FastExpTests
{
    // Every float step of 1/1024 across [Lo, Hi] plus random points, all three widths of the one generic body.
    [Fact]
    public void AllWidthsAgreeBitForBitAndStayWithinTwoUlpOfMathFExp()
    {
        var xs = new List<float>();
        for (double x = FastExp.Lo; x <= FastExp.Hi; x += 1.0 / 1024) xs.Add((float)x);
        var rng = new Random(41);
        for (int i = 0; i < 20000; i++) xs.Add((float)(rng.NextDouble() * (FastExp.Hi - FastExp.Lo) + FastExp.Lo));
        xs.AddRange([FastExp.Lo, FastExp.Hi, 0f, -0f, 1e-30f, -1e-30f, 1f, -1f]);
        while (xs.Count % 16 != 0) xs.Add(0.5f);

        int worst = 0, worst128 = 0;
        float worstAt = 0, worst128At = 0;
        var lanes = new float[16];
        for (int i = 0; i < xs.Count; i += 16)
        {
            xs.CopyTo(i, lanes, 0, 16);
            var wide = Exp512(lanes);
            var narrow = Exp256x2(lanes);
            var quarter = Exp128x4(lanes);
            for (int l = 0; l < 16; l++)
            {
                if (Vector512.IsHardwareAccelerated) Assert.Equal(BitConverter.SingleToInt32Bits(wide[l]), BitConverter.SingleToInt32Bits(narrow[l]));
                // With AVX2 there is FMA, so V128x4's multiply-add estimate fuses like the wider paths.
                if (Vector256.IsHardwareAccelerated) Assert.Equal(BitConverter.SingleToInt32Bits(narrow[l]), BitConverter.SingleToInt32Bits(quarter[l]));
                int ulps = Ulps(narrow[l], MathF.Exp(lanes[l]));
                if (ulps > worst) { worst = ulps; worstAt = lanes[l]; }
                ulps = Ulps(quarter[l], MathF.Exp(lanes[l]));
                if (ulps > worst128) { worst128 = ulps; worst128At = lanes[l]; }
            }
        }
        Assert.True(worst <= 2, $"{worst} ulp from MathF.Exp at x = {worstAt:R}");
        Assert.True(worst128 <= 2, $"Vector128x4: {worst128} ulp from MathF.Exp at x = {worst128At:R}");
    }

    [Fact]
    public void ClampsOutOfRangeInputsToTheRangeEnds()
    {
        float[] below = [float.NegativeInfinity, -1000f, -88f, FastExp.Lo - 1e-3f, FastExp.Lo, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        float[] above = [float.PositiveInfinity, 1000f, 89f, FastExp.Hi + 1e-3f, FastExp.Hi, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var low = Exp256x2(below);
        var high = Exp256x2(above);
        for (int l = 0; l < 5; l++)
        {
            Assert.Equal(low[4], low[l]);
            Assert.Equal(high[4], high[l]);
        }
        Assert.True(low[0] > 0 && low[0] < 1.2e-38f, $"e^Lo = {low[0]:E}");
        Assert.True(float.IsFinite(high[0]) && high[0] > 2e38f, $"e^Hi = {high[0]:E}");
    }

    private static unsafe float[] Exp512(float[] x)
    {
        var y = new float[16];
        if (!Vector512.IsHardwareAccelerated) return y;
        fixed (float* px = x, py = y) V512.Store(py, FastExp.Exp(V512.Load(px)));
        return y;
    }

    private static unsafe float[] Exp256x2(float[] x)
    {
        var y = new float[16];
        fixed (float* px = x, py = y) V256x2.Store(py, FastExp.Exp(V256x2.Load(px)));
        return y;
    }

    private static unsafe float[] Exp128x4(float[] x)
    {
        var y = new float[16];
        fixed (float* px = x, py = y) V128x4.Store(py, FastExp.Exp(V128x4.Load(px)));
        return y;
    }

    /// <summary>Distance in representable floats between two non-negative floats.</summary>
    internal static int Ulps(float a, float b) => Math.Abs(BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));
}
