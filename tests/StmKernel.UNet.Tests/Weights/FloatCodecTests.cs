using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests.Weights;

public class FloatCodecTests
{
    private static float F(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    // Hand-computed binary16 patterns: sign | 5-bit exponent (bias 15) | 10-bit mantissa.
    public static TheoryData<float, ushort> HalfCases => new()
    {
        { 1.0f, 0x3C00 },
        { -2.0f, 0xC000 },
        { -0.0f, 0x8000 },
        { 0.333251953125f, 0x3555 },            // exactly representable
        { 65504f, 0x7BFF },                      // largest finite half
        { 65519.99f, 0x7BFF },                   // just under the halfway point: rounds down
        { 65520f, 0x7C00 },                      // halfway to 2^16: tie goes to even = infinity
        { float.PositiveInfinity, 0x7C00 },
        { float.NegativeInfinity, 0xFC00 },
        { MathF.Pow(2, -14), 0x0400 },           // smallest normal
        { 1023 * MathF.Pow(2, -24), 0x03FF },    // largest subnormal
        { MathF.Pow(2, -24), 0x0001 },           // smallest subnormal
        { MathF.Pow(2, -25), 0x0000 },           // half the smallest subnormal: tie to even (0)
        { 3 * MathF.Pow(2, -25), 0x0002 },       // 1.5 subnormal steps: tie to even (2)
        { 1.5f * MathF.Pow(2, -25), 0x0001 },    // 0.75 steps: nearest is 1
        { 1 + MathF.Pow(2, -11), 0x3C00 },       // half an ulp above 1: tie to even (down)
        { 1 + 3 * MathF.Pow(2, -11), 0x3C02 },   // 1.5 ulp: tie to even (up)
        { 1 + MathF.Pow(2, -11) + MathF.Pow(2, -20), 0x3C01 }, // above the tie: up
    };

    [Theory, MemberData(nameof(HalfCases))]
    public void SingleToHalfMatchesHandComputedBits(float value, ushort bits)
    {
        Assert.Equal(bits, FloatCodec.SingleToHalf(value));
        // The span path (vectorised) must agree with the scalar one.
        var bytes = new byte[2];
        FloatCodec.Encode([value], DType.F16, bytes);
        Assert.Equal(bits, BitConverter.ToUInt16(bytes));
    }

    [Theory]
    [InlineData((ushort)0x0001, 5.9604644775390625e-8f)]
    [InlineData((ushort)0x03FF, 6.097555160522461e-5f)]
    [InlineData((ushort)0x7BFF, 65504f)]
    [InlineData((ushort)0xFC00, float.NegativeInfinity)]
    [InlineData((ushort)0x3555, 0.333251953125f)]
    [InlineData((ushort)0xC000, -2f)]
    public void HalfToSingleIsExact(ushort bits, float value)
    {
        Assert.Equal(value, FloatCodec.HalfToSingle(bits));
        var dst = new float[1];
        FloatCodec.Decode(BitConverter.GetBytes(bits), DType.F16, dst);
        Assert.Equal(value, dst[0]);
    }

    // Hand-computed bfloat16: the top half of the float32 bits, rounded on the low half.
    [Theory]
    [InlineData(0x3F800000u, (ushort)0x3F80)] // 1.0
    [InlineData(0x3F808000u, (ushort)0x3F80)] // tie, kept part even: down
    [InlineData(0x3F818000u, (ushort)0x3F82)] // tie, kept part odd: up
    [InlineData(0x3F808001u, (ushort)0x3F81)] // above the tie: up
    [InlineData(0x3F807FFFu, (ushort)0x3F80)] // below the tie: down
    [InlineData(0xC0490FDBu, (ushort)0xC049)] // -pi
    [InlineData(0x7F800000u, (ushort)0x7F80)] // +inf
    [InlineData(0xFF800000u, (ushort)0xFF80)] // -inf
    [InlineData(0x7F7FFFFFu, (ushort)0x7F80)] // float.MaxValue rounds to +inf
    [InlineData(0x00008000u, (ushort)0x0000)] // subnormal tie, even: down
    [InlineData(0x00018000u, (ushort)0x0002)] // subnormal tie, odd: up
    [InlineData(0x80000001u, (ushort)0x8000)] // tiny negative subnormal: -0
    public void SingleToBFloat16MatchesHandComputedBits(uint floatBits, ushort bits)
    {
        Assert.Equal(bits, FloatCodec.SingleToBFloat16(F(floatBits)));
        var bytes = new byte[2];
        FloatCodec.Encode([F(floatBits)], DType.BF16, bytes);
        Assert.Equal(bits, BitConverter.ToUInt16(bytes));
    }

    [Theory]
    [InlineData(0x7F800001u)] // signalling NaN whose payload lies only in the dropped half
    [InlineData(0xFFC00000u)] // negative quiet NaN
    public void NaNStaysNaN(uint floatBits)
    {
        float nan = F(floatBits);
        ushort b = FloatCodec.SingleToBFloat16(nan);
        Assert.True(float.IsNaN(FloatCodec.BFloat16ToSingle(b)));
        Assert.Equal(floatBits >> 31, (uint)b >> 15);
        ushort h = FloatCodec.SingleToHalf(nan);
        Assert.Equal(0x7C00, h & 0x7C00);
        Assert.NotEqual(0, h & 0x03FF);
    }

    [Fact]
    public void BFloat16DecodeIsTheTopHalf()
    {
        var dst = new float[3];
        FloatCodec.Decode([0x80, 0x3F, 0x01, 0x00, 0x49, 0xC0], DType.BF16, dst);
        Assert.Equal(1f, dst[0]);
        Assert.Equal(F(0x00010000), dst[1]);
        Assert.Equal(F(0xC0490000), dst[2]);
    }

    [Fact]
    public void Float16OverflowIsRefusedWithKeyAndValue()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            FloatCodec.CheckRepresentable([1f, -70000f], DType.F16, "out.stmw", "conv_in.weight"));
        Assert.Contains("out.stmw", e.Message);
        Assert.Contains("conv_in.weight", e.Message);
        Assert.Contains("-70000", e.Message);
        FloatCodec.CheckRepresentable([65504f, float.PositiveInfinity, float.NaN], DType.F16, "x", "k");
        FloatCodec.CheckRepresentable([-70000f], DType.BF16, "x", "k");
    }
}
