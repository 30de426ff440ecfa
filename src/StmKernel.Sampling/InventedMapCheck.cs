using StmKernel.Imaging.Metrics;
using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>
/// Measures <see cref="InventedMap"/> on a synthetic test set with ground truth: how well it ranks the
/// pixels where the restoration is wrong (|restored − clean| &gt; <see cref="ErrorThreshold"/>, images in
/// [−1, 1]) above the others, against the ensemble spread and the plain residual. Pixels of all images
/// are pooled, so an image whose whole restoration is off counts with all its pixels.
/// </summary>
public static class InventedMapCheck
{
    /// <summary>Restoration error (normalised units, range 2) that counts as "wrong": a tenth of the range.</summary>
    public const float ErrorThreshold = 0.2f;

    /// <summary>AUROCs (NaN when a set has no wrong or no right pixel) and the flag's precision/recall at <see cref="InventedMap.FlagThreshold"/>.</summary>
    public sealed record Result(double PositiveFraction, double Map, double MapWithoutSpread, double Spread, double Residual,
        double FlaggedFraction, double Precision, double Recall);

    /// <summary>
    /// <paramref name="inputs"/>, <paramref name="clean"/> and every member are [N, 1, H, W]; member 0 is
    /// the restoration assessed, all members (≥ 2) give the spread (a single member: no spread, NaN).
    /// </summary>
    public static Result Measure(Tensor inputs, Tensor clean, IReadOnlyList<Tensor> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("no restoration to check", nameof(members));
        if (inputs.Rank != 4 || inputs.Dim(1) != 1) throw new ArgumentException($"inputs must be [N, 1, H, W], got {inputs.ShapeText}", nameof(inputs));
        foreach (var t in members.Append(clean))
            if (!t.Shape.SequenceEqual(inputs.Shape)) throw new ArgumentException($"a restoration or the clean stack is {t.ShapeText}, expected the inputs' {inputs.ShapeText}");
        int n = inputs.Dim(0), h = inputs.Dim(2), w = inputs.Dim(3), plane = h * w, total = n * plane;
        var map = new float[total];
        var mapAlone = new float[total];
        var spread = new float[total];
        var residual = new float[total];
        var wrong = new bool[total];
        bool hasSpread = members.Count >= 2;
        for (int i = 0; i < n; i++)
        {
            var x = Plane(inputs, i, h, w);
            var y = Plane(members[0], i, h, w);
            Tensor? std = null;
            if (hasSpread)
            {
                var (_, s) = EnsembleStatistics.MeanAndStdDev(members.Select(m => m.Data.AsSpan(i * plane, plane).ToArray()).ToList());
                std = new Tensor(s!, h, w);
                s!.CopyTo(spread, i * plane);
            }
            InventedMap.Compute(x, y, std).Data.CopyTo(map, i * plane);
            InventedMap.Compute(x, y, null).Data.CopyTo(mapAlone, i * plane);
            for (int p = 0; p < plane; p++)
            {
                int k = i * plane + p;
                residual[k] = Math.Abs(y.Data[p] - x.Data[p]);
                wrong[k] = Math.Abs(y.Data[p] - clean.Data[k]) > ErrorThreshold;
            }
        }
        long positives = wrong.LongCount(b => b), flagged = 0, hits = 0;
        for (int k = 0; k < total; k++)
        {
            if (map[k] < InventedMap.FlagThreshold) continue;
            flagged++;
            if (wrong[k]) hits++;
        }
        return new Result(
            positives / (double)total,
            Auroc.Compute(map, wrong),
            Auroc.Compute(mapAlone, wrong),
            hasSpread ? Auroc.Compute(spread, wrong) : double.NaN,
            Auroc.Compute(residual, wrong),
            flagged / (double)total,
            flagged > 0 ? hits / (double)flagged : double.NaN,
            positives > 0 ? hits / (double)positives : double.NaN);
    }

    private static Tensor Plane(Tensor stack, int i, int h, int w) => new(stack.Data.AsSpan(i * h * w, h * w).ToArray(), h, w);
}
