using StmKernel.Tensors.Threading;
using StmKernel.UNet;
using StmKernel.UNet.Weights;

namespace StmKernel.Sampling;

/// <summary>
/// A restoration or super-resolution model ready to run: the U-Net of a weights file plus how to sample
/// it, taken from the file's metadata so a file always runs with the sampler it was trained for. A file
/// without a "sampler" object is a one-pass model (the autoencoder baseline): output = network(condition).
/// </summary>
public sealed class RestorationModel
{
    private RestorationModel(string name, UNet2DModel network, WeightSet weights)
    {
        Name = name;
        Network = network;
        Weights = weights;
        Sampler = weights.Metadata.Sampler;
    }

    /// <summary>A short name for messages and reports: the file name without extension.</summary>
    public string Name { get; }

    /// <summary>The network.</summary>
    public UNet2DModel Network { get; }

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

    /// <summary>"restore", "sr2", "sr4", or null when the file does not say.</summary>
    public string? Task => Weights.Metadata.Task;

    /// <summary>Loads a .stmw or safetensors (+ config.json) file; see <see cref="FromWeights"/> for the checks.</summary>
    /// <exception cref="InvalidDataException">The file is malformed or its channels do not fit its sampler (message names the file).</exception>
    public static RestorationModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found", path);
        return FromWeights(WeightSet.Load(path), Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>
    /// Wraps loaded weights. A sampled model must take [x_t, condition] (2 input channels); a one-pass model
    /// the condition alone (1); both output one channel.
    /// </summary>
    public static RestorationModel FromWeights(WeightSet weights, string name)
    {
        ArgumentNullException.ThrowIfNull(weights);
        string file = weights.SourceFile ?? name;
        var config = weights.Config;
        var sampler = weights.Metadata.Sampler;
        if (config.OutChannels != 1)
            throw new InvalidDataException($"{file}: a restoration model outputs 1 channel, this one {config.OutChannels}");
        if (sampler is not null && config.InChannels != 2)
            throw new InvalidDataException($"{file}: a {(sampler.Kind == SamplerKind.Ddim ? "ddim" : "fm")} model takes 2 input channels [x_t, condition], this one {config.InChannels}");
        if (sampler is null && config.InChannels != 1)
            throw new InvalidDataException(
                $"{file}: no \"sampler\" in the metadata means a one-pass model taking the condition alone (1 input channel), but this one takes {config.InChannels}; " +
                "record the sampler it was trained for with `stmkernel convert-weights IN OUT.stmw --sampler ddim|fm`");
        return new RestorationModel(name, UNet2DModel.FromWeights(weights), weights);
    }

    /// <summary>The network as a denoiser on <paramref name="pool"/> (not owned).</summary>
    public IDenoiser CreateDenoiser(WorkerPool pool, int maxBatch = 16) => new UNetDenoiser(Network, pool, maxBatch);

    /// <summary>A tiled restorer running this model with its sampler (or in one pass) on <paramref name="pool"/>.</summary>
    public TiledRestorer CreateRestorer(WorkerPool pool, int maxBatch = 16) => new(CreateDenoiser(pool, maxBatch), Sampler);

    /// <summary>One line for people: task, sampler and size.</summary>
    public string Describe() =>
        $"{Name}: task {Task ?? "unrecorded"}, {(Sampler is null ? "one-pass (no sampler)" : Sampler.Describe())}, " +
        $"{Weights.ParameterCount:N0} parameters ({DiffusersConfig.Describe(Weights.Config)})";
}
