using StmKernel.Tensors;

namespace StmKernel.Train.Objectives;

/// <summary>
/// A training objective: how a (clean, condition) batch becomes the network's input and timesteps,
/// and the loss of the network's output with its gradient. Prepare draws its randomness (noise,
/// times) from the trainer's seeded generator, so a run is reproducible and resumable.
/// </summary>
public interface ITrainingObjective
{
    /// <summary>Short name for logs and metadata (fm, ddim, ddim-fft, ae).</summary>
    string Name { get; }

    /// <summary>Input channels the network must have.</summary>
    int InputChannels { get; }

    /// <summary>True when the timesteps carry information (a sampled objective); a one-pass objective feeds zeros, so a network without a time input can train with it.</summary>
    bool UsesTimestep { get; }

    /// <summary>Fills <paramref name="networkInput"/> [B, InputChannels, H, W] and <paramref name="timesteps"/> [B] from
    /// <paramref name="clean"/> and <paramref name="condition"/> (both [B, 1, H, W]).</summary>
    void Prepare(Tensor clean, Tensor condition, SeededRandom random, Tensor networkInput, float[] timesteps);

    /// <summary>The loss of <paramref name="output"/> [B, 1, H, W] for the last prepared batch; writes dL/d output.</summary>
    double Loss(Tensor output, Tensor gradOutput);
}
