using StmKernel.Tensors;

namespace StmKernel.Sampling.Evaluation;

/// <summary>
/// One test set in memory: clean and degraded stacks [N, 1, H, W] in the normalised [−1, 1] units of training.
/// Plain tensors rather than the Synthesis test-set files, so evaluation does not tie Sampling to how sets are
/// made or stored (a caller loads a `stmkernel degrade` folder with Synthesis' TestSet and passes its stacks).
/// </summary>
/// <param name="Mode">The degradation type, e.g. "all", "lines", "sr2": the column heading of a report.</param>
/// <param name="Clean">The ground truth.</param>
/// <param name="Degraded">The model inputs, pair by pair with <paramref name="Clean"/>.</param>
public sealed record EvaluationSet(string Mode, Tensor Clean, Tensor Degraded)
{
    /// <summary>Throws <see cref="ArgumentException"/> when the stacks are not two [N, 1, H, W] of one shape.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Clean);
        ArgumentNullException.ThrowIfNull(Degraded);
        if (Clean.Rank != 4 || Clean.Dim(1) != 1 || !Clean.Shape.SequenceEqual(Degraded.Shape))
            throw new ArgumentException($"test set {Mode}: clean {Clean.ShapeText} and degraded {Degraded.ShapeText} must both be [N, 1, H, W]");
    }
}
