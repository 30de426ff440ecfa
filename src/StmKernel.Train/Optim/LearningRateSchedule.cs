namespace StmKernel.Train.Optim;

/// <summary>
/// Linear warm-up from 0 to <c>peak</c> over <c>warmup</c> steps, then a half cosine down to
/// <c>floor</c> at <c>total</c> steps (held there after): lr(k) for update k = 1, 2, …
/// </summary>
public sealed record LearningRateSchedule(double Peak, int Warmup, int Total, double Floor = 0)
{
    /// <summary>The learning rate of update <paramref name="step"/> (1-based).</summary>
    public double At(long step)
    {
        if (Peak < 0 || Warmup < 0 || Total < 1 || Floor < 0) throw new InvalidOperationException("invalid learning-rate schedule");
        if (step <= Warmup) return Peak * step / Math.Max(Warmup, 1);
        double progress = Math.Min(1.0, (double)(step - Warmup) / Math.Max(Total - Warmup, 1));
        return Floor + (Peak - Floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
