using System.Runtime.CompilerServices;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// The one definition of σ and SiLU that every forward and backward kernel uses, on 16-lane blocks:
/// σ(x) = 1 / (1 + e^(−x)) and SiLU(x) = x / (1 + e^(−x)), e^ being <see cref="FastExp"/>.
/// </summary>
/// <remarks>Why one place: a backward that evaluated σ with another exp (TensorPrimitives, MathF)
/// would be the gradient of a slightly different function than the forward computes. Plain spans
/// whose length is not a multiple of 16 run their tail through the same block code
/// (<see cref="PartialBlock"/>), so no scalar formula exists to drift from this one.</remarks>
internal static class Activation
{
    /// <summary>SiLU(x) = x / (1 + e^(−x)): one division, no σ rounded in between.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Silu<TV>(TV x) where TV : unmanaged, ISimd16<TV> => TV.Divide(x, OnePlusExpNeg(x));

    /// <summary>σ(x) = 1 / (1 + e^(−x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TV>(TV x) where TV : unmanaged, ISimd16<TV> => TV.Divide(TV.Broadcast(1f), OnePlusExpNeg(x));

    /// <summary>SiLU′(x) = σ(x)·(1 + x·(1 − σ(x))), the derivative of <see cref="Silu{TV}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV SiluDerivative<TV>(TV x) where TV : unmanaged, ISimd16<TV>
    {
        TV s = Sigmoid(x), one = TV.Broadcast(1f);
        return TV.Multiply(s, TV.MultiplyAdd(x, TV.Subtract(one, s), one));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV OnePlusExpNeg<TV>(TV x) where TV : unmanaged, ISimd16<TV> => TV.Add(TV.Broadcast(1f), FastExp.Exp(TV.Negate(x)));
}
