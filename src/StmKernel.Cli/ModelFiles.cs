using StmKernel.Tensors.Backends;
using StmKernel.UNet;
using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.Cli;

/// <summary>Builds a <see cref="NetworkModel"/> from the CLI's --weights / --config / --preset options.</summary>
internal static class ModelFiles
{
    /// <summary>
    /// A model from a weight file (.stmw, or safetensors with --config, --preset or the config.json
    /// beside it), or from seeded random weights of a preset when no file is given (benchmarks).
    /// </summary>
    public static NetworkModel Load(string? weightsPath, string? configPath, string? preset, IComputeBackend? backend = null)
    {
        if (weightsPath is null)
        {
            var config = preset is null ? throw new CliException("no weights and no preset") : PresetConfig(preset);
            return new NetworkModel(config, RandomParameters.For(config, seed: 0), backend);
        }
        return NetworkModel.FromWeights(LoadWeights(weightsPath, configPath, preset), backend);
    }

    /// <summary>Loads and validates a weight file; a preset stands in for a safetensors file's config.json.</summary>
    public static WeightSet LoadWeights(string weightsPath, string? configPath, string? preset)
    {
        if (!File.Exists(weightsPath)) throw new CliException($"weights file {weightsPath} does not exist");
        if (preset is null) return WeightSet.Load(weightsPath, configPath);

        var config = PresetConfig(preset);
        if (WeightFile.DetectFormat(weightsPath) == WeightFormat.Stmw)
        {
            var stmw = WeightSet.Load(weightsPath);
            if (!NetworkFamilies.SameArchitecture(stmw.Config, config))
                throw new CliException($"{weightsPath} holds ({stmw.Config.Describe()}), not the {preset} preset");
            return stmw;
        }
        var set = new WeightSet(config, SafetensorsReader.Read(weightsPath).Tensors);
        set.Validate();
        return set;
    }

    public static UNetConfig PresetConfig(string name) => UNetConfig.PresetNames.Contains(name)
        ? UNetConfig.Preset(name)
        : throw new CliException($"unknown preset '{name}' (expected {string.Join(", ", UNetConfig.PresetNames)})");
}
