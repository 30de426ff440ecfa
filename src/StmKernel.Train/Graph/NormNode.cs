using System.Runtime.CompilerServices;
using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;
using StmKernel.UNet;

namespace StmKernel.Train.Graph;

/// <summary>A trainable GroupNorm (<c>KEY.weight</c> γ, <c>KEY.bias</c> β), optionally fused with SiLU.</summary>
internal sealed class NormNode(ParameterSet p, string key, UNetConfig config, bool silu)
{
    private readonly float[] _gamma = p.Value(key + ".weight"), _beta = p.Value(key + ".bias");
    private readonly float[] _gGamma = p.Gradient(key + ".weight"), _gBeta = p.Gradient(key + ".bias");
    private readonly int _groups = config.NormNumGroups;
    private readonly float _eps = config.NormEps;
    private readonly ConditionalWeakTable<BlockedTensor, GroupNorm> _lastOn = new();

    /// <summary>Plans y = norm(x) into a new buffer as a forward step.</summary>
    public BlockedTensor Forward(TrainPlan plan, BlockedTensor x) => Plan(plan, x, plan.Forward);

    /// <summary>
    /// Plans y = norm(x) again as a backward step: a norm's output that only feeds a convolution is
    /// released right after that convolution's forward and rebuilt here for its weight gradient,
    /// which costs one cheap pass and saves keeping a full activation from forward to backward.
    /// </summary>
    public BlockedTensor Recompute(TrainPlan plan, BlockedTensor x) => Plan(plan, x, plan.Backward);

    private BlockedTensor Plan(TrainPlan plan, BlockedTensor x, List<Action<WorkerPool>> steps)
    {
        var y = plan.Acquire(x.C, x.H, x.W);
        // The forward kernel copies γ and β when built: reload them after each optimizer step.
        var op = new GroupNorm(x, y, _groups, _gamma, _beta, _eps, silu);
        steps.Add(op.Run);
        plan.WeightHooks.Add(() => op.LoadAffine(_gamma, _beta));
        // The latest op planned on x (the backward recompute when there is one) ran on x just before
        // this node's backward: the backward takes its statistics.
        _lastOn.AddOrUpdate(x, op);
        return y;
    }

    /// <summary>Plans dγ, dβ and dx (into x's gradient) from dy.</summary>
    public void Backward(TrainPlan plan, BlockedTensor x, BlockedTensor dy)
    {
        var (dx, accumulate) = plan.Grads.Contribute(x);
        _lastOn.TryGetValue(x, out var forward);
        var op = new GroupNormBackward(x, dy, dx, _groups, _gamma, _beta, _eps, silu, _gGamma, _gBeta, accumulate, forward);
        plan.Backward.Add(op.Run);
    }
}
