using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Backends;

/// <summary>One timed step of a planned forward, named by the module key of the op it runs.</summary>
public sealed class PlanStep(string name, double flops, Action<WorkerPool> run)
{
    /// <summary>Module key, e.g. "down_blocks.1.resnets.0.conv1".</summary>
    public string Name { get; } = name;

    /// <summary>Floating-point operations (2 per multiply-add) of one run.</summary>
    public double Flops { get; } = flops;

    /// <summary>Runs the step.</summary>
    public void Run(WorkerPool pool) => run(pool);
}
