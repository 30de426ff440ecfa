using StmKernel.Tensors;
using StmKernel.UNet.Weights;

namespace StmKernel.Train.Objectives;

/// <summary>
/// L_FM (paper eq. 7): t ~ U[0, 1) per sample, x_t = t·x1 + (1 − t)·x0 with x1 the clean image and x0 the path's
/// start, the network sees [x_t, condition] at time 1000·t and is trained on the velocity x1 − x0 with a mean
/// squared error. The paper's start is noise, x0 = ε; <see cref="FlowStart.Condition"/> starts at the condition,
/// x0 = y + σ·ε (<see cref="SamplerSettings.FlowMatchingBridge"/>, <c>train --method fm-bridge</c>).
/// </summary>
public sealed class FlowMatchingObjective : ITrainingObjective
{
    private readonly float _startNoise;
    private readonly bool _fromCondition;
    private float[] _target = [];

    /// <summary>The objective for flow-matching sampler settings (the start they name); the default is the paper's noise start.</summary>
    public FlowMatchingObjective(SamplerSettings? settings = null)
    {
        settings ??= SamplerSettings.FlowMatching;
        if (settings.Kind != SamplerKind.FlowMatching) throw new ArgumentException("settings are not flow matching", nameof(settings));
        settings.Validate();
        _fromCondition = settings.Start == FlowStart.Condition;
        _startNoise = (float)settings.StartNoise;
    }

    /// <inheritdoc />
    public string Name => _fromCondition ? "fm-bridge" : "fm";

    /// <inheritdoc />
    public int InputChannels => 2;

    /// <inheritdoc />
    public bool UsesTimestep => true;

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
                float start = _fromCondition ? condition.Data[i] + _startNoise * noise[i] : noise[i];
                xt.Data[i] = t * clean.Data[i] + (1 - t) * start;
                _target[i] = clean.Data[i] - start;
            }
        }
        PixelLoss.Stack(xt, condition, networkInput);
    }

    /// <inheritdoc />
    public double Loss(Tensor output, Tensor gradOutput) => PixelLoss.MeanSquared(output.Data, _target, gradOutput.Data);
}
