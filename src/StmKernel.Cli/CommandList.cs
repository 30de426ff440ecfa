using System.CommandLine;
using StmKernel.Cli.Commands;

namespace StmKernel.Cli;

/// <summary>Every `stmkernel` sub-command, one file each under Commands/: what the executable and the tests run.</summary>
public static class CommandList
{
    /// <summary>New instances of the commands, sorted by name (keep it so: it is the order of the help's command list).</summary>
    public static IReadOnlyList<Command> Create() =>
    [
        new BenchCommand(),
        new ClassicalCommand(),
        new ConvertCommand(),
        new ConvertWeightsCommand(),
        new DegradeCommand(),
        new EvalCommand(),
        new EvalMergeCommand(),
        new ForwardCommand(),
        new InfoCommand(),
        new ModelsCommand(),
        new OrbitalsCommand(),
        new RealismCommand(),
        new RestoreCommand(),
        new SynthCommand(),
        new TrainCommand(),
        new UpscaleCommand(),
        new WatchCommand(),
    ];
}
