namespace StmKernel.UNet.Weights;

/// <summary>
/// Constants of the .stmw layout (docs/weights-format.md is the specification):
/// a 32-byte header, UTF-8 JSON metadata, a binary tensor table, 64-byte-aligned data, CRC-32 trailer.
/// </summary>
internal static class StmwLayout
{
    /// <summary>"\x89STMW\r\n\x1A": a non-ASCII first byte and CR LF / Ctrl-Z catch text-mode mangling, as PNG's magic does.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'S', (byte)'T', (byte)'M', (byte)'W', 0x0D, 0x0A, 0x1A];

    /// <summary>The only version this build reads and writes.</summary>
    public const uint Version = 1;

    /// <summary>Bytes of the fixed header: magic, version, metadata length, table length, tensor count, data length.</summary>
    public const int HeaderBytes = 32;

    /// <summary>Bytes of the CRC-32 trailer.</summary>
    public const int TrailerBytes = 4;

    /// <summary>Alignment of the data section and of every tensor in it.</summary>
    public const int Alignment = 64;

    /// <summary>Smallest table entry: name length, a 1-byte name, dtype, rank 0, offset, byte length.</summary>
    public const int MinEntryBytes = 2 + 1 + 1 + 1 + 8 + 8;

    /// <summary>Longest tensor name in bytes.</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>Highest tensor rank.</summary>
    public const int MaxRank = 8;

    /// <summary>Table dtype codes.</summary>
    public const byte CodeF32 = 0, CodeF16 = 1;

    public static long Align(long n) => (n + Alignment - 1) / Alignment * Alignment;

    public static byte Code(DType t) => t switch
    {
        DType.F32 => CodeF32,
        DType.F16 => CodeF16,
        _ => throw new ArgumentException($".stmw stores float32 or float16, not {t.DisplayName()}", nameof(t)),
    };
}
