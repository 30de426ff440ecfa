[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("StmKernel.UNet.Tests")]
