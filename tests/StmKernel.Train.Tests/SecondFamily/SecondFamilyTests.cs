using StmKernel.Imaging;
using StmKernel.Imaging.Metrics;
using StmKernel.Sampling;
using StmKernel.Sampling.Evaluation;
using StmKernel.Sampling.Pipelines;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.Train.Objectives;
using StmKernel.UNet;
using StmKernel.UNet.Networks;
using StmKernel.UNet.Weights;

namespace StmKernel.Train.Tests.SecondFamily;

/// <summary>
/// A second family (<see cref="TinyRegressor"/>: one input channel, no time input) through every family-neutral path:
/// the registry and weight files, the graph against a naive loop, the trainer, the scan restorer and the evaluation runner.
/// </summary>
public class SecondFamilyTests
{
    private static readonly TinyRegressorConfig Config = new(Width: 8);

    /// <summary>A task of this family's own, registered as a new use of the engine would (restored at the scan's size).</summary>
    private static readonly ModelTask Regress = new("regress-test", 1, "test regression task");

    public SecondFamilyTests()
    {
        TinyRegressorConfig.Register();
        ModelTasks.Register(Regress);
    }

    private static WeightSet Weights(Dictionary<string, float[]> values, string task = "restore")
    {
        var tensors = ParameterList.For(Config).ToDictionary(s => s.Key, s => new WeightTensor(s.Shape, values[s.Key]));
        var set = new WeightSet(Config, tensors, new ModelMetadata { Task = task, Normalisation = "minmax[-1,1]" });
        set.Validate();
        return set;
    }

    private static Tensor Random(ulong seed, params int[] shape)
    {
        var t = new Tensor(shape);
        new GaussianNoise(seed).Fill(t.Data);
        for (int i = 0; i < t.Length; i++) t.Data[i] = Math.Clamp(0.5f * t.Data[i], -1f, 1f);
        return t;
    }

    [Fact]
    public void ParametersAndForwardFollowTheTreeAndMatchANaiveLoop()
    {
        Assert.Equal(["conv_in.weight", "conv_in.bias", "norm.weight", "norm.bias", "conv_out.weight", "conv_out.bias"],
            ParameterList.For(Config).Select(s => s.Key));
        var p = RandomParameters.For(Config, seed: 5);
        var x = Random(3, 2, 1, 7, 9); // odd H and W: the family has no spatial multiple
        var y = new NetworkModel(Config, p).Forward(x, [123f, -4f], WorkerPool.Inline);

        var expected = NaiveForward(p, x);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Data[i], 1e-4);
    }

    [Fact]
    public void WeightFilesNameTheFamilyAndLoadBackThroughTheRegistry()
    {
        string dir = Directory.CreateTempSubdirectory("stm-family-").FullName;
        string path = Path.Combine(dir, "regressor.stmw");
        var set = Weights(RandomParameters.For(Config, seed: 2), Regress.Name);
        set.SaveStmw(path);

        var loaded = WeightSet.Load(path);
        Assert.Equal(Config, Assert.IsType<TinyRegressorConfig>(loaded.Config));
        Assert.Equal(TinyRegressorConfig.Name, loaded.Config.ToJson()["_class_name"]!.GetValue<string>());
        foreach (var (key, t) in set.Tensors) Assert.Equal(t.Data, loaded.Tensors[key].Data);
        Assert.False(NetworkFamilies.SameArchitecture(UNetConfig.Small, loaded.Config));
        Assert.Equal(Regress.Name, loaded.Metadata.Task);
        Assert.Contains(Regress.Name, ModelTasks.Names);
        Assert.Throws<InvalidOperationException>(() => ModelTasks.Register(Regress with { LineFactor = 2 }));

        // An unregistered class is refused with the file, the name and the families that are known.
        var json = Config.ToJson();
        json["_class_name"] = "NoSuchNet";
        var e = Assert.Throws<InvalidDataException>(() => NetworkFamilies.Parse(json, "x.stmw", "architecture"));
        Assert.Contains("x.stmw", e.Message);
        Assert.Contains("\"NoSuchNet\"", e.Message);
        Assert.Contains(NetworkFamilies.DefaultClassName, e.Message);
        Assert.Contains(TinyRegressorConfig.Name, e.Message);
    }

    [Fact]
    public void TrainsWithAOnePassObjectiveAndRefusesATimedOne()
    {
        var trainer = new Trainer(new ParameterSet(Config, RandomParameters.For(Config, seed: 1)), new AutoencoderObjective(),
            new TrainerOptions { Seed = 7, LearningRate = new Optim.LearningRateSchedule(3e-3, 0, 60) });
        // Learn to remove a fixed offset of 0.3: the residual regressor needs only conv_out's bias, so 60 steps must get close.
        var clean = Random(11, 4, 1, 13, 11);
        var condition = new Tensor(clean.Shape);
        for (int i = 0; i < clean.Length; i++) condition.Data[i] = clean.Data[i] + 0.3f;
        double first = 0, last = 0;
        for (int s = 0; s < 60; s++)
        {
            double loss = trainer.TrainStep(clean, condition, WorkerPool.Inline).Loss;
            if (s == 0) first = loss;
            last = loss;
        }
        Assert.True(first > 0.25, $"first loss {first}: the offset should dominate");
        Assert.True(last < 0.3 * first, $"loss {first} -> {last}: the regressor did not train");

        var timed = Config.WithChannels(2, 1);
        var e = Assert.Throws<ArgumentException>(() =>
            new Trainer(new ParameterSet(timed, RandomParameters.For(timed)), new FlowMatchingObjective(), new TrainerOptions()));
        Assert.Contains("no time input", e.Message);
        Assert.Contains(TinyRegressorConfig.Name, e.Message);
    }

    [Fact]
    public void RestoresAScanInOnePassAndRefusesASampler()
    {
        // conv_out at zero: y = x exactly, so the restored scan must be the scan (normalise, network, map back).
        var p = RandomParameters.For(Config, seed: 4);
        Array.Clear(p["conv_out.weight"]);
        Array.Clear(p["conv_out.bias"]);
        var model = RestorationModel.FromWeights(Weights(p), "regressor");
        Assert.Null(model.Sampler);
        var data = Random(9, 37, 45).Data.Select(v => 2e-10f * v + 1e-9f).ToArray();
        var scan = new StmImage(data, 45, 37) { PixelSizeX = 0.195e-9, PixelSizeY = 0.195e-9, PhysicalSizeKnown = true, ZUnit = "m", Channel = "Z" };
        using var pool = new WorkerPool(1);
        var restored = new ScanRestorer(model, pool, new ScanRestoreOptions { AnySurface = true }).Restore(scan).Restored;
        Assert.Equal((45, 37), (restored.Width, restored.Height));
        for (int i = 0; i < data.Length; i++) Assert.Equal(data[i], restored.Data[i], 1e-15);

        // A sampler needs a time input, which this family does not have.
        var sampled = Weights(p);
        sampled.Metadata.Sampler = SamplerSettings.FlowMatching;
        var e = Assert.Throws<InvalidDataException>(() => RestorationModel.FromWeights(sampled, "sampled"));
        Assert.Contains("no time input", e.Message);
    }

    [Fact]
    public void EvaluationScoresTheFamilyAsItsOwnForwardDoes()
    {
        var p = RandomParameters.For(Config, seed: 6);
        var model = RestorationModel.FromWeights(Weights(p), "regressor");
        var clean = Random(21, 3, 1, 15, 17);
        var degraded = Random(22, 3, 1, 15, 17);
        using var pool = new WorkerPool(1);
        var runner = new EvaluationRunner(EvaluationMethod.For([model]), new EvaluationOptions { BatchSize = 2 }, pool);
        var result = runner.Evaluate(new EvaluationSet("all", clean, degraded));

        var direct = new NetworkModel(Config, p).Forward(degraded, new float[3], WorkerPool.Inline);
        var scores = result.Scores[runner.Methods.ToList().FindIndex(m => m.Model == model)];
        for (int i = 0; i < 3; i++)
        {
            var reference = clean.Data.AsSpan(i * 255, 255);
            Assert.Equal(Psnr.Compute(reference, direct.Data.AsSpan(i * 255, 255), 2.0), scores.Psnr[i], 1e-9);
        }
    }

    /// <summary>conv3×3 (zero pad) → GroupNorm(4) + SiLU → conv3×3 + x, written out with plain loops.</summary>
    private static float[] NaiveForward(Dictionary<string, float[]> p, Tensor x)
    {
        int b = x.Dim(0), h = x.Dim(2), w = x.Dim(3), c = Config.Width;
        var hidden = Conv(x.Data, b, 1, c, h, w, p["conv_in.weight"], p["conv_in.bias"]);
        int groupSize = c / 4, plane = h * w;
        for (int n = 0; n < b; n++)
            for (int g = 0; g < 4; g++)
            {
                double sum = 0, sq = 0;
                int start = (n * c + g * groupSize) * plane, count = groupSize * plane;
                for (int i = 0; i < count; i++) sum += hidden[start + i];
                double mean = sum / count;
                for (int i = 0; i < count; i++) sq += (hidden[start + i] - mean) * (hidden[start + i] - mean);
                double inv = 1 / Math.Sqrt(sq / count + 1e-5);
                for (int i = 0; i < count; i++)
                {
                    int ch = g * groupSize + i / plane;
                    double v = (hidden[start + i] - mean) * inv * p["norm.weight"][ch] + p["norm.bias"][ch];
                    hidden[start + i] = (float)(v / (1 + Math.Exp(-v)));
                }
            }
        var y = Conv(hidden, b, c, 1, h, w, p["conv_out.weight"], p["conv_out.bias"]);
        for (int i = 0; i < y.Length; i++) y[i] += x.Data[i];
        return y;
    }

    private static float[] Conv(float[] input, int b, int cin, int cout, int h, int w, float[] weight, float[] bias)
    {
        var output = new float[b * cout * h * w];
        for (int n = 0; n < b; n++)
            for (int o = 0; o < cout; o++)
                for (int yy = 0; yy < h; yy++)
                    for (int xx = 0; xx < w; xx++)
                    {
                        double s = bias[o];
                        for (int i = 0; i < cin; i++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++)
                                {
                                    int sy = yy + ky - 1, sx = xx + kx - 1;
                                    if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
                                    s += weight[((o * cin + i) * 3 + ky) * 3 + kx] * input[((n * cin + i) * h + sy) * w + sx];
                                }
                        output[((n * cout + o) * h + yy) * w + xx] = (float)s;
                    }
        return output;
    }
}
