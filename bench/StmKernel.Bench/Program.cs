using BenchmarkDotNet.Running;

// Kernel micro-benchmarks: dotnet run -c Release --project bench/StmKernel.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
