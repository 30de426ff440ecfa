using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;
using StmKernel.Train;
using StmKernel.Train.Graph;
using StmKernel.Train.Objectives;
using StmKernel.UNet;
using StmKernel.UNet.Networks;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel bench`: forward latency of a U-Net on this machine, optionally per layer, or the time of one training step.</summary>
public sealed class BenchCommand : CliCommand
{
    private readonly ModelFileOptions _model = new("weights to time (default: random weights of --preset)", weightsRequired: false);
    private readonly Option<int> _size = CliOptions.Int("--size", "S", "input height and width in pixels", 128, 4, 8192);
    private readonly Option<int> _batch = CliOptions.Int("--batch", "B", "samples per forward (or training step)", 1, 1, 1024);
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<int> _iterations = CliOptions.Int("--iterations", "N", "timed forwards", 20, 1, 100000);
    private readonly Option<int> _warmup = CliOptions.Int("--warmup", "N", "untimed forwards first", 3, 0, 1000);
    private readonly Option<bool> _profile = CliOptions.Flag("--profile", "add the time and GFLOP/s of every layer (by diffusers key)");
    private readonly Option<bool> _peak = CliOptions.Flag("--peak", "first measure the FMA ceiling of these threads and report the forward as a share of it");

    private readonly Option<bool> _train = CliOptions.Flag("--train",
        "time one flow-matching training step instead (forward, L_FM, backward, clipping, AdamW, EMA) on a fixed random " +
        "batch of B clean/condition pairs S×S: the same step as bench/torch_train.py, so bench/compare-torch.sh --train " +
        "compares the two");

    private readonly Option<bool> _lowMemory = CliOptions.Flag("--low-memory", "run on the CPU backend that keeps no transformed Winograd weights (restore --low-memory)");
    private readonly Option<string> _device = DeviceOption.Create();

    public BenchCommand() : base("bench", "time the U-Net forward pass (median/min ms, per-layer profile) or a training step")
    {
        _model.AddTo(this);
        foreach (var o in new Option[] { _size, _batch, _threads, _iterations, _warmup, _profile, _peak, _train, _lowMemory, _device }) Options.Add(o);
    }

    public override string Details => """
        Times Forward(x[B,2,S,S], t[B]) with random inputs and prints the median and min per forward.
        The last line is `median_ms=<number>`.
        """;

    protected override int Run(ParseResult parse)
    {
        int size = parse.GetValue(_size);
        int batch = parse.GetValue(_batch);
        int threads = parse.GetValue(_threads);
        int iterations = parse.GetValue(_iterations);
        int warmup = parse.GetValue(_warmup);
        bool profile = parse.GetValue(_profile);
        bool peak = parse.GetValue(_peak);
        bool train = parse.GetValue(_train);
        if (train && profile) throw new CliException("--profile times forward layers; it cannot be combined with --train");

        var backend = DeviceOption.Backend(parse.GetValue(_device)!, parse.GetValue(_lowMemory));
        var model = _model.Load(parse, backend);
        var cfg = model.Config;
        if (size % cfg.SpatialMultiple != 0) throw new CliException($"--size must be a multiple of {cfg.SpatialMultiple}");
        using var pool = new WorkerPool(threads);
        var rng = new Random(1234);
        var x = new Tensor(batch, cfg.InChannels, size, size);
        for (int i = 0; i < x.Length; i++) x.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        var t = Enumerable.Range(0, batch).Select(i => 500f + i).ToArray();
        var y = new Tensor(batch, cfg.OutChannels, size, size);

        double gflop = model.Flops(batch, size, size) / 1e9;
        Console.WriteLine($"model: {cfg.ClassName} ({cfg.Describe()}) params={ParameterList.CountParameters(cfg):N0}");
        Console.WriteLine($"input: [{batch}, {cfg.InChannels}, {size}, {size}]  device={backend.Name}  threads={threads}  simd={SimdSupport.Description}  build={BaselineDispatch.Describe}  GFLOP/forward={gflop:F2}  activations={model.ActivationBytes(batch, size, size) / 1e6:F1} MB");

        double peakGflops = peak ? FmaPeak.Measure(pool) : 0;
        if (peak) Console.WriteLine($"fma_peak_gflops={peakGflops:F1}");
        var layers = profile ? new LayerProfile() : null;
        Action<LayerProfile?> run = train ? TrainStep(model, backend, batch, size, pool) : profile => model.Forward(x, t, y, pool, profile);
        for (int i = 0; i < warmup; i++) run(null);
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run(layers);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        double median = iterations % 2 == 1 ? times[iterations / 2] : 0.5 * (times[iterations / 2 - 1] + times[iterations / 2]);

        if (layers is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"{"layer",-48} {"ms",9} {"GFLOP/s",9} {"share",6}");
            double total = layers.Entries.Sum(e => e.Seconds);
            foreach (var e in layers.Entries)
            {
                double ms = e.Seconds * 1000 / iterations;
                string gfs = e.Flops > 0 ? (e.Flops / e.Seconds / 1e9).ToString("F1", CultureInfo.InvariantCulture) : "-";
                Console.WriteLine($"{e.Key,-48} {ms,9:F3} {gfs,9} {100 * e.Seconds / total,5:F1}%");
            }
            Console.WriteLine();
        }
        if (train)
            Console.WriteLine($"train step: median {median:F2} ms, min {times[0]:F2} ms over {iterations} iterations ({batch / (median / 1000):F2} samples/s at the median)");
        else
            Console.WriteLine($"forward: median {median:F2} ms, min {times[0]:F2} ms over {iterations} iterations ({gflop / (median / 1000):F1} GFLOP/s at the median)");
        if (peak) Console.WriteLine($"share of FMA peak at the median: {100 * gflop / (median / 1000) / peakGflops:F1}%");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median_ms={median:F3}"));
        return 0;
    }

    /// <summary>
    /// One training step of the model's architecture from seeded random weights on a fixed batch
    /// (clean and condition uniform in [−1, 1]): what a training run repeats, without the pair synthesis.
    /// </summary>
    private static Action<LayerProfile?> TrainStep(NetworkModel model, IComputeBackend backend, int batch, int size, WorkerPool pool)
    {
        var objective = new FlowMatchingObjective();
        if (model.Config.InChannels != objective.InputChannels)
            throw new CliException($"--train needs a model with {objective.InputChannels} input channels, this one has {model.Config.InChannels}");
        var trainer = new Trainer(new TrainingNetwork(new ParameterSet(model.Config, RandomParameters.For(model.Config, 1)), backend), objective, new TrainerOptions());
        var rng = new Random(4321);
        var clean = new Tensor(batch, 1, size, size);
        var condition = new Tensor(batch, 1, size, size);
        for (int i = 0; i < clean.Length; i++) { clean.Data[i] = (float)(rng.NextDouble() * 2 - 1); condition.Data[i] = (float)(rng.NextDouble() * 2 - 1); }
        return _ => trainer.TrainStep(clean, condition, pool);
    }
}
