using StmKernel.Tensors;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;

namespace StmKernel.Train.Graph;

/// <summary>
/// Trainable Downsample2D (3×3 stride-2 conv, key <c>…downsamplers.0.conv</c>) or Upsample2D
/// (nearest ×2 then 3×3 conv, key <c>…upsamplers.0.conv</c>).
/// </summary>
internal sealed class ResampleNode(ConvNode conv, bool up)
{
    public ConvNode Conv => conv;

    public static ResampleNode Down(ParameterSet p, string key, int channels) => new(new ConvNode(p, key + ".conv", channels, channels, 3, stride: 2), up: false);

    public static ResampleNode Up(ParameterSet p, string key, int channels) => new(new ConvNode(p, key + ".conv", channels, channels, 3), up: true);

    public BlockedTensor Forward(TrainPlan plan, BlockedTensor x)
    {
        var input = x;
        if (up)
        {
            input = plan.Acquire(x.C, 2 * x.H, 2 * x.W);
            plan.Forward.Add(new Upsample2x(x, input).Run);
        }
        var y = conv.Forward(plan, input);
        // The upsampled copy is 4× x and trivially rebuilt: freed here, recomputed in the backward.
        if (up) plan.Release(input);
        plan.OnBackward(() => Backward(plan, x, y));
        return y;
    }

    private void Backward(TrainPlan plan, BlockedTensor x, BlockedTensor y)
    {
        var grads = plan.Grads;
        var input = x;
        if (up)
        {
            input = plan.Acquire(x.C, 2 * x.H, 2 * x.W);
            plan.Backward.Add(new Upsample2x(x, input).Run);
        }
        conv.Backward(plan, input, grads.Of(y), inputGradient: true);
        grads.Release(y);
        plan.Release(y);
        if (!up) return;
        plan.Release(input);
        var (dx, accumulate) = grads.Contribute(x);
        plan.Backward.Add(new Upsample2xBackward(grads.Of(input), dx, accumulate).Run);
        grads.Release(input);
    }
}
