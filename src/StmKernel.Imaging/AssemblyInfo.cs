// StmKernel.Imaging: STM file formats, image codecs, metrics and classical corrections.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("StmKernel.Imaging.Tests")]
