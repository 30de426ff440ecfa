using StmKernel.Tensors;

namespace StmKernel.UNet.Planning;

/// <summary>State shared by the modules while they lay out one forward plan for a fixed input shape.</summary>
internal sealed class PlanBuilder(int batch, UNetConfig config)
{
    public int Batch { get; } = batch;

    public UNetConfig Config { get; } = config;

    public BufferArena Arena { get; } = new();

    public List<PlanStep> Steps { get; } = new();

    /// <summary>SiLU(time embedding) [B, TimeEmbedDim], filled by the first step of every run.</summary>
    public float[] SiluTemb { get; } = new float[batch * config.TimeEmbedDim];

    public void Add(string name, double flops, Action<Tensors.Threading.WorkerPool> run) => Steps.Add(new PlanStep(name, flops, run));

    public BlockedTensor Acquire(int c, int h, int w) => Arena.Acquire(Batch, c, h, w);

    public void Release(BlockedTensor t) => Arena.Release(t);
}
