using System.CommandLine;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel restore IN... -o OUT`: repairs STM images with a restoration model, tile by tile.</summary>
public sealed class RestoreCommand : CliCommand
{
    /// <summary>The model used without --model.</summary>
    public const string DefaultModel = "fm-small-restore";

    private readonly RestoreRunOptions _options = new($"{DefaultModel} (from the weights folders)");

    public RestoreCommand() : base("restore", "restore STM images with a model (tiled, any size; --ensemble adds an uncertainty map)") =>
        _options.AddTo(this);

    protected override int Run(ParseResult parse) => new RestoreRun(parse, _options, Name, ModelTasks.Restore, DefaultModel).Execute();
}
