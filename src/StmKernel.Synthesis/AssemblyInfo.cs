// StmKernel.Synthesis: procedural pristine surfaces and the paper's degradation pipeline.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("StmKernel.Synthesis.Tests")]
