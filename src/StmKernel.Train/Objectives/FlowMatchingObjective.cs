using StmKernel.Tensors;

namespace StmKernel.Train.Objectives;

/// <summary>
/// L_FM (paper eq. 7): t ~ U[0, 1) per sample, x_t = t·x0 + (1 − t)·ε, the network sees
/// [x_t, condition] at time 1000·t and is trained on the velocity x0 − ε with a mean squared error.
/// </summary>
public sealed class FlowMatchingObjective : ITrainingObjective
{
    private float[] _target = [];

    /// <inheritdoc />
    public string Name => "fm";

    /// <inheritdoc />
    public int InputChannels => 2;

    /// <inheritdoc />
    public void Prepare(Tensor clean, Tensor condition, SeededRandom random, Tensor networkInput, float[] timesteps)
    {
        PixelLoss.CheckImages(clean, "clean batch");
        int batch = clean.Dim(0), plane = clean.Dim(2) * clean.Dim(3);
        var noise = new float[clean.Length];
        random.FillGaussian(noise);
        var xt = new Tensor(clean.Shape);
        if (_target.Length != clean.Length) _target = new float[clean.Length];
        for (int n = 0; n < batch; n++)
        {
            float t = (float)random.NextDouble();
            timesteps[n] = 1000f * t;
            for (int i = n * plane; i < (n + 1) * plane; i++)
            {
                xt.Data[i] = t * clean.Data[i] + (1 - t) * noise[i];
                _target[i] = clean.Data[i] - noise[i];
            }
        }
        PixelLoss.Stack(xt, condition, networkInput);
    }

    /// <inheritdoc />
    public double Loss(Tensor output, Tensor gradOutput) => PixelLoss.MeanSquared(output.Data, _target, gradOutput.Data);
}
