using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// The 16 float lanes of one channel block, as the kernels see them. Kernels are generic over this
/// interface so one source serves AVX-512 (<see cref="V512"/>: one register), AVX2
/// (<see cref="V256x2"/>: two registers) and SSE / ARM64 NEON (<see cref="V128x4"/>: four registers);
/// the compiler specialises each struct instantiation, so the abstraction costs nothing at run time.
/// <see cref="SimdSupport.Run{TKernel}"/> picks the instantiation.
/// </summary>
internal unsafe interface ISimd16<TSelf> where TSelf : unmanaged, ISimd16<TSelf>
{
    static abstract TSelf Zero { get; }
    /// <summary>Whether the machine holds 32 vectors of this type (AVX-512): the convolution tile is then 2 × 8 (<see cref="ConvTile.Row{TV, TK, TS, TCo}"/>).</summary>
    static abstract bool WideTile { get; }
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

    /// <inheritdoc/>
    public static bool WideTile => true;

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

    /// <inheritdoc/>
    public static bool WideTile => false;

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

/// <summary>
/// The 128-bit path: four Vector128 quarters per channel block, for x64 without AVX2 and for ARM64
/// (NEON registers are 128-bit). Without it those machines ran the wider structs in software
/// emulation, 0.7 GFLOP/s (issue 12: <c>bench --preset small</c> 23,300 ms instead of 85 ms).
/// </summary>
internal readonly unsafe struct V128x4 : ISimd16<V128x4>
{
    public readonly Vector128<float> A, B, C, D;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V128x4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d) { A = a; B = b; C = c; D = d; }

    public static V128x4 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => default; }

    /// <inheritdoc/>
    public static bool WideTile => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Load(float* p) => new(Vector128.Load(p), Vector128.Load(p + 4), Vector128.Load(p + 8), Vector128.Load(p + 12));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, V128x4 v) { v.A.Store(p); v.B.Store(p + 4); v.C.Store(p + 8); v.D.Store(p + 12); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Broadcast(float value) { var b = Vector128.Create(value); return new(b, b, b, b); }

    /// <remarks>MultiplyAddEstimate, not FusedMultiplyAdd: this path runs where FMA may be missing (x64
    /// below x86-64-v3; <c>DOTNET_EnableAVX2=0</c> turns FMA off too), and there FusedMultiplyAdd is a
    /// per-lane software fma. The estimate fuses where the CPU can (ARM64, x64 with FMA), so the
    /// result matches the wider paths bit for bit there, and is a multiply then an add elsewhere.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 MultiplyAdd(V128x4 a, V128x4 b, V128x4 addend) => new(
        Vector128.MultiplyAddEstimate(a.A, b.A, addend.A), Vector128.MultiplyAddEstimate(a.B, b.B, addend.B),
        Vector128.MultiplyAddEstimate(a.C, b.C, addend.C), Vector128.MultiplyAddEstimate(a.D, b.D, addend.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Add(V128x4 a, V128x4 b) => new(a.A + b.A, a.B + b.B, a.C + b.C, a.D + b.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Subtract(V128x4 a, V128x4 b) => new(a.A - b.A, a.B - b.B, a.C - b.C, a.D - b.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Multiply(V128x4 a, V128x4 b) => new(a.A * b.A, a.B * b.B, a.C * b.C, a.D * b.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Divide(V128x4 a, V128x4 b) => new(a.A / b.A, a.B / b.B, a.C / b.C, a.D / b.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Negate(V128x4 x) => new(-x.A, -x.B, -x.C, -x.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Silu(V128x4 x) => Activation.Silu(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Exp(V128x4 x) => FastExp.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Max(V128x4 a, V128x4 b) => new(Vector128.Max(a.A, b.A), Vector128.Max(a.B, b.B), Vector128.Max(a.C, b.C), Vector128.Max(a.D, b.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Clamp(V128x4 x, V128x4 lo, V128x4 hi) => new(
        Vector128.ClampNative(x.A, lo.A, hi.A), Vector128.ClampNative(x.B, lo.B, hi.B),
        Vector128.ClampNative(x.C, lo.C, hi.C), Vector128.ClampNative(x.D, lo.D, hi.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 Floor(V128x4 x) => new(Vector128.Floor(x.A), Vector128.Floor(x.B), Vector128.Floor(x.C), Vector128.Floor(x.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128x4 PowerOfTwo(V128x4 n) => new(PowerOfTwo(n.A), PowerOfTwo(n.B), PowerOfTwo(n.C), PowerOfTwo(n.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> PowerOfTwo(Vector128<float> n) => ((Vector128.ConvertToInt32(n) + Vector128.Create(127)) << 23).AsSingle();

    /// <summary>Lanes i and i+8 first, as <see cref="V256x2.Sum"/> adds its halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(V128x4 v) => Vector128.Sum((v.A + v.C) + (v.B + v.D));

    public static float GetLane(V128x4 v, int i) => (i >> 2) switch
    {
        0 => v.A.GetElement(i),
        1 => v.B.GetElement(i - 4),
        2 => v.C.GetElement(i - 8),
        _ => v.D.GetElement(i - 12),
    };
}

/// <summary>Compile-time integer constants for generic kernel specialisation.</summary>
internal interface IConst { static abstract int Value { get; } }

internal struct C1 : IConst { public static int Value => 1; }
internal struct C2 : IConst { public static int Value => 2; }
internal struct C3 : IConst { public static int Value => 3; }
internal struct C6 : IConst { public static int Value => 6; }
internal struct C8 : IConst { public static int Value => 8; }

/// <summary>The vector width the kernels run at (<see cref="SimdSupport.Path"/>).</summary>
public enum SimdPath
{
    /// <summary>One Vector512 per 16-channel block (AVX-512).</summary>
    Vector512,
    /// <summary>Two Vector256 per block (AVX2).</summary>
    Vector256,
    /// <summary>Four Vector128 per block (SSE on x64, NEON on ARM64).</summary>
    Vector128,
}

/// <summary>A kernel body generic over the block vector; <see cref="SimdSupport.Run{TKernel}"/> runs it at the machine's width.</summary>
/// <remarks>A struct carrying the kernel's arguments: the call through the type parameter is resolved
/// at compile time, where a generic virtual method would cost a run-time lookup per task.</remarks>
internal interface ISimdKernel
{
    void Run<TV>() where TV : unmanaged, ISimd16<TV>;
}

/// <summary>Which SIMD width the machine runs: the one place the kernels' vector struct is chosen.</summary>
/// <remarks>
/// Chosen by <see cref="Vector512.IsHardwareAccelerated"/>, then <see cref="Vector256.IsHardwareAccelerated"/>,
/// else Vector128. Under the JIT these follow the CPU (and <c>DOTNET_EnableAVX512=0</c>,
/// <c>DOTNET_EnableAVX2=0</c>) and <see cref="Path"/> folds to a constant at tier 1. Under NativeAOT
/// they are constants of the instruction-set baseline (<c>IlcInstructionSet</c>), not of the CPU it
/// runs on: docs/performance.md, "NativeAOT".
/// </remarks>
public static class SimdSupport
{
    /// <summary>The width every kernel runs at, read once.</summary>
    public static SimdPath Path { get; } = Select(Vector512.IsHardwareAccelerated, Vector256.IsHardwareAccelerated);

    /// <summary>The widest accelerated path: 512 before 256 before 128.</summary>
    internal static SimdPath Select(bool vector512, bool vector256) =>
        vector512 ? SimdPath.Vector512 : vector256 ? SimdPath.Vector256 : SimdPath.Vector128;

    /// <summary>"Vector512 (AVX-512)", "Vector256x2 (AVX2)" or "Vector128x4 (SSE/NEON)", for reports.</summary>
    public static string Description => Path switch
    {
        SimdPath.Vector512 => "Vector512 (AVX-512)",
        SimdPath.Vector256 => "Vector256x2 (AVX2)",
        _ => "Vector128x4 (SSE/NEON)",
    };

    /// <summary>Runs <paramref name="kernel"/> instantiated for <see cref="Path"/>'s vector struct.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Run<TKernel>(TKernel kernel) where TKernel : struct, ISimdKernel, allows ref struct
    {
        switch (Path)
        {
            case SimdPath.Vector512: kernel.Run<V512>(); break;
            case SimdPath.Vector256: kernel.Run<V256x2>(); break;
            default: kernel.Run<V128x4>(); break;
        }
    }
}
