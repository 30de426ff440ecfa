using System.Text.Json.Nodes;
using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Threading;
using StmKernel.Train.Graph;
using StmKernel.Train.Objectives;
using StmKernel.Train.Optim;
using StmKernel.UNet.Weights;

namespace StmKernel.Train;

/// <summary>Training hyper-parameters.</summary>
public sealed record TrainerOptions
{
    /// <summary>Seed of the trainer's generator (noise, timesteps, and whatever the data source draws from it).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Learning rate per update.</summary>
    public LearningRateSchedule LearningRate { get; init; } = new(1e-4, 500, 100_000);

    /// <summary>Global gradient-norm clip.</summary>
    public double MaxGradientNorm { get; init; } = 1.0;

    /// <summary>EMA decay of the shipped weights.</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;
}

/// <summary>What one update did.</summary>
public readonly record struct StepResult(long Step, double Loss, double GradientNorm, double LearningRate);

/// <summary>
/// One network under training: the graph, AdamW, the EMA and the seeded generator. <see cref="TrainStep"/>
/// prepares the batch through the objective (noise and times from <see cref="Random"/>), runs
/// forward and backward, clips, steps AdamW at the scheduled rate and folds the EMA.
/// Everything that decides the next step is in a <see cref="TrainingCheckpoint"/>, so a resumed
/// run continues bit for bit.
/// </summary>
public sealed class Trainer
{
    private readonly ITrainableNetwork _graph;
    private Tensor? _input, _output, _gradOutput;
    private float[] _timesteps = [];

    /// <summary>Starts training <paramref name="parameters"/> from step 0, on the CPU backend.</summary>
    public Trainer(ParameterSet parameters, ITrainingObjective objective, TrainerOptions options)
        : this(new TrainingNetwork(parameters), objective, options) { }

    /// <summary>Starts training <paramref name="network"/> (any family, any backend) from step 0.</summary>
    /// <exception cref="ArgumentException">The network's channels or time input do not fit the objective.</exception>
    public Trainer(ITrainableNetwork network, ITrainingObjective objective, TrainerOptions options)
    {
        var parameters = network.Parameters;
        var config = parameters.Config;
        if (config.InChannels != objective.InputChannels || config.OutChannels != 1)
            throw new ArgumentException($"objective '{objective.Name}' needs in_channels {objective.InputChannels} and out_channels 1, the model has {config.InChannels} and {config.OutChannels}");
        if (objective.UsesTimestep && !config.TakesTimestep)
            throw new ArgumentException($"objective '{objective.Name}' feeds a timestep, but the {config.ClassName} network has no time input (train it with a one-pass objective such as ae)");
        Parameters = parameters;
        Objective = objective;
        Options = options;
        Optimizer = new AdamW(parameters, weightDecay: options.WeightDecay);
        Ema = new ExponentialMovingAverage(parameters, options.EmaDecay);
        Random = new SeededRandom(options.Seed);
        _graph = network;
    }

    /// <summary>Weights and gradients.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>The loss.</summary>
    public ITrainingObjective Objective { get; }

    /// <summary>Hyper-parameters.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Optimizer state.</summary>
    public AdamW Optimizer { get; }

    /// <summary>Averaged weights.</summary>
    public ExponentialMovingAverage Ema { get; }

    /// <summary>The run's only source of randomness (a data source should draw from it too).</summary>
    public SeededRandom Random { get; }

    /// <summary>Updates done.</summary>
    public long Step => Optimizer.Step;

    /// <summary>
    /// Provenance of the run: one JSON object per training segment (one process from start or resume to its
    /// last checkpoint), filled by the caller and kept by checkpoints, so a model trained across several
    /// resumed runs can say how every step was trained.
    /// </summary>
    public JsonArray History { get; } = [];

    /// <summary>One update on a batch of clean images and their conditions (both [B, 1, H, W]).</summary>
    public StepResult TrainStep(Tensor clean, Tensor condition, WorkerPool pool)
    {
        if (!clean.Shape.AsSpan().SequenceEqual(condition.Shape)) throw new ArgumentException($"clean {clean.ShapeText} and condition {condition.ShapeText} differ");
        int b = clean.Dim(0), h = clean.Dim(2), w = clean.Dim(3);
        if (_input is null || _input.Dim(0) != b || _input.Dim(2) != h || _input.Dim(3) != w)
        {
            _input = new Tensor(b, Objective.InputChannels, h, w);
            _output = new Tensor(b, 1, h, w);
            _gradOutput = new Tensor(b, 1, h, w);
            _timesteps = new float[b];
        }
        Objective.Prepare(clean, condition, Random, _input, _timesteps);
        _graph.Forward(_input, _timesteps, _output!, pool);
        double loss = Objective.Loss(_output!, _gradOutput!);
        if (!double.IsFinite(loss)) throw new InvalidOperationException($"loss became {loss} at step {Step + 1}: lower the learning rate");
        _graph.Backward(_gradOutput!, pool);
        double norm = GradientClipping.ClipGlobalNorm(Parameters, Options.MaxGradientNorm);
        double lr = Options.LearningRate.At(Step + 1);
        Optimizer.Update(lr, pool);
        Ema.Update(Step - 1, pool); // the optimizer has counted this update
        _graph.ParametersChanged(pool);
        return new StepResult(Step, loss, norm, lr);
    }

    /// <summary>
    /// The weights as a validated <see cref="WeightSet"/> (save it with <see cref="WeightSet.SaveStmw"/>): the EMA
    /// average by default, as shipped models use, or the raw current values.
    /// </summary>
    public WeightSet ExportWeights(bool ema = true, ModelMetadata? metadata = null)
    {
        var values = ema ? Ema.Snapshot() : Parameters.Snapshot();
        var tensors = Parameters.Specs.ToDictionary(s => s.Key, s => new WeightTensor(s.Shape, values[s.Key]));
        var set = new WeightSet(Parameters.Config, tensors, metadata);
        set.Validate();
        return set;
    }

    /// <summary>Writes everything needed to continue to <paramref name="path"/> (temp file, then rename).</summary>
    public void SaveCheckpoint(string path) => TrainingCheckpoint.Write(path, this);

    /// <summary>Continues a run from a checkpoint written by <see cref="SaveCheckpoint"/>, on <paramref name="backend"/> (default: the CPU).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint, or was written for another objective.</exception>
    public static Trainer Resume(string path, ITrainingObjective objective, TrainerOptions options, IComputeBackend? backend = null)
    {
        var c = TrainingCheckpoint.Read(path);
        if (c.Objective != objective.Name) throw new InvalidDataException($"{path}: checkpoint was trained with objective '{c.Objective}', not '{objective.Name}'");
        var trainer = new Trainer(new TrainingNetwork(c.Parameters, backend), objective, options);
        c.ApplyTo(trainer, path);
        trainer._graph.ParametersChanged();
        return trainer;
    }
}
