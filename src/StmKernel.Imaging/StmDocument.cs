namespace StmKernel.Imaging;

/// <summary>File formats the library reads (detected from the first bytes, never from the extension).</summary>
public enum StmFormat
{
    /// <summary>Nanonis .sxm scan.</summary>
    NanonisSxm,
    /// <summary>Omicron MATRIX image file (.Z_mtrx, .I_mtrx, …) with its optional _0001.mtrx parameter file.</summary>
    OmicronMatrix,
    /// <summary>Createc .dat (compressed version 2).</summary>
    CreatecDat,
    /// <summary>Gwyddion native .gwy.</summary>
    Gwyddion,
    /// <summary>NumPy .npy array.</summary>
    Npy,
    /// <summary>TIFF (grayscale, strips).</summary>
    Tiff,
    /// <summary>PNG (grayscale or RGB).</summary>
    Png,
}

/// <summary>What a reader found in one file: its channels in file order plus any warnings (e.g. missing parameter file).</summary>
public sealed record StmDocument(StmFormat Format, IReadOnlyList<StmImage> Channels, IReadOnlyList<string> Warnings);
