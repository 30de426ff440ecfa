using System.CommandLine;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel upscale IN... --factor 2|4 -o OUT`: super-resolution along the slow-scan axis.</summary>
public sealed class UpscaleCommand : CliCommand
{
    private readonly Option<int> _factor = CliOptions.Parsed("--factor", "2|4", "scan lines added: ×2 or ×4",
        s => CliOptions.ParseInt("--factor", s, 2, 4) switch
        {
            3 => throw new CliException("--factor must be 2 or 4, got 3"),
            var f => f,
        }).AsRequired();

    private readonly RestoreRunOptions _options = new("fm-small-sr2 or fm-small-sr4, by --factor (from the weights folders)");

    public UpscaleCommand() : base("upscale", "super-resolve sparse scans along the slow-scan axis (×2 or ×4 scan lines)")
    {
        Options.Add(_factor);
        _options.AddTo(this);
    }

    public override string Details => """
        An image of W × H/f scan lines (e.g. 512 × 256 with --factor 2) is repeated line by line to W × H and restored
        by an SR model. The output has f × the scan lines and the same physical size (pixels 1/f as tall).
        """;

    protected override int Run(ParseResult parse)
    {
        int factor = parse.GetValue(_factor);
        return new RestoreRun(parse, _options, Name, ModelTasks.ForLineFactor(factor)!, $"fm-small-sr{factor}").Execute();
    }
}
