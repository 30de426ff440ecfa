using StmKernel.Cli;


// Every sub-command, one file each under Commands/. Keep the list sorted by name.
ICliCommand[] commands =
[
    new StmKernel.Cli.Commands.ClassicalCommand(),
    new StmKernel.Cli.Commands.ConvertCommand(),
    new StmKernel.Cli.Commands.InfoCommand(),
];

return CommandRunner.Run(args, commands, Console.Out, Console.Error);
