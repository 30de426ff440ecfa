// StmKernel.Sampling: DDIM and flow-matching samplers, tiling, restoration pipelines.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("StmKernel.Sampling.Tests")]
