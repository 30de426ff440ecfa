using StmKernel.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.UNet.Networks;

/// <summary>
/// A network ready for inference, whatever its family: what the samplers' denoiser, the restorer and the evaluation
/// runner call. Implementations treat the samples of a batch independently.
/// </summary>
public interface INetwork
{
    /// <summary>The architecture (channels, time input, spatial multiple).</summary>
    INetworkConfig Config { get; }

    /// <summary>Runs x [B, in, H, W] at timesteps t [B] (ignored by a network without a time input) into <paramref name="output"/> [B, out, H, W].</summary>
    void Forward(Tensor x, ReadOnlySpan<float> t, Tensor output, WorkerPool pool, LayerProfile? profile = null);
}
