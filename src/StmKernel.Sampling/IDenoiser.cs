using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>
/// A conditional network as the samplers see it: given the noisy sample and the condition it predicts ε
/// (DDIM) or the velocity (flow matching). Implementations must treat the samples of a batch
/// independently, so results do not depend on how tiles are batched.
/// </summary>
public interface IDenoiser
{
    /// <summary>The largest batch <see cref="Predict"/> accepts (callers split larger work).</summary>
    int MaxBatch { get; }

    /// <summary>Runs the network on one batch.</summary>
    /// <param name="input">[B, 2, H, W]: channel 0 the current sample x_t, channel 1 the condition, both in the normalised [−1, 1] units of training.</param>
    /// <param name="timesteps">[B]: the network's timestep input, i.e. the sampler's time × <see cref="SamplerSettings.TimeScale"/> (DDIM: integer-valued 0 … T−1; flow matching: t·time_scale).</param>
    /// <param name="output">[B, 1, H, W], overwritten with the prediction.</param>
    void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output);
}
