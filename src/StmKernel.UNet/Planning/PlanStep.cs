using StmKernel.Tensors.Threading;

namespace StmKernel.UNet.Planning;

/// <summary>One timed step of a forward plan, named by the diffusers key of the module it runs.</summary>
public sealed class PlanStep(string name, double flops, Action<WorkerPool> run)
{
    /// <summary>Module key, e.g. "down_blocks.1.resnets.0.conv1".</summary>
    public string Name { get; } = name;

    /// <summary>Floating-point operations (2 per multiply-add) of one run.</summary>
    public double Flops { get; } = flops;

    /// <summary>Runs the step.</summary>
    public void Run(WorkerPool pool) => run(pool);
}
