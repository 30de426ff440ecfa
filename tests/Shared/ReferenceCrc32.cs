namespace StmKernel.Tests;

/// <summary>The textbook one-bit-at-a-time CRC-32 (reflected polynomial 0xEDB88320), the oracle for every CRC test.</summary>
internal static class ReferenceCrc32
{
    /// <summary>CRC-32 (IEEE) of <paramref name="data"/>, without tables.</summary>
    public static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        }
        return ~c;
    }
}
