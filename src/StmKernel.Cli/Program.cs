using StmKernel.Cli;


// Every sub-command, one file each under Commands/. Keep the list sorted by name.
ICliCommand[] commands =
[
    new StmKernel.Cli.Commands.DegradeCommand(),
    new StmKernel.Cli.Commands.SynthCommand(),
];

return CommandRunner.Run(args, commands, Console.Out, Console.Error);
