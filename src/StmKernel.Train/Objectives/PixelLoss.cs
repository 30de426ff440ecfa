using StmKernel.Tensors;

namespace StmKernel.Train.Objectives;

/// <summary>Mean squared and mean absolute errors over all elements, with their gradients.</summary>
public static class PixelLoss
{
    /// <summary>mean (p − t)²; writes scale·∂/∂p = scale·2(p − t)/n into <paramref name="gradient"/>.</summary>
    public static double MeanSquared(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, double scale = 1)
    {
        Check(prediction, target, gradient);
        double sum = 0, k = 2 * scale / prediction.Length;
        for (int i = 0; i < prediction.Length; i++)
        {
            double d = (double)prediction[i] - target[i];
            sum += d * d;
            gradient[i] = (float)(k * d);
        }
        return sum / prediction.Length;
    }

    /// <summary>mean |p − t|; writes sign(p − t)/n into <paramref name="gradient"/>.</summary>
    public static double MeanAbsolute(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient)
    {
        Check(prediction, target, gradient);
        double sum = 0, k = 1.0 / prediction.Length;
        for (int i = 0; i < prediction.Length; i++)
        {
            double d = (double)prediction[i] - target[i];
            sum += Math.Abs(d);
            gradient[i] = (float)(k * Math.Sign(d));
        }
        return sum / prediction.Length;
    }

    internal static void Check(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient)
    {
        if (target.Length != prediction.Length || gradient.Length != prediction.Length || prediction.Length == 0)
            throw new ArgumentException("loss operands differ in length");
    }

    /// <summary>Checks a [B, 1, H, W] image batch.</summary>
    internal static void CheckImages(Tensor t, string what)
    {
        if (t.Rank != 4 || t.Dim(1) != 1) throw new ArgumentException($"{what} must be [B, 1, H, W], got {t.ShapeText}");
    }

    /// <summary>Writes [a, b] along channels into <paramref name="output"/> [B, 2, H, W].</summary>
    internal static void Stack(Tensor a, Tensor b, Tensor output)
    {
        int batch = a.Dim(0), plane = a.Dim(2) * a.Dim(3);
        if (output.Rank != 4 || output.Dim(0) != batch || output.Dim(1) != 2 || output.Dim(2) != a.Dim(2) || output.Dim(3) != a.Dim(3))
            throw new ArgumentException($"network input must be [{batch}, 2, {a.Dim(2)}, {a.Dim(3)}], got {output.ShapeText}");
        for (int n = 0; n < batch; n++)
        {
            Array.Copy(a.Data, n * plane, output.Data, 2 * n * plane, plane);
            Array.Copy(b.Data, n * plane, output.Data, (2 * n + 1) * plane, plane);
        }
    }
}
