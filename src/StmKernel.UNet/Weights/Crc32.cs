namespace StmKernel.UNet.Weights;

/// <summary>
/// CRC-32 as used by zlib, PNG and gzip (reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF; "123456789" gives 0xCBF43926). Slicing-by-8: eight 256-entry tables let the
/// loop consume 8 bytes per step, about 1–2 GB/s, so checking a 60 MB weights file costs tens of ms.
/// </summary>
public static class Crc32
{
    private const uint Polynomial = 0xEDB88320u;

    // Tables[k][b] = CRC contribution of byte b followed by k zero bytes.
    private static readonly uint[][] Tables = BuildTables();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Extends a running CRC: <c>Append(Compute(a), b) == Compute(a ++ b)</c>. Start with 0.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        uint[] t0 = Tables[0], t1 = Tables[1], t2 = Tables[2], t3 = Tables[3];
        uint[] t4 = Tables[4], t5 = Tables[5], t6 = Tables[6], t7 = Tables[7];
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint lo = c ^ (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            uint hi = (uint)(data[i + 4] | data[i + 5] << 8 | data[i + 6] << 16 | data[i + 7] << 24);
            c = t7[lo & 0xFF] ^ t6[(lo >> 8) & 0xFF] ^ t5[(lo >> 16) & 0xFF] ^ t4[lo >> 24]
              ^ t3[hi & 0xFF] ^ t2[(hi >> 8) & 0xFF] ^ t1[(hi >> 16) & 0xFF] ^ t0[hi >> 24];
        }
        for (; i < data.Length; i++) c = t0[(c ^ data[i]) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    private static uint[][] BuildTables()
    {
        var t = new uint[8][];
        for (int k = 0; k < 8; k++) t[k] = new uint[256];
        for (uint b = 0; b < 256; b++)
        {
            uint c = b;
            for (int bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            t[0][b] = c;
        }
        for (int b = 0; b < 256; b++)
        {
            for (int k = 1; k < 8; k++) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
        }
        return t;
    }
}
