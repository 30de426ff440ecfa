using StmKernel.Sampling;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.UNet;

namespace StmKernel.Train.Validation;

/// <summary>A <see cref="UNet2DModel"/> as the samplers' <see cref="IDenoiser"/>.</summary>
public sealed class UNetDenoiser(UNet2DModel model, WorkerPool pool, int maxBatch = 8) : IDenoiser
{
    /// <inheritdoc />
    public int MaxBatch => maxBatch;

    /// <inheritdoc />
    public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output) => model.Forward(input, timesteps, output, pool);
}
