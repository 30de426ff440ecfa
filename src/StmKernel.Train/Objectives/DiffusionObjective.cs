using StmKernel.Sampling;
using StmKernel.Tensors;
using StmKernel.Train.Fourier;
using StmKernel.UNet.Weights;

namespace StmKernel.Train.Objectives;

/// <summary>
/// L_DM (paper eq. 3): t uniform in 0…T−1, x_t = √ᾱ_t x0 + √(1 − ᾱ_t) ε (cosine schedule), the
/// network sees [x_t, condition] at integer time t and is trained with a mean squared error on its target:
/// ε (<see cref="PredictionType.Epsilon"/>, the paper's) or v = √ᾱ_t ε − √(1 − ᾱ_t) x0
/// (<see cref="PredictionType.VPrediction"/>, Salimans &amp; Ho 2022), optionally on the zero-terminal-SNR
/// schedule (Lin et al. 2024: ᾱ_{T−1} = 0, so at t = T−1 the input is pure noise and the target is −x0).
/// With <c>fourier</c> it is L_FT,DM (eq. 4): ½ L_DM + ¼ magnitude + ¼ phase terms
/// (<see cref="FourierLoss"/>) between x0 and x̂0 = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t, or √ᾱ_t x_t − √(1 − ᾱ_t) v̂,
/// averaged over the batch.
/// </summary>
public sealed class DiffusionObjective : ITrainingObjective
{
    private readonly bool _fourier;
    private readonly CosineSchedule _schedule;
    private float[] _noise = [];
    private float[] _target = [];
    private Tensor? _clean, _xt;
    private int[] _t = [];

    /// <summary>
    /// A diffusion objective on the T-step cosine schedule. Zero terminal SNR needs v-prediction
    /// (<see cref="ArgumentException"/> otherwise), as <see cref="SamplerSettings.Validate"/> does.
    /// </summary>
    public DiffusionObjective(bool fourier = false, int trainSteps = 1000, PredictionType prediction = PredictionType.Epsilon, bool zeroTerminalSnr = false)
    {
        if (prediction is not (PredictionType.Epsilon or PredictionType.VPrediction))
            throw new ArgumentException($"diffusion predicts epsilon or v, not {prediction}", nameof(prediction));
        if (zeroTerminalSnr && prediction != PredictionType.VPrediction)
            throw new ArgumentException("zero terminal SNR needs v-prediction (ε is undefined where ᾱ = 0)", nameof(zeroTerminalSnr));
        _fourier = fourier;
        _schedule = new CosineSchedule(trainSteps, zeroTerminalSnr);
        Prediction = prediction;
    }

    /// <summary>The objective a DDIM model's sampler settings call for (T, prediction, zero terminal SNR).</summary>
    public static DiffusionObjective For(SamplerSettings settings, bool fourier = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Kind != SamplerKind.Ddim) throw new ArgumentException("settings are not DDIM", nameof(settings));
        return new DiffusionObjective(fourier, settings.NumTrainTimesteps, settings.Prediction, settings.ZeroTerminalSnr);
    }

    /// <summary>What the network is trained to predict (ε or v).</summary>
    public PredictionType Prediction { get; }

    /// <summary>The ᾱ schedule x_t is drawn on (the sampler must use the same: <see cref="CosineSchedule.For"/>).</summary>
    public CosineSchedule Schedule => _schedule;

    /// <inheritdoc />
    /// <remarks>ddim, ddim-fft (ε); ddim-v, ddim-v-fft (v, zero terminal SNR); ddim-v-nozsnr[-fft] (v on the plain schedule).</remarks>
    public string Name =>
        (Prediction == PredictionType.Epsilon ? "ddim" : _schedule.ZeroTerminalSnr ? "ddim-v" : "ddim-v-nozsnr") + (_fourier ? "-fft" : "");

    /// <inheritdoc />
    public int InputChannels => 2;

    /// <inheritdoc />
    public bool UsesTimestep => true;

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
        bool v = Prediction == PredictionType.VPrediction;
        if (v && _target.Length != clean.Length) _target = new float[clean.Length];
        for (int n = 0; n < batch; n++)
        {
            int t = _t[n] = random.NextInt(_schedule.NumTrainTimesteps);
            timesteps[n] = t;
            double ab = _schedule.AlphaBar[t], a = Math.Sqrt(ab), s = Math.Sqrt(1 - ab);
            for (int i = n * plane; i < (n + 1) * plane; i++)
            {
                _xt.Data[i] = (float)(a * clean.Data[i] + s * _noise[i]);
                if (v) _target[i] = (float)DdimSampler.VTarget(a, s, clean.Data[i], _noise[i]);
            }
        }
        PixelLoss.Stack(_xt, condition, networkInput);
    }

    /// <inheritdoc />
    public double Loss(Tensor output, Tensor gradOutput)
    {
        if (_clean is null || _xt is null) throw new InvalidOperationException("Prepare first");
        bool v = Prediction == PredictionType.VPrediction;
        float[] target = v ? _target : _noise;
        if (!_fourier)
        {
            double mse = PixelLoss.MeanSquared(output.Data, target, gradOutput.Data);
            LastTerms = (mse, 0, 0);
            return mse;
        }
        double dm = PixelLoss.MeanSquared(output.Data, target, gradOutput.Data, scale: 0.5);
        int batch = output.Dim(0), h = output.Dim(2), w = output.Dim(3), plane = h * w;
        var pred = new double[plane];
        var clean = new double[plane];
        var grad = new double[plane];
        double mag = 0, phase = 0;
        for (int n = 0; n < batch; n++)
        {
            double ab = _schedule.AlphaBar[_t[n]], a = Math.Sqrt(ab), s = Math.Sqrt(1 - ab);
            for (int i = 0; i < plane; i++)
            {
                double xt = _xt.Data[n * plane + i], o = output.Data[n * plane + i];
                pred[i] = v ? DdimSampler.CleanFromV(a, s, xt, o) : (xt - s * o) / a;
                clean[i] = _clean.Data[n * plane + i];
            }
            var (m, p) = FourierLoss.Compute(pred, clean, h, w, 0.25 / batch, 0.25 / batch, grad);
            mag += m / batch; phase += p / batch;
            // x̂0 depends on the output through −s/a (ε) or −s (v).
            double dx0 = v ? -s : -s / a;
            for (int i = 0; i < plane; i++) gradOutput.Data[n * plane + i] += (float)(dx0 * grad[i]);
        }
        LastTerms = (dm, mag, phase);
        return 0.5 * dm + 0.25 * mag + 0.25 * phase;
    }
}
