using BenchmarkDotNet.Attributes;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.UNet;
using StmKernel.UNet.Networks;

namespace StmKernel.Bench;

/// <summary>
/// Whole U-Net forward (random weights) at 128², the figure `stmkernel bench` and
/// bench/compare-torch.sh report; [MemoryDiagnoser] shows the steady state allocates only the result.
/// </summary>
[MemoryDiagnoser]
public class ForwardBenchmarks
{
    private NetworkModel _model = null!;
    private WorkerPool _pool = null!;
    private Tensor _x = null!, _y = null!;
    private readonly float[] _t = [500f];

    [Params("small", "large")]
    public string Preset { get; set; } = "";

    [Params(2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var config = UNetConfig.Preset(Preset);
        _model = new NetworkModel(config, RandomParameters.For(config));
        _pool = new WorkerPool(Threads);
        _x = new Tensor(1, 2, 128, 128);
        _y = new Tensor(1, 1, 128, 128);
    }

    [GlobalCleanup]
    public void Cleanup() => _pool.Dispose();

    [Benchmark]
    public void Forward() => _model.Forward(_x, _t, _y, _pool);
}
