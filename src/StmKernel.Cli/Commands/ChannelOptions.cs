using System.CommandLine;
using StmKernel.Imaging;

namespace StmKernel.Cli.Commands;

/// <summary>The `--channel NAME` and `--direction fwd|bwd` options shared by the image commands.</summary>
internal sealed class ChannelOptions
{
    public Option<string?> Channel { get; } = CliOptions.OptionalText("--channel", "NAME", "channel to use (case-insensitive, e.g. Z, Current); default: the first");

    public Option<ScanDirection?> Direction { get; } = CliOptions.Parsed<ScanDirection?>("--direction", "fwd|bwd",
        "scan direction; default: forward when the channel has one", d => d switch
        {
            "fwd" or "forward" => ScanDirection.Forward,
            "bwd" or "backward" => ScanDirection.Backward,
            _ => throw new CliException($"--direction must be fwd or bwd, got '{d}'"),
        });

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Channel);
        command.Options.Add(Direction);
    }

    /// <summary>The selection given (nulls: none).</summary>
    public (string? Channel, ScanDirection? Direction) Read(ParseResult parse) => (parse.GetValue(Channel), parse.GetValue(Direction));

    /// <summary>Every channel matching the selection (all when nothing is selected).</summary>
    public static IReadOnlyList<StmImage> All(StmDocument doc, string? channel, ScanDirection? direction, string path)
    {
        if (channel is null && direction is null) return doc.Channels;
        var hits = doc.Channels.Where(c => (channel is null || string.Equals(c.Channel, channel, StringComparison.OrdinalIgnoreCase))
                                        && (direction is null || c.Direction == direction)).ToList();
        return hits.Count > 0 ? hits : [StmFile.Select(doc, channel, direction, path)]; // Select throws the helpful error
    }

    /// <summary>The one channel to use: the selection's first match, preferring forward when no direction is given.</summary>
    public static StmImage One(StmDocument doc, string? channel, ScanDirection? direction, string path) =>
        StmFile.Select(doc, channel, direction ?? (doc.Channels.Any(c => c.Direction == ScanDirection.Forward && (channel is null || string.Equals(c.Channel, channel, StringComparison.OrdinalIgnoreCase))) ? ScanDirection.Forward : null), path);
}
