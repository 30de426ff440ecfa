using System.CommandLine;
using StmKernel.Cli;
using StmKernel.Cli.Commands;

// Every sub-command, one file each under Commands/. Keep the list sorted by name.
Command[] commands =
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

return CommandRunner.Run(args, commands, Console.Out, Console.Error);
