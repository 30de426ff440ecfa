using StmKernel.Cli;

// The NativeAOT x86-64-v2 build hands over to its v3/v4 sibling where the CPU runs one (returns otherwise).
BaselineDispatch.Run(args);
return CommandRunner.Run(args, CommandList.Create(), Console.Out, Console.Error);
