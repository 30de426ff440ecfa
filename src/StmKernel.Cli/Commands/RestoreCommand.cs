using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel restore IN... -o OUT`: repairs STM images with a restoration model, tile by tile.</summary>
public sealed class RestoreCommand : ICliCommand
{
    /// <summary>The model used without --model.</summary>
    public const string DefaultModel = "fm-small-restore";

    public string Name => "restore";

    public string Summary => "restore STM images with a model (tiled, any size; --ensemble adds an uncertainty map)";

    public string Usage => $"""
        usage: stmkernel restore IN... -o OUT_DIR_or_FILE [--model NAME|FILE] [--steps K] [--ensemble N]
                                 [--channel Z] [--direction fwd|bwd] [--seed S] [--overlap O] [--batch B]
                                 [--threads N] [--low-memory] [--device D] [--shard K/N] [--force]

          IN...  STM files in any format stmkernel reads (.sxm, MATRIX, Createc .dat, .gwy, .npy, TIFF, PNG)
                 or folders (their image files). One channel per file is restored, in its physical units;
                 NaN pixels stay NaN. A file that fails is reported and the others continue (exit 1).
                 The work list for --shard is the inputs in argument order, each folder's files by name.
          Default model: {DefaultModel} (from the weights folders).
        {RestoreRun.OptionsHelp}{ChannelOptions.Help}
        """;

    public int Run(ArgReader args) => new RestoreRun(args, Name, ModelTasks.Restore, DefaultModel).Execute();
}
