using StmKernel.Tensors.Threading;
using StmKernel.UNet;
using StmKernel.UNet.Networks;
using StmKernel.UNet.Weights;
using StmKernel.Tensors.Backends;

namespace StmKernel.Sampling;

/// <summary>
/// A restoration or super-resolution model ready to run: the network of a weights file (any registered family) plus
/// how to sample it, taken from the file's metadata so a file always runs with the sampler it was trained for. A file
/// without a "sampler" object is a one-pass model (the autoencoder baseline, a regressor): output = network(condition).
/// </summary>
public sealed class RestorationModel
{
    private RestorationModel(string name, INetwork network, WeightSet weights)
    {
        Name = name;
        Network = network;
        Weights = weights;
        Sampler = weights.Metadata.Sampler;
    }

    /// <summary>A short name for messages and reports: the file name without extension.</summary>
    public string Name { get; }

    /// <summary>The network.</summary>
    public INetwork Network { get; }

    /// <summary>The weights with their metadata (task, provenance).</summary>
    public WeightSet Weights { get; }

    /// <summary>The sampler the model was trained for; null for a one-pass model.</summary>
    public SamplerSettings? Sampler { get; }

    /// <summary>The pixel sizes (metres) the model was trained on; the paper's 0.195 nm for files that do not say (every model before the field).</summary>
    public (double Min, double Max) PixelSizeRange => Weights.Metadata.PixelSizeRange ?? ScanScale.PaperRange;

    /// <summary>True when the model was trained on line-flattened images, so a scan must be flattened the same way first.</summary>
    public bool LineFlatten => Weights.Metadata.Conditioning == "line-flatten";

    /// <summary>The lattice periods (metres) of the training surfaces; null when unknown (no lattice check).</summary>
    public IReadOnlyList<double>? LatticePeriods => Weights.Metadata.LatticePeriods;

    /// <summary>A registered task name (<see cref="ModelTasks"/>), or null when the file does not say.</summary>
    public string? Task => Weights.Metadata.Task;

    /// <summary>Channels of the condition the network reads (the metadata's "condition_channels"; 1, the scan, by default).</summary>
    public int ConditionChannels => Weights.Metadata.ConditionChannels;

    /// <summary>Loads a .stmw or safetensors (+ config.json) file to run on <paramref name="backend"/> (default: the CPU's); see <see cref="FromWeights"/> for the checks.</summary>
    /// <exception cref="InvalidDataException">The file is malformed or its channels do not fit its sampler (message names the file).</exception>
    public static RestorationModel Load(string path, IComputeBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found", path);
        return FromWeights(WeightSet.Load(path), Path.GetFileNameWithoutExtension(path), backend);
    }

    /// <summary>
    /// Wraps loaded weights. A sampled model must take [x_t, condition channels] (1 + C input channels, C from the
    /// metadata, 1 by default) and read a timestep; a one-pass model the condition alone (C); both output one channel.
    /// </summary>
    public static RestorationModel FromWeights(WeightSet weights, string name, IComputeBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        string file = weights.SourceFile ?? name;
        var config = weights.Config;
        var sampler = weights.Metadata.Sampler;
        if (config.OutChannels != 1)
            throw new InvalidDataException($"{file}: a restoration model outputs 1 channel, this one {config.OutChannels}");
        int c = weights.Metadata.ConditionChannels;
        if (sampler is not null && !config.TakesTimestep)
            throw new InvalidDataException($"{file}: the metadata names a sampler, but the {config.ClassName} network has no time input (a one-pass model has no \"sampler\")");
        if (sampler is not null && config.InChannels != 1 + c)
            throw new InvalidDataException($"{file}: a {(sampler.Kind == SamplerKind.Ddim ? "ddim" : "fm")} model with {c} condition channel(s) takes {1 + c} input channels [x_t, condition], this one {config.InChannels}");
        if (sampler is null && config.InChannels != c)
            throw new InvalidDataException(
                $"{file}: no \"sampler\" in the metadata means a one-pass model taking the condition alone ({c} input channel(s)), but this one takes {config.InChannels}; " +
                "record the sampler it was trained for with `stmkernel convert-weights IN OUT.stmw --sampler ddim|fm`");
        return new RestorationModel(name, NetworkModel.FromWeights(weights, backend), weights);
    }

    /// <summary>The network as a denoiser on <paramref name="pool"/> (not owned).</summary>
    public IDenoiser CreateDenoiser(WorkerPool pool, int maxBatch = 16) => new NetworkDenoiser(Network, pool, maxBatch);

    /// <summary>A tiled restorer running this model with its sampler (or in one pass) on <paramref name="pool"/>.</summary>
    /// <exception cref="InvalidOperationException">The model reads more than one condition channel: a scan gives one.</exception>
    public TiledRestorer CreateRestorer(WorkerPool pool, int maxBatch = 16) => ConditionChannels == 1
        ? new(CreateDenoiser(pool, maxBatch), Sampler)
        : throw new InvalidOperationException($"{Name} reads {ConditionChannels} condition channels; a scan restore supplies one (the scan)");

    /// <summary>One line for people: task, sampler and size.</summary>
    public string Describe() =>
        $"{Name}: task {Task ?? "unrecorded"}, {(Sampler is null ? "one-pass (no sampler)" : Sampler.Describe())}, " +
        $"{Weights.ParameterCount:N0} parameters ({Weights.Config.Describe()})";
}
