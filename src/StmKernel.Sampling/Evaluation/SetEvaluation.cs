namespace StmKernel.Sampling.Evaluation;

/// <summary>Per-image scores of one method on one set (data range 2: images in [−1, 1]; +∞ PSNR for an exact match).</summary>
/// <param name="Psnr">PSNR in dB, image by image.</param>
/// <param name="Ssim">SSIM, image by image.</param>
public sealed record MethodScores(double[] Psnr, double[] Ssim);

/// <summary>The invented-map measurement of one model row on one set.</summary>
/// <param name="Method">The row.</param>
/// <param name="Mode">The set.</param>
/// <param name="Result">AUROCs, precision and recall.</param>
public sealed record CheckRow(EvaluationMethod Method, string Mode, InventedMapCheck.Result Result);

/// <summary>What <see cref="EvaluationRunner.Evaluate"/> measured on one set.</summary>
/// <param name="Mode">The set's degradation type.</param>
/// <param name="Count">Images used (after the limit).</param>
/// <param name="Scores">One entry per method, in the runner's method order.</param>
/// <param name="Checks">One row per model method with <see cref="EvaluationOptions.Check"/>; empty without.</param>
/// <param name="Forwards">Network evaluations made on this set.</param>
public sealed record SetEvaluation(string Mode, int Count, IReadOnlyList<MethodScores> Scores, IReadOnlyList<CheckRow> Checks, long Forwards);
