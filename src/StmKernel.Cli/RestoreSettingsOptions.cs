using System.CommandLine;
using System.Globalization;
using StmKernel.Cli.Commands;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli;

/// <summary>
/// The options behind <see cref="RestoreSettings"/>, shared by `restore`, `upscale`, `orbitals reconstruct` and
/// `watch`: which model, how to sample, which channel, how to tile.
/// </summary>
internal sealed class RestoreSettingsOptions
{
    private readonly Option<string?> _model;

    // The list of distilled models comes from FastModels, so the help cannot name a model that --fast would not pick.
    private readonly Option<bool> _fast = CliOptions.Flag("--fast",
        $"the task's one-step distilled model ({string.Join(", ", RestoreSettings.FastModels.Select(m => $"{m.Key}: {m.Value}"))}): " +
        "a quarter of the forwards, a little less fidelity (docs/models.md); not with --model");

    private readonly Option<int?> _steps = CliOptions.OptionalInt("--steps", "K", "sampler steps (default: the model's); ignored by one-pass models", 1, 1000);

    private readonly Option<int> _ensemble = CliOptions.Int("--ensemble", "N",
        "restore with N seeds: mean + per-pixel standard deviation, and a warning with the regions where the seeds " +
        "disagree too much to trust the result (implies --check)", 1, 1, 64);

    private readonly Option<bool> _check = CliOptions.Flag("--check",
        "add a \"… invented\" channel: where the result probably differs from the truth (changes the artefact model " +
        "does not explain, plus the ensemble spread with --ensemble; docs/uncertainty.md), and a NAME.check.png of " +
        "input | restored | invented beside the output");

    private readonly Option<ulong> _seed = CliOptions.Parsed("--seed", "S", "noise seed; the same seed gives bit-identical output",
        s => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)
            ? v : throw new CliException($"--seed expects a non-negative integer, got '{s}'")).WithDefault(0UL);

    private readonly Option<double?> _pixelSize = CliOptions.Parsed<double?>("--pixel-size", "L",
        "the scan's pixel size, e.g. 0.2nm (for files without a physical size, or to override it); the scan is " +
        "resampled to the model's trained pixel-size range and back", s => LengthOption.Parse(s, "pixel-size"));

    private readonly Option<bool> _anySurface = CliOptions.Flag("--any-surface",
        "restore even when the scan's lattice is not the model's (default: refuse, naming both)");

    private readonly Option<int> _overlap = CliOptions.Int("--overlap", "O", "minimum tile overlap in pixels (tiles are 128)", 32, 0, 127);

    private readonly Option<int> _batch = CliOptions.Int("--batch", "B", "tiles per network call (1 is the least memory and implies --low-memory)", 8, 1, 256);

    private readonly Option<bool> _lowMemory = CliOptions.Flag("--low-memory",
        "keep no transformed convolution weights (about 40 MB less for a Small model at --batch 1, 4-10 % slower " +
        "there; batch 8 streams them anyway; bit-identical output)");

    private readonly Option<bool> _timings = CliOptions.Flag("--timings",
        "print each file's phase times: read, prepare, tile, network (per forward), sampler, blend, post, write");

    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string> _device = DeviceOption.Create();
    private readonly ChannelOptions _channel = new();

    /// <summary>Options whose --model help names <paramref name="defaultModelHelp"/> as the default.</summary>
    public RestoreSettingsOptions(string defaultModelHelp) => _model = CommonOptions.Model(defaultModelHelp);

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _model, _fast, _steps, _ensemble, _check, _seed, _pixelSize, _anySurface, _overlap, _batch, _lowMemory, _threads, _timings, _device })
            command.Options.Add(o);
        _channel.AddTo(command);
    }

    /// <summary>The settings given; <paramref name="defaultModel"/> applies without --model.</summary>
    public RestoreSettings Read(ParseResult parse, string command, ModelTask task, string defaultModel)
    {
        var (channel, direction) = _channel.Read(parse);
        int ensemble = parse.GetValue(_ensemble);
        int batch = parse.GetValue(_batch);
        string? model = parse.GetValue(_model);
        if (parse.GetValue(_fast))
        {
            // Checked here, not by the parser: whether the task has a distilled model is known only with the task.
            if (model is not null) throw new CliException($"--fast picks the distilled model itself; drop it or --model {model}");
            model = RestoreSettings.FastModels.TryGetValue(task.Name, out var fast) ? fast
                : throw new CliException($"--fast: there is no distilled model for the '{task.Name}' task (only for: {string.Join(", ", RestoreSettings.FastModels.Keys)})");
        }
        return new RestoreSettings
        {
            Command = command,
            Task = task,
            ModelArg = model ?? defaultModel,
            Channel = channel,
            Direction = direction,
            Steps = parse.GetValue(_steps),
            Ensemble = ensemble,
            Overlap = parse.GetValue(_overlap),
            Batch = batch,
            Threads = parse.GetValue(_threads),
            Seed = parse.GetValue(_seed),
            // --batch 1 is how a user asks for the smallest footprint; at batch 8 the default backend streams the
            // transformed weights anyway (docs/performance.md, restore memory), so this costs speed only at batch 1.
            LowMemory = parse.GetValue(_lowMemory) || batch == 1,
            AnySurface = parse.GetValue(_anySurface),
            Device = parse.GetValue(_device)!,
            Check = parse.GetValue(_check) || ensemble > 1,
            PixelSize = parse.GetValue(_pixelSize),
            Timings = parse.GetValue(_timings),
        };
    }
}
