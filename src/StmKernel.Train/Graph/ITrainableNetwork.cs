using StmKernel.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.Train.Graph;

/// <summary>
/// A network under training, whatever its family, as the <see cref="Trainer"/> drives it: a forward that keeps what the
/// backward needs, a backward that overwrites every gradient of <see cref="Parameters"/>, and a refresh after the
/// optimizer changed the values.
/// </summary>
public interface ITrainableNetwork
{
    /// <summary>The parameters (with the architecture) and their gradients.</summary>
    ParameterSet Parameters { get; }

    /// <summary>Runs x [B, in, H, W] at timesteps t [B] (ignored without a time input) into y [B, out, H, W], keeping activations for <see cref="Backward"/>.</summary>
    void Forward(Tensor x, ReadOnlySpan<float> t, Tensor y, WorkerPool pool);

    /// <summary>Back-propagates dL/dy [B, out, H, W] of the last <see cref="Forward"/>, overwriting every parameter gradient.</summary>
    void Backward(Tensor gradOutput, WorkerPool pool);

    /// <summary>Bytes of activation and gradient buffers planned for the last input shape (0 before the first pass).</summary>
    long PlannedBytes { get; }

    /// <summary>Refreshes packed weight copies after parameter values changed (an optimizer step, a load).</summary>
    void ParametersChanged(WorkerPool? pool = null);
}
