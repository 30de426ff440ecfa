using System.CommandLine;
using StmKernel.Tensors.Backends;
using StmKernel.UNet.Networks;

namespace StmKernel.Cli;

/// <summary>`--weights FILE`, `--config config.json` and `--preset NAME` of `forward` and `bench`: what <see cref="ModelFiles.Load"/> reads.</summary>
internal sealed class ModelFileOptions
{
    private readonly Option<string?> _weights;

    private readonly Option<string?> _config = CliOptions.OptionalText("--config", "config.json",
        "diffusers config.json of a safetensors FILE (default: the one beside it)");

    private readonly Option<string?> _preset = CliOptions.OptionalText("--preset", "small|large|tiny",
        "architecture preset: of the random weights without --weights, or instead of a safetensors FILE's config.json");

    /// <summary>Options whose --weights says <paramref name="weightsHelp"/>; <paramref name="weightsRequired"/> makes it required.</summary>
    public ModelFileOptions(string weightsHelp, bool weightsRequired)
    {
        _weights = CliOptions.OptionalText("--weights", "FILE", weightsHelp);
        _weights.Required = weightsRequired;
    }

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_weights);
        command.Options.Add(_config);
        command.Options.Add(_preset);
    }

    /// <summary>The weight file given (null: random weights of the preset).</summary>
    public string? Weights(ParseResult parse) => parse.GetValue(_weights);

    /// <summary>The model these options name, on <paramref name="backend"/>.</summary>
    /// <exception cref="CliException">Both --config and --preset, neither --weights nor --preset, or a bad file.</exception>
    public NetworkModel Load(ParseResult parse, IComputeBackend backend)
    {
        string? config = parse.GetValue(_config), preset = parse.GetValue(_preset);
        string? weights = parse.GetValue(_weights);
        if (config is not null && preset is not null) throw new CliException("give --config or --preset, not both");
        if (weights is null && preset is null) throw new CliException("give --preset small|large or --weights FILE");
        return ModelFiles.Load(weights, config, preset, backend);
    }
}
