using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.UNet;
using StmKernel.UNet.Planning;

namespace StmKernel.Train.Graph;

/// <summary>
/// The forward and backward steps of one training pass at a fixed (batch, height, width), with
/// every buffer planned up front. While the forward is laid out each layer pushes its backward
/// planner onto a tape; popping the tape lays out the backward in reverse order, where buffers are
/// released after their last reader so that the arena recycles them.
/// </summary>
internal sealed class TrainPlan
{
    private readonly Stack<Action> _tape = new();

    public TrainPlan(int batch, int height, int width, UNetConfig config)
    {
        Batch = batch; Height = height; Width = width;
        Grads = new GradientMap(Arena);
        SiluTemb = new float[batch * config.TimeEmbedDim];
        GradSiluTemb = new float[batch * config.TimeEmbedDim];
    }

    public int Batch { get; }

    public int Height { get; }

    public int Width { get; }

    public BufferArena Arena { get; } = new();

    public GradientMap Grads { get; }

    public List<Action<WorkerPool>> Forward { get; } = new();

    public List<Action<WorkerPool>> Backward { get; } = new();

    /// <summary>Hooks that re-read parameter values into packed forms after an optimizer step.</summary>
    public List<Action> WeightHooks { get; } = new();

    /// <summary>SiLU(time embedding) [B, E], shared by every ResNet.</summary>
    public float[] SiluTemb { get; }

    /// <summary>dL/d SiLU(time embedding) [B, E], summed over every ResNet.</summary>
    public float[] GradSiluTemb { get; }

    public BlockedTensor Acquire(int c, int h, int w) => Arena.Acquire(Batch, c, h, w);

    public void Release(BlockedTensor t) => Arena.Release(t);

    /// <summary>Records how to lay out the backward of the layer just planned.</summary>
    public void OnBackward(Action planBackward) => _tape.Push(planBackward);

    /// <summary>Lays out the whole backward from the tape.</summary>
    public void PlanBackward()
    {
        while (_tape.Count > 0) _tape.Pop()();
    }
}
