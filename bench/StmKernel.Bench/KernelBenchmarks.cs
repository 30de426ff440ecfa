using BenchmarkDotNet.Attributes;
using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Bench;

/// <summary>
/// The U-Net's hot kernels at the Small model's shapes (128² input, batch 1): 3×3 convolutions at
/// each level, the stride-2 downsample, a 1×1 shortcut, and group norm + SiLU.
/// Run: dotnet run -c Release --project bench/StmKernel.Bench -- --filter '*Kernel*'
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private WorkerPool _pool = null!;
    private Conv2d _conv = null!;
    private GroupNorm _norm = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>(Cin, Cout, spatial, K, stride) as "cin-cout-hw-k-s".</summary>
    [Params("32-32-128-3-1", "64-64-64-3-1", "128-128-32-3-1", "96-32-128-3-1", "32-32-128-3-2", "96-32-128-1-1")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var p = Shape.Split('-').Select(int.Parse).ToArray();
        int cin = p[0], cout = p[1], hw = p[2], k = p[3], s = p[4];
        _pool = new WorkerPool(Threads);
        var rng = new Random(1);
        var w = Enumerable.Range(0, cout * cin * k * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var weights = new ConvWeights(w, new float[cout], cout, cin, k, s);
        var input = new BlockedTensor(1, cin, hw, hw);
        _conv = new Conv2d(weights, input, new BlockedTensor(1, cout, weights.OutSize(hw), weights.OutSize(hw)));
        var gamma = Enumerable.Repeat(1f, cin).ToArray();
        _norm = new GroupNorm(input, new BlockedTensor(1, cin, hw, hw), 32, gamma, new float[cin], 1e-5f, fuseSilu: true);
    }

    [GlobalCleanup]
    public void Cleanup() => _pool.Dispose();

    [Benchmark]
    public void Conv() => _conv.Run(_pool);

    [Benchmark]
    public void GroupNormSilu() => _norm.Run(_pool);
}
