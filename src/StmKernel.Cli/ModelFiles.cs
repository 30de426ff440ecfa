using StmKernel.UNet;

namespace StmKernel.Cli;

/// <summary>Builds a <see cref="UNet2DModel"/> from the CLI's --weights / --config / --preset options.</summary>
internal static class ModelFiles
{
    /// <summary>A model from a weight file, or from seeded random weights of a preset when no file is given.</summary>
    public static UNet2DModel Load(string? weightsPath, string? configPath, string? preset)
    {
        if (weightsPath is null)
        {
            var config = preset is null ? throw new CliException("no weights and no preset") : PresetConfig(preset);
            return new UNet2DModel(config, RandomParameters.For(config, seed: 0));
        }
        throw new CliException("loading weight files is not wired yet");
    }

    public static UNetConfig PresetConfig(string name) => name switch
    {
        "small" => UNetConfig.Small,
        "large" => UNetConfig.Large,
        _ => throw new CliException($"unknown preset '{name}' (expected small or large)"),
    };
}
