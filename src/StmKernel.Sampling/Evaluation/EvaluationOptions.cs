namespace StmKernel.Sampling.Evaluation;

/// <summary>How <see cref="EvaluationRunner"/> runs; every field has a usable default.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Use the first N images of each set (default: all).</summary>
    public int Limit { get; init; } = int.MaxValue;

    /// <summary>Noise seed: image i uses stream i of it; ensemble member m (with <see cref="Check"/>) seed + m.</summary>
    public ulong Seed { get; init; }

    /// <summary>Images per network call.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Also measure the invented-structure map against the ground truth (<see cref="InventedMapCheck"/>).</summary>
    public bool Check { get; init; }

    /// <summary>Members per sampled model for <see cref="Check"/>'s spread (member 0 is the scored output); one-pass models have one.</summary>
    public int EnsembleSize { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> for values no run can use.</summary>
    public void Validate()
    {
        if (Limit < 1) throw new ArgumentException($"limit {Limit} must be ≥ 1");
        if (BatchSize < 1) throw new ArgumentException($"batch size {BatchSize} must be ≥ 1");
        if (EnsembleSize < 1) throw new ArgumentException($"ensemble size {EnsembleSize} must be ≥ 1");
    }
}
