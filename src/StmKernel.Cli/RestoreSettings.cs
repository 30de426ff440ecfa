using System.Globalization;
using StmKernel.Cli.Commands;
using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli;

/// <summary>
/// The restore options shared by `restore`, `upscale` and `watch`: which model, how to sample, which channel,
/// how to tile. Read once from the command line; everything about inputs and outputs stays with the command.
/// </summary>
internal sealed record RestoreSettings
{
    /// <summary>Usage lines for these options.</summary>
    public const string Help = """
          --model NAME|FILE   a model in the weights folders (see `stmkernel models`) or a weight file
          --fast              the task's one-step distilled model (restore: fm-distill-small-restore): a
                              quarter of the forwards, a little less fidelity (docs/models.md); not with --model
          --steps K           sampler steps (default: the model's); ignored by one-pass models
          --ensemble N        restore with N seeds: mean + per-pixel standard deviation, and a warning
                              with the regions where the seeds disagree too much to trust the result
          --check             add a "… invented" channel: where the result probably differs from the truth
                              (changes the artefact model does not explain, plus the ensemble spread with
                              --ensemble, which implies it; docs/uncertainty.md), and a NAME.check.png of
                              input | restored | invented beside the output
          --seed S            noise seed (default 0); the same seed gives bit-identical output
          --pixel-size L      the scan's pixel size, e.g. 0.2nm (for files without a physical size, or to override it);
                              the scan is resampled to the model's trained pixel-size range and back
          --any-surface       restore even when the scan's lattice is not the model's (default: refuse, naming both)
          --overlap O         minimum tile overlap in pixels (default 32, tiles are 128)
          --batch B           tiles per network call (default 8; 1 is the least memory and implies --low-memory)
          --low-memory        keep no transformed convolution weights (about 40 MB less for a Small model at
                              --batch 1, 4-10 % slower there; batch 8 streams them anyway; bit-identical output)
          --threads N         worker threads (default: all cores)
          --timings           print each file's phase times: read, prepare, tile, network (per forward),
                              sampler, blend, post, write
        """ + "\n" + DeviceOption.Help;

    /// <summary>The one-step students --fast picks, by task (docs/models.md, "Distillation").</summary>
    public static readonly IReadOnlyDictionary<string, string> FastModels = new Dictionary<string, string> { ["restore"] = "fm-distill-small-restore" };

    /// <summary>The command's name, for messages and the files' provenance.</summary>
    public required string Command { get; init; }

    /// <summary>The task the model must have been trained for (restore, sr2, sr4, orbital): it fixes the pipeline.</summary>
    public required ModelTask Task { get; init; }

    /// <summary>1 restores at the scan's size; 2 or 4 upscales along the slow-scan axis first.</summary>
    public int Factor => Task.LineFactor;

    public required string ModelArg { get; init; }
    public string? Channel { get; init; }
    public ScanDirection? Direction { get; init; }
    public int? Steps { get; init; }
    public int Ensemble { get; init; }
    public int Overlap { get; init; }
    public int Batch { get; init; }
    public int Threads { get; init; }
    public ulong Seed { get; init; }
    public bool LowMemory { get; init; }

    /// <summary>The --device the network runs on (<see cref="DeviceOption"/>).</summary>
    public string Device { get; init; } = "cpu";
    public bool AnySurface { get; init; }
    public bool Check { get; init; }
    public double? PixelSize { get; init; }

    /// <summary>--timings: print each file's phase times (<see cref="ScanRestoreSession.TimingsLine"/>).</summary>
    public bool Timings { get; init; }

    /// <summary>Reads the options above (marking them used); <paramref name="defaultModel"/> applies without --model.</summary>
    public static RestoreSettings Read(ArgReader args, string command, ModelTask task, string defaultModel)
    {
        string? seedText = args.Option("seed");
        ulong seed = 0;
        if (seedText is not null && !ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
            throw new CliException($"--seed expects a non-negative integer, got '{seedText}'");
        var (channel, direction) = ChannelOptions.Read(args);
        int ensemble = args.Int("ensemble", 1, 1, 64);
        int batch = args.Int("batch", 8, 1, 256);
        string? model = args.Option("model");
        if (args.Flag("fast"))
        {
            if (model is not null) throw new CliException($"--fast picks the distilled model itself; drop it or --model {model}");
            model = FastModels.TryGetValue(task.Name, out var fast) ? fast
                : throw new CliException($"--fast: there is no distilled model for the '{task.Name}' task (only for: {string.Join(", ", FastModels.Keys)})");
        }
        return new RestoreSettings
        {
            Command = command,
            Task = task,
            ModelArg = model ?? defaultModel,
            Channel = channel,
            Direction = direction,
            Steps = args.Option("steps") is null ? null : args.Int("steps", 0, 1, 1000),
            Ensemble = ensemble,
            Overlap = args.Int("overlap", 32, 0, 127),
            Batch = batch,
            Threads = args.Int("threads", Environment.ProcessorCount, 1, 1024),
            Seed = seed,
            // --batch 1 is how a user asks for the smallest footprint; at batch 8 the default backend streams the
            // transformed weights anyway (docs/performance.md, restore memory), so this costs speed only at batch 1.
            LowMemory = args.Flag("low-memory") || batch == 1,
            AnySurface = args.Flag("any-surface"),
            Device = DeviceOption.Read(args),
            Check = args.Flag("check") || ensemble > 1,
            Timings = args.Flag("timings"),
            PixelSize = args.Option("pixel-size") is { } ps ? LengthOption.Parse(ps, "pixel-size") : null,
        };
    }
}
