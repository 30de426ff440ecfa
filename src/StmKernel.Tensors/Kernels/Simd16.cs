using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// The 16 float lanes of one channel block, as the kernels see them. Kernels are generic over this
/// interface so one source serves AVX-512 (<see cref="V512"/>: one register) and AVX2
/// (<see cref="V256x2"/>: two registers); the JIT specialises each struct instantiation, so the
/// abstraction costs nothing at run time.
/// </summary>
internal unsafe interface ISimd16<TSelf> where TSelf : unmanaged, ISimd16<TSelf>
{
    static abstract TSelf Zero { get; }
    static abstract TSelf Load(float* p);
    static abstract void Store(float* p, TSelf v);
    static abstract TSelf Broadcast(float value);
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf addend);
    static abstract TSelf Add(TSelf a, TSelf b);
    static abstract TSelf Subtract(TSelf a, TSelf b);
    static abstract TSelf Multiply(TSelf a, TSelf b);
    static abstract TSelf Divide(TSelf a, TSelf b);
    static abstract TSelf Negate(TSelf x);
    /// <summary>x·σ(x) = x / (1 + e^(−x)), as <see cref="Activation.Silu{TV}"/> defines it.</summary>
    static abstract TSelf Silu(TSelf x);
    /// <summary>e^x, as <see cref="FastExp.Exp{TV}"/> defines it.</summary>
    static abstract TSelf Exp(TSelf x);
    static abstract TSelf Max(TSelf a, TSelf b);
    /// <summary>Clamps lanes to [lo, hi] with the CPU's own min/max (vmaxps/vminps). Unlike IEEE Min/Max, which
    /// cost a fix-up per call for NaN and −0, this is one instruction each; lanes of NaN come out unspecified.</summary>
    static abstract TSelf Clamp(TSelf x, TSelf lo, TSelf hi);
    /// <summary>Rounds each lane towards −∞.</summary>
    static abstract TSelf Floor(TSelf x);
    /// <summary>2^n for lanes holding whole numbers n in [−126, 127], built from the exponent bits.</summary>
    static abstract TSelf PowerOfTwo(TSelf n);
    static abstract float Sum(TSelf v);
    /// <summary>Lane i (a channel within the block).</summary>
    static abstract float GetLane(TSelf v, int i);
}

/// <summary>AVX-512: one Vector512 per channel block.</summary>
internal readonly unsafe struct V512 : ISimd16<V512>
{
    public readonly Vector512<float> V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V512(Vector512<float> v) => V = v;

    public static V512 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => default; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Load(float* p) => new(Vector512.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, V512 v) => v.V.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 MultiplyAdd(V512 a, V512 b, V512 addend) => new(Vector512.FusedMultiplyAdd(a.V, b.V, addend.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Add(V512 a, V512 b) => new(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Subtract(V512 a, V512 b) => new(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Multiply(V512 a, V512 b) => new(a.V * b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Divide(V512 a, V512 b) => new(a.V / b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Negate(V512 x) => new(-x.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Silu(V512 x) => Activation.Silu(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Exp(V512 x) => FastExp.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Max(V512 a, V512 b) => new(Vector512.Max(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Clamp(V512 x, V512 lo, V512 hi) => new(Vector512.ClampNative(x.V, lo.V, hi.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Floor(V512 x) => new(Vector512.Floor(x.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 PowerOfTwo(V512 n) => new(((Vector512.ConvertToInt32(n.V) + Vector512.Create(127)) << 23).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(V512 v) => Vector512.Sum(v.V);

    public static float GetLane(V512 v, int i) => v.V.GetElement(i);
}

/// <summary>AVX2 fallback: two Vector256 halves per channel block.</summary>
internal readonly unsafe struct V256x2 : ISimd16<V256x2>
{
    public readonly Vector256<float> Lo, Hi;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V256x2(Vector256<float> lo, Vector256<float> hi) { Lo = lo; Hi = hi; }

    public static V256x2 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => default; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Load(float* p) => new(Vector256.Load(p), Vector256.Load(p + 8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, V256x2 v) { v.Lo.Store(p); v.Hi.Store(p + 8); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Broadcast(float value) { var b = Vector256.Create(value); return new(b, b); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 MultiplyAdd(V256x2 a, V256x2 b, V256x2 addend) => new(Vector256.FusedMultiplyAdd(a.Lo, b.Lo, addend.Lo), Vector256.FusedMultiplyAdd(a.Hi, b.Hi, addend.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Add(V256x2 a, V256x2 b) => new(a.Lo + b.Lo, a.Hi + b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Subtract(V256x2 a, V256x2 b) => new(a.Lo - b.Lo, a.Hi - b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Multiply(V256x2 a, V256x2 b) => new(a.Lo * b.Lo, a.Hi * b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Divide(V256x2 a, V256x2 b) => new(a.Lo / b.Lo, a.Hi / b.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Negate(V256x2 x) => new(-x.Lo, -x.Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Silu(V256x2 x) => Activation.Silu(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Exp(V256x2 x) => FastExp.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Max(V256x2 a, V256x2 b) => new(Vector256.Max(a.Lo, b.Lo), Vector256.Max(a.Hi, b.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Clamp(V256x2 x, V256x2 lo, V256x2 hi) => new(Vector256.ClampNative(x.Lo, lo.Lo, hi.Lo), Vector256.ClampNative(x.Hi, lo.Hi, hi.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 Floor(V256x2 x) => new(Vector256.Floor(x.Lo), Vector256.Floor(x.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2 PowerOfTwo(V256x2 n) => new(PowerOfTwo(n.Lo), PowerOfTwo(n.Hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> PowerOfTwo(Vector256<float> n) => ((Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(V256x2 v) => Vector256.Sum(v.Lo + v.Hi);

    public static float GetLane(V256x2 v, int i) => i < 8 ? v.Lo.GetElement(i) : v.Hi.GetElement(i - 8);
}

/// <summary>Compile-time integer constants for generic kernel specialisation.</summary>
internal interface IConst { static abstract int Value { get; } }

internal struct C1 : IConst { public static int Value => 1; }
internal struct C2 : IConst { public static int Value => 2; }
internal struct C3 : IConst { public static int Value => 3; }
internal struct C8 : IConst { public static int Value => 8; }

/// <summary>Which SIMD width the machine runs.</summary>
public static class SimdSupport
{
    /// <summary>True when the AVX-512 path is used; otherwise the two-Vector256 path.</summary>
    public static bool UseVector512 { get; } = Vector512.IsHardwareAccelerated;

    /// <summary>"Vector512" or "Vector256x2", for reports.</summary>
    public static string Description => UseVector512 ? "Vector512 (AVX-512)" : "Vector256x2 (AVX2 fallback)";
}
