using System.Runtime.Intrinsics;
using StmKernel.Tensors.Kernels;

namespace StmKernel.Tensors.Tests;

public class SimdSupportTests
{
    // CI runs this project three times (default, DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0): each run
    // must report, and dispatch to, the widest width the runtime accelerates.
    private static SimdPath Expected =>
        Vector512.IsHardwareAccelerated ? SimdPath.Vector512 : Vector256.IsHardwareAccelerated ? SimdPath.Vector256 : SimdPath.Vector128;

    [Fact]
    public void PathIsTheWidestAcceleratedWidth() => Assert.Equal(Expected, SimdSupport.Path);

    [Fact]
    public void DescriptionNamesThePathInUse()
    {
        string name = Expected switch { SimdPath.Vector512 => "Vector512", SimdPath.Vector256 => "Vector256x2", _ => "Vector128x4" };
        Assert.StartsWith(name + " ", SimdSupport.Description);
    }

    [Fact]
    public void RunInstantiatesTheKernelForThePathInUse()
    {
        var seen = new Type[1];
        SimdSupport.Run(new Probe(seen));
        Type expected = Expected switch { SimdPath.Vector512 => typeof(V512), SimdPath.Vector256 => typeof(V256x2), _ => typeof(V128x4) };
        Assert.Equal(expected, seen[0]);
    }

    [Theory]
    [InlineData(true, true, SimdPath.Vector512)]
    [InlineData(true, false, SimdPath.Vector512)]
    [InlineData(false, true, SimdPath.Vector256)]
    [InlineData(false, false, SimdPath.Vector128)]
    public void SelectPrefersTheWidestWidth(bool vector512, bool vector256, SimdPath expected) =>
        Assert.Equal(expected, SimdSupport.Select(vector512, vector256));

    // Every ISimd16 operation of V128x4 against lane-by-lane scalar arithmetic (the kernel tests cover it end to end only on the run that selects it).
    [Fact]
    public unsafe void Vector128x4MatchesScalarLaneByLane()
    {
        float[] a = new float[16], b = new float[16], c = new float[16];
        for (int i = 0; i < 16; i++) { a[i] = i - 7.25f; b[i] = 0.5f + i * 0.125f; c[i] = 3 - i; }
        V128x4 va, vb, vc;
        fixed (float* pa = a, pb = b, pc = c) { va = V128x4.Load(pa); vb = V128x4.Load(pb); vc = V128x4.Load(pc); }
        Check(V128x4.Add(va, vb), i => a[i] + b[i]);
        Check(V128x4.Subtract(va, vb), i => a[i] - b[i]);
        Check(V128x4.Multiply(va, vb), i => a[i] * b[i]);
        Check(V128x4.Divide(va, vb), i => a[i] / b[i]);
        Check(V128x4.Negate(va), i => -a[i]);
        Check(V128x4.Max(va, vc), i => MathF.Max(a[i], c[i]));
        Check(V128x4.Clamp(va, V128x4.Broadcast(-2), V128x4.Broadcast(3)), i => Math.Clamp(a[i], -2, 3));
        Check(V128x4.Floor(va), i => MathF.Floor(a[i]));
        Check(V128x4.MultiplyAdd(va, vb, vc), i => a[i] * b[i] + c[i], 1e-5f);
        Check(V128x4.PowerOfTwo(V128x4.Floor(va)), i => MathF.Pow(2, MathF.Floor(a[i])));
        Check(V128x4.Zero, _ => 0);
        Assert.Equal(a.Sum(), V128x4.Sum(va), 1e-4f);
    }

    private static unsafe void Check(V128x4 v, Func<int, float> expect, float tolerance = 0)
    {
        var y = new float[16];
        fixed (float* py = y) V128x4.Store(py, v);
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(expect(i), y[i], tolerance);
            Assert.Equal(y[i], V128x4.GetLane(v, i));
        }
    }

    private readonly struct Probe(Type[] seen) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => seen[0] = typeof(TV);
    }
}
