using System.Text.Json.Serialization;
using StmKernel.Synthesis.Pairs;

namespace StmKernel.Synthesis.Degradations;

/// <summary>Which kernel K_i shapes one extra tip's image (paper eq. 1).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<TipKernelKind>))]
public enum TipKernelKind
{
    /// <summary>Gaussian filter, σ ~ U(1, 3), probability 0.3.</summary>
    Gaussian,

    /// <summary>Median filter, size k ∈ {1, …, 9}, probability 0.4.</summary>
    Median,

    /// <summary>Random k × k filter, k ∈ {5, 6}, entries U(−0.5, 1), probability 0.3.</summary>
    Random,
}

/// <summary>The kernel of one extra tip: its kind, σ (Gaussian), size (median, random) and weights (random, normalised to unit sum).</summary>
public sealed record TipKernel(TipKernelKind Kind, double Sigma, int Size, float[]? Weights);

/// <summary>One extra tip of eq. 1: sigmoid parameters c, d, amplitude A, offset (x̃, ỹ) in px, kernel.</summary>
public sealed record TipCopy(double C, double D, double A, double OffsetX, double OffsetY, TipKernel Kernel);

/// <summary>The sampled extra tips of a multi-tip artefact.</summary>
public sealed record MultiTipParameters(TipCopy[] Copies);

/// <summary>
/// Step 2, multi-tip artefacts (paper eq. 1): f = h + Σᵢ Kᵢ(Aᵢ / (1 + exp(cᵢ − dᵢ·h(x − x̃ᵢ, y − ỹᵢ)))),
/// with h the clean image normalised to [0, 1]. Every value below is the paper's.
/// </summary>
public static class MultiTip
{
    /// <summary>P(N = 2, 3, 4) extra tips.</summary>
    public static readonly double[] TipCountWeights = [0.5, 0.3, 0.2];

    /// <summary>P(Gaussian, median, random kernel).</summary>
    public static readonly double[] KernelWeights = [0.3, 0.4, 0.3];

    /// <summary>Largest displacement a sampled tip can reach, plus its kernel's reach, in px (for windowing).</summary>
    public const int MaxReach = 12 + 12;

    /// <summary>Draws N and every tip's parameters.</summary>
    public static MultiTipParameters Sample(Rng rng)
    {
        int n = 2 + rng.Categorical(TipCountWeights);
        var copies = new TipCopy[n];
        for (int i = 0; i < n; i++)
        {
            double c = rng.Uniform(5, 9), d = rng.Uniform(7, 10), a = rng.Uniform(1, 2.5);
            double ox = rng.Uniform(1, 11), oy = rng.Uniform(1, 11);
            copies[i] = new TipCopy(c, d, a, ox, oy, SampleKernel(rng));
        }
        return new MultiTipParameters(copies);
    }

    /// <summary>Draws one kernel K_i.</summary>
    public static TipKernel SampleKernel(Rng rng)
    {
        switch (rng.Categorical(KernelWeights))
        {
            case 0:
                return new TipKernel(TipKernelKind.Gaussian, rng.Uniform(1, 3), 0, null);
            case 1:
                return new TipKernel(TipKernelKind.Median, 0, rng.UniformInt(1, 9), null);
            default:
                int k = rng.UniformInt(5, 6);
                var weights = new float[k * k];
                double sum;
                // The paper does not say how the random filter is scaled; unit sum keeps the ghost at the
                // sigmoid's amplitude A. Redraw the rare kernels whose sum is below 1 (docs/synthesis.md).
                do
                {
                    sum = 0;
                    for (int i = 0; i < weights.Length; i++) sum += weights[i] = (float)rng.Uniform(-0.5, 1);
                } while (sum < 1);
                for (int i = 0; i < weights.Length; i++) weights[i] = (float)(weights[i] / sum);
                return new TipKernel(TipKernelKind.Random, 0, k, weights);
        }
    }

    /// <summary>
    /// Applies eq. 1 to <paramref name="h"/> (expected in [0, 1]). With <paramref name="inset"/> &gt; 0
    /// the ghosts are computed only for pixels at least that far from the border (the outer ring
    /// keeps h): the pipeline needs only the middle of its window, and the kernels dominate the cost.
    /// </summary>
    public static Plane Apply(Plane h, MultiTipParameters p, int inset = 0)
    {
        int w = h.Width, ht = h.Height;
        if (inset < 0 || 2 * inset >= Math.Min(w, ht)) throw new ArgumentOutOfRangeException(nameof(inset), $"inset {inset} leaves nothing of a {w}×{ht} plane");
        var f = h.Clone();
        foreach (var t in p.Copies)
        {
            var ghost = Filters.Shift(h, t.OffsetX, t.OffsetY);
            var g = ghost.Data;
            for (int i = 0; i < g.Length; i++) g[i] = (float)(t.A / (1 + Math.Exp(t.C - t.D * g[i])));
            // Filter only the region plus the kernel's reach, so its borders never touch the kept pixels.
            int reach = Math.Min(inset, Reach(t.Kernel));
            int x0 = inset - reach;
            var region = ghost.Crop(x0, x0, w - 2 * x0, ht - 2 * x0);
            region = t.Kernel.Kind switch
            {
                TipKernelKind.Gaussian => Filters.Gaussian(region, t.Kernel.Sigma),
                TipKernelKind.Median => Filters.Median(region, t.Kernel.Size),
                _ => Filters.Correlate(region, t.Kernel.Weights!, t.Kernel.Size),
            };
            for (int y = inset; y < ht - inset; y++)
            {
                var dst = f.Row(y);
                var src = region.Row(y - x0);
                for (int x = inset; x < w - inset; x++) dst[x] += src[x - x0];
            }
        }
        return f;
    }

    /// <summary>How far (px) a kernel reads from its centre.</summary>
    private static int Reach(TipKernel k) => k.Kind == TipKernelKind.Gaussian ? (int)(4.0 * k.Sigma + 0.5) : k.Size / 2;
}
