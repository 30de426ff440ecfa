using StmKernel.Sampling;
using StmKernel.Tensors;
using StmKernel.Train.Fourier;

namespace StmKernel.Train.Objectives;

/// <summary>
/// L_DM (paper eq. 3): t uniform in 0…T−1, x_t = √ᾱ_t x0 + √(1 − ᾱ_t) ε (cosine schedule), the
/// network sees [x_t, condition] at integer time t and is trained on ε with a mean squared error.
/// With <c>fourier</c> it is L_FT,DM (eq. 4): ½ L_DM + ¼ magnitude + ¼ phase terms
/// (<see cref="FourierLoss"/>) between x0 and x̂0 = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t, averaged over the batch.
/// </summary>
public sealed class DiffusionObjective(bool fourier = false, int trainSteps = 1000) : ITrainingObjective
{
    private readonly CosineSchedule _schedule = new(trainSteps);
    private float[] _noise = [];
    private Tensor? _clean, _xt;
    private int[] _t = [];

    /// <inheritdoc />
    public string Name => fourier ? "ddim-fft" : "ddim";

    /// <inheritdoc />
    public int InputChannels => 2;

    /// <summary>The last loss split into its terms (MSE, magnitude, phase); the Fourier ones are 0 without <c>fourier</c>.</summary>
    public (double Mse, double Magnitude, double Phase) LastTerms { get; private set; }

    /// <inheritdoc />
    public void Prepare(Tensor clean, Tensor condition, SeededRandom random, Tensor networkInput, float[] timesteps)
    {
        PixelLoss.CheckImages(clean, "clean batch");
        int batch = clean.Dim(0), plane = clean.Dim(2) * clean.Dim(3);
        if (_noise.Length != clean.Length) _noise = new float[clean.Length];
        random.FillGaussian(_noise);
        _xt = new Tensor(clean.Shape);
        _clean = clean;
        _t = new int[batch];
        for (int n = 0; n < batch; n++)
        {
            int t = _t[n] = random.NextInt(_schedule.NumTrainTimesteps);
            timesteps[n] = t;
            double ab = _schedule.AlphaBar[t], a = Math.Sqrt(ab), s = Math.Sqrt(1 - ab);
            for (int i = n * plane; i < (n + 1) * plane; i++) _xt.Data[i] = (float)(a * clean.Data[i] + s * _noise[i]);
        }
        PixelLoss.Stack(_xt, condition, networkInput);
    }

    /// <inheritdoc />
    public double Loss(Tensor output, Tensor gradOutput)
    {
        if (_clean is null || _xt is null) throw new InvalidOperationException("Prepare first");
        if (!fourier)
        {
            double mse = PixelLoss.MeanSquared(output.Data, _noise, gradOutput.Data);
            LastTerms = (mse, 0, 0);
            return mse;
        }
        double dm = PixelLoss.MeanSquared(output.Data, _noise, gradOutput.Data, scale: 0.5);
        int batch = output.Dim(0), h = output.Dim(2), w = output.Dim(3), plane = h * w;
        var pred = new double[plane];
        var target = new double[plane];
        var grad = new double[plane];
        double mag = 0, phase = 0;
        for (int n = 0; n < batch; n++)
        {
            double ab = _schedule.AlphaBar[_t[n]], a = Math.Sqrt(ab), s = Math.Sqrt(1 - ab);
            for (int i = 0; i < plane; i++)
            {
                pred[i] = (_xt.Data[n * plane + i] - s * output.Data[n * plane + i]) / a;
                target[i] = _clean.Data[n * plane + i];
            }
            var (m, p) = FourierLoss.Compute(pred, target, h, w, 0.25 / batch, 0.25 / batch, grad);
            mag += m / batch; phase += p / batch;
            // x̂0 depends on ε̂ through −s/a.
            for (int i = 0; i < plane; i++) gradOutput.Data[n * plane + i] += (float)(-s / a * grad[i]);
        }
        LastTerms = (dm, mag, phase);
        return 0.5 * dm + 0.25 * mag + 0.25 * phase;
    }
}
