using StmKernel.Tensors;

namespace StmKernel.Train.Objectives;

/// <summary>
/// L_MAE, the paper's autoencoder baseline: the same U-Net maps the degraded image to the clean one
/// in one pass (one input channel, timestep 0), trained with the mean absolute error.
/// </summary>
public sealed class AutoencoderObjective : ITrainingObjective
{
    private Tensor? _clean;

    /// <inheritdoc />
    public string Name => "ae";

    /// <inheritdoc />
    public int InputChannels => 1;

    /// <inheritdoc />
    public bool UsesTimestep => false;

    /// <inheritdoc />
    public void Prepare(Tensor clean, Tensor condition, SeededRandom random, Tensor networkInput, float[] timesteps)
    {
        PixelLoss.CheckImages(clean, "clean batch");
        PixelLoss.CheckImages(condition, "condition batch");
        if (!networkInput.Shape.AsSpan().SequenceEqual(condition.Shape)) throw new ArgumentException($"network input must be {condition.ShapeText}");
        condition.Data.CopyTo(networkInput.Data, 0);
        Array.Clear(timesteps);
        _clean = clean;
    }

    /// <inheritdoc />
    public double Loss(Tensor output, Tensor gradOutput) =>
        PixelLoss.MeanAbsolute(output.Data, (_clean ?? throw new InvalidOperationException("Prepare first")).Data, gradOutput.Data);
}
