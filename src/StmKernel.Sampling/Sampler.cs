using StmKernel.UNet.Weights;
using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>
/// A conditional sampler: turns initial Gaussian noise into a sample given a condition, calling an
/// <see cref="IDenoiser"/> with the network input [x_t, condition channels…] (one condition channel, the scan, for
/// every shipped model; <see cref="ModelMetadata.ConditionChannels"/>). Everything works in the normalised
/// [−1, 1] units of training; tiling and units are <see cref="TiledRestorer"/>'s job.
/// </summary>
public abstract class Sampler
{
    /// <summary>The settings this sampler runs with.</summary>
    public SamplerSettings Settings { get; }

    /// <summary>Validates and keeps the settings.</summary>
    protected Sampler(SamplerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
    }

    /// <summary>The sampler a model's settings call for (DDIM or flow matching).</summary>
    public static Sampler Create(SamplerSettings settings) => settings.Kind switch
    {
        SamplerKind.Ddim => new DdimSampler(settings),
        _ => new FlowMatchingSampler(settings),
    };

    /// <summary>Network evaluations per sample for <paramref name="steps"/> steps (K, or 2K for RK2).</summary>
    public int EvaluationsPerSample(int steps) => Settings.EvaluationsPerSample(steps);

    /// <summary>
    /// Runs <paramref name="steps"/> steps. <paramref name="x"/> holds unit Gaussian noise on entry (which the sampler
    /// turns into its start, see <see cref="SamplerSettings.Start"/>) and the sample on exit, [B, 1, H, W] with B ≤ <see cref="IDenoiser.MaxBatch"/>;
    /// <paramref name="condition"/> is [B, C, H, W]. A condition start (<see cref="FlowStart.Condition"/>) starts from channel 0.
    /// </summary>
    public void Sample(IDenoiser denoiser, Tensor condition, Tensor x, int steps)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4 || x.Dim(1) != 1)
            throw new ArgumentException($"sample must be [B, 1, H, W], got {x.ShapeText}", nameof(x));
        if (condition.Rank != 4 || condition.Dim(0) != x.Dim(0) || condition.Dim(2) != x.Dim(2) || condition.Dim(3) != x.Dim(3))
            throw new ArgumentException($"condition {condition.ShapeText} does not match sample {x.ShapeText} in batch, height and width", nameof(condition));
        if (x.Dim(0) > denoiser.MaxBatch)
            throw new ArgumentException($"batch {x.Dim(0)} exceeds the denoiser's maximum {denoiser.MaxBatch}", nameof(x));
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be ≥ 1");
        Begin(x.Data, condition);
        Run(new Evaluator(denoiser, condition, Settings.TimeScale), x.Data, steps);
    }

    /// <summary>Turns the unit noise in <paramref name="x"/> into the sampler's start in place (default: the noise itself).</summary>
    private protected virtual void Begin(float[] x, Tensor condition) { }

    /// <summary>The sampler's loop over steps; <paramref name="x"/> is updated in place.</summary>
    private protected abstract void Run(Evaluator net, float[] x, int steps);

    /// <summary>Assembles the network input [x, condition channels…] and calls the denoiser at one sampler time.</summary>
    private protected sealed class Evaluator
    {
        private readonly IDenoiser _denoiser;
        private readonly double _timeScale;
        private readonly Tensor _input;
        private readonly float[] _timesteps;
        private readonly int _plane, _channels;

        public Evaluator(IDenoiser denoiser, Tensor condition, double timeScale)
        {
            _denoiser = denoiser;
            _timeScale = timeScale;
            int b = condition.Dim(0), c = condition.Dim(1), h = condition.Dim(2), w = condition.Dim(3);
            _plane = h * w;
            _channels = 1 + c;
            _input = new Tensor(b, _channels, h, w);
            _timesteps = new float[b];
            for (int n = 0; n < b; n++)
                condition.Data.AsSpan(n * c * _plane, c * _plane).CopyTo(_input.Data.AsSpan((_channels * n + 1) * _plane, c * _plane));
            Output = new Tensor(b, 1, h, w);
        }

        /// <summary>The prediction of the last <see cref="Evaluate"/>, [B, 1, H, W].</summary>
        public Tensor Output { get; }

        /// <summary>Predicts at sampler time <paramref name="time"/> for the current sample <paramref name="x"/>.</summary>
        public float[] Evaluate(ReadOnlySpan<float> x, double time)
        {
            for (int n = 0; n < _timesteps.Length; n++)
                x.Slice(n * _plane, _plane).CopyTo(_input.Data.AsSpan(_channels * n * _plane, _plane));
            Array.Fill(_timesteps, (float)(time * _timeScale));
            _denoiser.Predict(_input, _timesteps, Output);
            return Output.Data;
        }
    }
}
