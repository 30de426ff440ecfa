using StmKernel.Imaging;
using StmKernel.Imaging.Classical;
using StmKernel.Imaging.Metrics;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.Sampling.Evaluation;

/// <summary>
/// The evaluation use case: every method (degraded input, classical baseline, models × steps) on a synthetic
/// test set with ground truth, scored per image by PSNR and SSIM in the sets' [−1, 1] units (data range 2).
/// Models see the degraded images as trained (<see cref="StackRestorer"/>: no tiling, no re-normalisation);
/// image i uses noise stream i of the seed, so scores do not depend on the batch size.
/// </summary>
public sealed class EvaluationRunner
{
    private readonly IReadOnlyList<EvaluationMethod> _methods;
    private readonly EvaluationOptions _options;
    private readonly Func<RestorationModel, IDenoiser> _denoiserFor;

    /// <summary>Runs each model's network on <paramref name="pool"/> (not owned).</summary>
    public EvaluationRunner(IReadOnlyList<EvaluationMethod> methods, EvaluationOptions options, WorkerPool pool)
        : this(methods, options, m => m.CreateDenoiser(pool, options.BatchSize))
    {
    }

    /// <summary>
    /// Runs <paramref name="denoiserFor"/>(model) in place of each model's network (called once per model row
    /// and set), with the model's sampler: another backend, or a stand-in whose output is known.
    /// </summary>
    public EvaluationRunner(IReadOnlyList<EvaluationMethod> methods, EvaluationOptions options, Func<RestorationModel, IDenoiser> denoiserFor)
    {
        _methods = methods ?? throw new ArgumentNullException(nameof(methods));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _denoiserFor = denoiserFor ?? throw new ArgumentNullException(nameof(denoiserFor));
        options.Validate();
        if (methods.Count == 0) throw new ArgumentException("no method to evaluate", nameof(methods));
    }

    /// <summary>The rows, in the order of <see cref="SetEvaluation.Scores"/>.</summary>
    public IReadOnlyList<EvaluationMethod> Methods => _methods;

    /// <summary>
    /// Scores every method on the first <see cref="EvaluationOptions.Limit"/> images of <paramref name="set"/>;
    /// <paramref name="progress"/> gets (images done over all methods, images × methods).
    /// </summary>
    public SetEvaluation Evaluate(EvaluationSet set, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        set.Validate();
        int n = Math.Min(_options.Limit, set.Clean.Dim(0)), total = n * _methods.Count;
        var clean = Slice(set.Clean, n);
        var degraded = Slice(set.Degraded, n);
        var scores = new List<MethodScores>();
        var checks = new List<CheckRow>();
        long forwards = 0;
        for (int i = 0; i < _methods.Count; i++)
        {
            var method = _methods[i];
            int offset = i * n;
            Tensor output;
            if (method.Model is not { } model)
            {
                output = method == EvaluationMethod.Classical ? Classical(degraded) : degraded;
                progress?.Invoke(offset + n, total);
            }
            else
            {
                var counter = new CountingDenoiser(_denoiserFor(model));
                output = Restore(counter, model, method.Steps, degraded, 0, (d, _) => progress?.Invoke(offset + d, total));
                if (_options.Check)
                {
                    var members = new List<Tensor> { output };
                    for (int m = 1; m < (model.Sampler is null ? 1 : _options.EnsembleSize); m++)
                        members.Add(Restore(counter, model, method.Steps, degraded, m, null));
                    checks.Add(new CheckRow(method, set.Mode, InventedMapCheck.Measure(degraded, clean, members)));
                }
                forwards += counter.Evaluations;
            }
            scores.Add(Score(clean, output));
        }
        return new SetEvaluation(set.Mode, n, scores, checks, forwards);
    }

    private Tensor Restore(IDenoiser denoiser, RestorationModel model, int steps, Tensor degraded, int member, Action<int, int>? progress) =>
        StackRestorer.Restore(denoiser, model.Sampler, degraded, steps, _options.Seed + (ulong)member, _options.BatchSize, progress);

    private static Tensor Slice(Tensor stack, int n)
    {
        int plane = stack.Dim(2) * stack.Dim(3);
        return new Tensor(stack.Data.AsSpan(0, n * plane).ToArray(), n, 1, stack.Dim(2), stack.Dim(3));
    }

    /// <summary>The classical baseline per image, mapped back to [−1, 1] by its min/max, as every training image is.</summary>
    private static Tensor Classical(Tensor degraded)
    {
        int n = degraded.Dim(0), h = degraded.Dim(2), w = degraded.Dim(3), plane = h * w;
        var result = new Tensor(n, 1, h, w);
        for (int i = 0; i < n; i++)
        {
            var image = new StmImage(degraded.Data.AsSpan(i * plane, plane).ToArray(), w, h);
            var restored = ClassicalRestoration.Restore(image).Data;
            float min = restored.Min(), max = restored.Max();
            double half = max > min ? (max - (double)min) / 2 : 1, center = (min + (double)max) / 2;
            for (int p = 0; p < plane; p++) result.Data[i * plane + p] = (float)((restored[p] - center) / half);
        }
        return result;
    }

    private static MethodScores Score(Tensor clean, Tensor output)
    {
        int n = clean.Dim(0), h = clean.Dim(2), w = clean.Dim(3), plane = h * w;
        var psnr = new double[n];
        var ssim = new double[n];
        for (int i = 0; i < n; i++)
        {
            var reference = clean.Data.AsSpan(i * plane, plane);
            var test = output.Data.AsSpan(i * plane, plane);
            psnr[i] = Psnr.Compute(reference, test, dataRange: 2);
            ssim[i] = Ssim.Compute(reference, test, w, h, dataRange: 2);
        }
        return new MethodScores(psnr, ssim);
    }
}
