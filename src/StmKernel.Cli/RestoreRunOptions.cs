using System.CommandLine;

namespace StmKernel.Cli;

/// <summary>
/// The arguments and options of a <see cref="RestoreRun"/> (`restore`, `upscale`, `orbitals reconstruct`): IN...,
/// -o, --force, --shard and the <see cref="RestoreSettingsOptions"/>.
/// </summary>
internal sealed class RestoreRunOptions
{
    /// <summary>The input files and folders.</summary>
    public Argument<string[]> Inputs { get; } = new("IN")
    {
        Arity = ArgumentArity.OneOrMore,
        Description = "STM files in any format stmkernel reads (.sxm, MATRIX, Createc .dat, .gwy, .npy, TIFF, PNG) or " +
                      "folders (their image files). One channel per file is restored, in its physical units; NaN pixels " +
                      "stay NaN. A file that fails is reported and the others continue (exit 1). The work list for " +
                      "--shard is the inputs in argument order, each folder's files by name.",
    };

    /// <summary>`-o OUT`.</summary>
    public Option<string> Output { get; } = CliOptions.RequiredText("-o", "OUT",
        "output folder (created if missing), or a file name for a single input; .gwy (default) holds restored + " +
        "uncertainty (with --ensemble) + original channels; .npy/.tif/.png hold the restored channel; a PNG preview goes beside",
        "--output");

    /// <summary>`--force`.</summary>
    public Option<bool> Force { get; } = CommonOptions.Force();

    /// <summary>`--shard K/N`.</summary>
    public Option<ShardOption?> Shard { get; } = ShardOption.Create();

    /// <summary>The model, sampling, channel and tiling options.</summary>
    public RestoreSettingsOptions Settings { get; }

    /// <summary>Options whose --model help names <paramref name="defaultModelHelp"/> as the default.</summary>
    public RestoreRunOptions(string defaultModelHelp) => Settings = new RestoreSettingsOptions(defaultModelHelp);

    /// <summary>Adds the arguments and every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Inputs);
        command.Options.Add(Output);
        Settings.AddTo(command);
        command.Options.Add(Shard);
        command.Options.Add(Force);
    }
}
