using StmKernel.Cli;


// Every sub-command, one file each under Commands/. Keep the list sorted by name.
ICliCommand[] commands =
[
    new StmKernel.Cli.Commands.BenchCommand(),
    new StmKernel.Cli.Commands.ForwardCommand(),
];

return CommandRunner.Run(args, commands, Console.Out, Console.Error);
