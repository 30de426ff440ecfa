using StmKernel.Cli;


// Every sub-command, one file each under Commands/. Keep the list sorted by name.
ICliCommand[] commands =
[
    new ConvertWeightsCommand(),
];

return CommandRunner.Run(args, commands, Console.Out, Console.Error);
