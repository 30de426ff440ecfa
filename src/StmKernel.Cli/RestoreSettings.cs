using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli;

/// <summary>
/// The restore options shared by `restore`, `upscale` and `watch`: which model, how to sample, which channel,
/// how to tile. Read once from the command line (<see cref="RestoreSettingsOptions"/>); everything about inputs and outputs stays with the command.
/// </summary>
internal sealed record RestoreSettings
{
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
}
