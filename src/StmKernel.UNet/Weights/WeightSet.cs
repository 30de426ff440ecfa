using System.Text;
using StmKernel.UNet.Networks;

namespace StmKernel.UNet.Weights;

/// <summary>
/// A complete set of network weights (any registered family, <see cref="NetworkFamilies"/>): the architecture, every parameter as float32 under its diffusers
/// key, and the model metadata. Loaded sets are always validated against the architecture.
/// </summary>
public sealed class WeightSet
{
    /// <summary>Most problems listed in one validation message.</summary>
    private const int MaxListedProblems = 20;

    /// <summary>The architecture the tensors belong to.</summary>
    public INetworkConfig Config { get; }

    /// <summary>Every parameter by diffusers key, float32 row-major.</summary>
    public IReadOnlyDictionary<string, WeightTensor> Tensors { get; }

    /// <summary>Task, sampler, normalisation, provenance and any other fields of the file.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>The file the set was loaded from; null for a set built in memory.</summary>
    public string? SourceFile { get; }

    /// <summary>The format of <see cref="SourceFile"/>; null for a set built in memory.</summary>
    public WeightFormat? SourceFormat { get; }

    /// <summary>The element type the file stored (the one holding most elements if it mixed them); F32 in memory.</summary>
    public DType StoredDType { get; }

    /// <summary>The CRC-32 a .stmw file carried (verified on load); null for other sources.</summary>
    public uint? StoredChecksum { get; }

    /// <summary>A set built in memory (e.g. by training). Call <see cref="Validate"/> before use.</summary>
    public WeightSet(INetworkConfig config, IReadOnlyDictionary<string, WeightTensor> tensors, ModelMetadata? metadata = null)
        : this(config, tensors, metadata ?? new ModelMetadata(), null, null, DType.F32, null) { }

    private WeightSet(INetworkConfig config, IReadOnlyDictionary<string, WeightTensor> tensors, ModelMetadata metadata,
        string? sourceFile, WeightFormat? format, DType stored, uint? checksum)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensors);
        Config = config;
        Tensors = tensors;
        Metadata = metadata;
        SourceFile = sourceFile;
        SourceFormat = format;
        StoredDType = stored;
        StoredChecksum = checksum;
    }

    /// <summary>Total number of scalar parameters of the architecture.</summary>
    public long ParameterCount => ParameterList.CountParameters(Config);

    /// <summary>
    /// Loads a .stmw or safetensors file, recognised by content. A safetensors file needs a diffusers
    /// config.json: <paramref name="configPath"/>, or by default the one beside the file. For .stmw the
    /// architecture is inside; a given <paramref name="configPath"/> must describe the same network.
    /// </summary>
    /// <exception cref="InvalidDataException">Malformed file, failed checksum, unsupported config, or tensors that do not match the architecture; the message names the file and the problem.</exception>
    /// <exception cref="FileNotFoundException">The file, or the config.json a safetensors file needs, does not exist.</exception>
    public static WeightSet Load(string path, string? configPath = null)
    {
        var format = WeightFile.DetectFormat(path)
            ?? throw new InvalidDataException($"{path}: not a weights file (neither the .stmw magic nor a safetensors header)");
        WeightSet set;
        if (format == WeightFormat.Stmw)
        {
            var c = StmwReader.Read(path);
            if (configPath is not null)
            {
                var given = DiffusersConfig.Load(configPath);
                if (!NetworkFamilies.SameArchitecture(given, c.Config))
                    throw new InvalidDataException($"{configPath} describes ({given.Describe()}) but {path} holds ({c.Config.Describe()})");
            }
            set = new WeightSet(c.Config, c.Tensors, c.Metadata, path, format, DTypes.Predominant(c.DTypes, c.Tensors), c.Crc32);
        }
        else
        {
            configPath ??= ConfigBeside(path);
            if (!File.Exists(configPath))
                throw new FileNotFoundException($"{path}: a safetensors file carries no architecture, and the diffusers config.json expected at {configPath} does not exist (pass its path with --config)", configPath);
            var config = DiffusersConfig.Load(configPath);
            var c = SafetensorsReader.Read(path);
            set = new WeightSet(config, c.Tensors, new ModelMetadata(), path, format, DTypes.Predominant(c.DTypes, c.Tensors), null);
        }
        set.Validate();
        return set;
    }

    /// <summary>The config.json a safetensors file is read with by default: the one in its folder.</summary>
    public static string ConfigBeside(string safetensorsPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(safetensorsPath))!, "config.json");

    /// <summary>
    /// Checks the tensors against <see cref="ParameterList.For"/>: every expected key present with its
    /// exact shape, and nothing else.
    /// </summary>
    /// <exception cref="InvalidDataException">Lists each missing, unexpected or mis-shaped tensor with its key and both shapes, after the file name.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        var expected = ParameterList.For(Config);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in expected)
        {
            keys.Add(spec.Key);
            if (!Tensors.TryGetValue(spec.Key, out var t))
                problems.Add($"missing tensor \"{spec.Key}\": expected shape {spec.ShapeText}, not in the file");
            else if (!t.Shape.AsSpan().SequenceEqual(spec.Shape))
                problems.Add($"tensor \"{spec.Key}\" has shape {t.ShapeText}, expected {spec.ShapeText}");
        }
        foreach (var (key, t) in Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!keys.Contains(key))
                problems.Add($"unexpected tensor \"{key}\" with shape {t.ShapeText}: expected shape none (not part of this architecture)");
        }
        if (problems.Count == 0) return;

        var msg = new StringBuilder();
        msg.Append($"{SourceFile ?? "in-memory weights"}: {problems.Count} tensor(s) do not match the architecture ({Config.Describe()}):");
        foreach (var p in problems.Take(MaxListedProblems)) msg.Append("\n  ").Append(p);
        if (problems.Count > MaxListedProblems) msg.Append($"\n  … and {problems.Count - MaxListedProblems} more");
        throw new InvalidDataException(msg.ToString());
    }

    /// <summary>Writes the set as .stmw with every tensor stored as <paramref name="dtype"/> (F32 or F16).</summary>
    public void SaveStmw(string path, DType dtype = DType.F32) => StmwWriter.Write(path, this, dtype);

    /// <summary>
    /// Writes the tensors as safetensors (in <see cref="ParameterList"/> order). The architecture is not
    /// part of safetensors: write it beside the file with <see cref="DiffusersConfig.Save"/>.
    /// </summary>
    public void SaveSafetensors(string path, DType dtype = DType.F32)
    {
        Validate();
        SafetensorsWriter.Write(path, ParameterList.For(Config).Select(s => KeyValuePair.Create(s.Key, Tensors[s.Key])), dtype);
    }
}
