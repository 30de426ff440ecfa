using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel upscale IN... --factor 2|4 -o OUT`: super-resolution along the slow-scan axis.</summary>
public sealed class UpscaleCommand : ICliCommand
{
    public string Name => "upscale";

    public string Summary => "super-resolve sparse scans along the slow-scan axis (×2 or ×4 scan lines)";

    public string Usage => $"""
        usage: stmkernel upscale IN... --factor 2|4 -o OUT_DIR_or_FILE [--model NAME|FILE] [--steps K]
                                 [--ensemble N] [--channel Z] [--direction fwd|bwd] [--seed S] [--overlap O]
                                 [--batch B] [--threads N] [--low-memory] [--device D] [--shard K/N] [--force]

          An image of W × H/f scan lines (e.g. 512 × 256 with --factor 2) is repeated line by line to W × H
          and restored by an SR model. The output has f × the scan lines and the same physical size
          (pixels 1/f as tall). Default model: fm-small-sr2 or fm-small-sr4 (from the weights folders).
        {RestoreRun.OptionsHelp}{ChannelOptions.Help}
        """;

    public int Run(ArgReader args)
    {
        int factor = args.Int("factor", 0, 2, 4);
        if (factor is not (2 or 4)) throw new CliException("--factor must be 2 or 4");
        return new RestoreRun(args, Name, ModelTasks.ForLineFactor(factor)!, $"fm-small-sr{factor}").Execute();
    }
}
