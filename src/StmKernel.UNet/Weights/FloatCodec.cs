using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace StmKernel.UNet.Weights;

/// <summary>
/// Converts little-endian stored elements (F32, F16, BF16) to and from float32. Narrowing rounds
/// to nearest, ties to even, as PyTorch's <c>.half()</c> and <c>.bfloat16()</c> do; NaN stays NaN
/// and infinities stay infinite.
/// </summary>
public static class FloatCodec
{
    /// <summary>Decodes <paramref name="dst"/>.Length elements of <paramref name="type"/> from <paramref name="src"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> src, DType type, Span<float> dst)
    {
        EnsureLittleEndian();
        if (src.Length != dst.Length * type.Size())
            throw new ArgumentException($"{src.Length} bytes do not hold {dst.Length} {type.DisplayName()} elements");
        switch (type)
        {
            case DType.F32:
                src.CopyTo(MemoryMarshal.AsBytes(dst));
                break;
            case DType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(src), dst);
                break;
            case DType.BF16:
                var bits = MemoryMarshal.Cast<byte, ushort>(src);
                for (int i = 0; i < dst.Length; i++) dst[i] = BFloat16ToSingle(bits[i]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown dtype");
        }
    }

    /// <summary>Encodes <paramref name="src"/> as <paramref name="type"/> into <paramref name="dst"/> (little-endian).</summary>
    public static void Encode(ReadOnlySpan<float> src, DType type, Span<byte> dst)
    {
        EnsureLittleEndian();
        if (dst.Length != src.Length * type.Size())
            throw new ArgumentException($"{dst.Length} bytes do not hold {src.Length} {type.DisplayName()} elements");
        switch (type)
        {
            case DType.F32:
                MemoryMarshal.AsBytes(src).CopyTo(dst);
                break;
            case DType.F16:
                TensorPrimitives.ConvertToHalf(src, MemoryMarshal.Cast<byte, Half>(dst));
                break;
            case DType.BF16:
                var bits = MemoryMarshal.Cast<byte, ushort>(dst);
                for (int i = 0; i < src.Length; i++) bits[i] = SingleToBFloat16(src[i]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown dtype");
        }
    }

    /// <summary>float32 → binary16 bits, round to nearest even (overflow gives ±inf).</summary>
    public static ushort SingleToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>binary16 bits → float32 (exact).</summary>
    public static float HalfToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>float32 → bfloat16 bits, round to nearest even; NaN becomes a quiet NaN of the same sign.</summary>
    public static ushort SingleToBFloat16(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        // Truncating a NaN could clear every mantissa bit and leave an infinity: force the quiet bit.
        if (float.IsNaN(value)) return (ushort)((u >> 16) | 0x0040);
        // Adding 0x7FFF (+1 when the kept LSB is odd) carries into the kept half exactly when the
        // dropped half is above one half, or equal to it with an odd kept part: ties to even.
        u += 0x7FFFu + ((u >> 16) & 1);
        return (ushort)(u >> 16);
    }

    /// <summary>bfloat16 bits → float32 (exact).</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Magnitudes at or above this round to infinity in binary16.</summary>
    /// <remarks>65504 is the largest half; 65520 lies halfway to the next (absent) step, and the tie goes to even, i.e. infinity.</remarks>
    public const float HalfOverflowThreshold = 65520f;

    /// <summary>
    /// Throws when storing <paramref name="data"/> as <paramref name="type"/> would turn a finite value
    /// into an infinity (float16 above ±65504), so a conversion never silently breaks a model.
    /// </summary>
    /// <exception cref="InvalidDataException">Names <paramref name="target"/>, the tensor and the value.</exception>
    public static void CheckRepresentable(ReadOnlySpan<float> data, DType type, string target, string key)
    {
        if (type != DType.F16) return; // float32 is exact; bfloat16 has float32's range
        foreach (float v in data)
        {
            if (float.IsFinite(v) && Math.Abs(v) >= HalfOverflowThreshold)
                throw new InvalidDataException($"{target}: tensor \"{key}\" holds {v:G9}, beyond the float16 range ±65504; store it as float32");
        }
    }

    // Every stored format is little-endian; the casts above assume a little-endian host.
    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("weight files are little-endian; big-endian hosts are not supported");
    }
}
