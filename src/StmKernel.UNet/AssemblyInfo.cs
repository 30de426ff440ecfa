[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("StmKernel.UNet.Tests")]
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("StmKernel.Train")]
