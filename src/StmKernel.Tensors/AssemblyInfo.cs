[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("StmKernel.Tensors.Tests")]
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("StmKernel.UNet")]
