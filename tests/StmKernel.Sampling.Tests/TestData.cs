using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

internal static class TestData
{
    /// <summary>A [B, 1, H, W] tensor of standard normals from (seed, stream 0).</summary>
    public static Tensor Noise(ulong seed, params int[] shape)
    {
        var t = new Tensor(shape);
        new GaussianNoise(seed).Fill(t.Data);
        return t;
    }

    /// <summary>A smooth-plus-texture [H, W] image in "physical" units around <paramref name="offset"/>.</summary>
    public static Tensor Surface(int h, int w, double offset = 0.25, double amplitude = 0.5)
    {
        var img = new Tensor(h, w);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                img.Data[y * w + x] = (float)(offset + amplitude * (0.5 * Math.Sin(0.9 * x) * Math.Cos(0.7 * y) + 0.3 * Math.Sin(0.013 * x * y) + 0.002 * (x - y)));
        return img;
    }

    public static SamplerSettings Ddim(int steps = 2, bool clip = true, TimestepSpacing spacing = TimestepSpacing.Trailing) =>
        SamplerSettings.DdimDefault with { DefaultSteps = steps, ClipSample = clip, Spacing = spacing };

    public static SamplerSettings Fm(OdeSolver solver, int steps = 2) =>
        SamplerSettings.FlowMatchingDefault with { Solver = solver, DefaultSteps = steps };
}
