using StmKernel.Cli;

return CommandRunner.Run(args, CommandList.Create(), Console.Out, Console.Error);
