using System.Globalization;
using StmKernel.OrtPeer;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.UNet;
using StmKernel.UNet.Networks;
using StmKernel.UNet.Weights;

// Bench-only: our U-Net forward against ONNX Runtime on the same weights (bench/compare-ort.sh drives it).
//   write-weights --preset large [--seed 0] -o FILE.stmw
//       the seeded random weights `stmkernel bench --preset P` times, saved so export_onnx.py loads the same ones
//   compare --weights FILE.stmw --onnx FILE.onnx --batch B [--size 128] [--threads 2] [--warmup 3] [--rounds 7]
//           [--per-round 3] [--label NAME]
//       checks ORT's output against ours (relative max error ≤ 1e-4, else exit 3), then times them interleaved
const double MaxRelativeError = 1e-4;
var inv = CultureInfo.InvariantCulture;

if (args.Length == 0) return Fail("give write-weights or compare (see the head of Program.cs)");
var opts = new Dictionary<string, string>();
for (int i = 1; i < args.Length; i += 2)
{
    if (!args[i].StartsWith('-') || i + 1 >= args.Length) return Fail($"bad argument '{args[i]}'");
    opts[args[i].TrimStart('-')] = args[i + 1];
}
string Need(string k) => opts.TryGetValue(k, out var v) ? v : throw new ArgumentException($"--{k} is required");
int Int(string k, int d) => opts.TryGetValue(k, out var v) ? int.Parse(v, inv) : d;

switch (args[0])
{
    case "write-weights":
    {
        var config = UNetConfig.Preset(Need("preset"));
        var values = RandomParameters.For(config, Int("seed", 0));
        var tensors = ParameterList.For(config).ToDictionary(s => s.Key, s => new WeightTensor(s.Shape, values[s.Key]));
        new WeightSet(config, tensors).SaveStmw(Need("o"));
        Console.WriteLine($"wrote {Need("o")} ({config.Describe()}, seed {Int("seed", 0)})");
        return 0;
    }
    case "compare":
        return Compare();
    default:
        return Fail($"unknown command '{args[0]}'");
}

int Compare()
{
    string label = opts.GetValueOrDefault("label", "case");
    int batch = Int("batch", 1), size = Int("size", 128), threads = Int("threads", 2);
    int warmup = Int("warmup", 3), rounds = Int("rounds", 7), perRound = Int("per-round", 3);

    var model = NetworkModel.FromWeights(WeightSet.Load(Need("weights")));
    var cfg = model.Config;
    // The same input `stmkernel bench` draws: uniform [−1, 1] from seed 1234, t = 500 + i.
    var rng = new Random(1234);
    var x = new Tensor(batch, cfg.InChannels, size, size);
    for (int i = 0; i < x.Length; i++) x.Data[i] = (float)(rng.NextDouble() * 2 - 1);
    float[] t = [.. Enumerable.Range(0, batch).Select(i => 500f + i)];
    var ours = new Tensor(batch, cfg.OutChannels, size, size);
    var theirs = new float[ours.Length];

    using var pool = new WorkerPool(threads);
    // ORT reads x straight from our tensor's array: both sides see bit-identical inputs.
    using var ort = new OrtForward(Need("onnx"), threads, x.Data, [batch, cfg.InChannels, size, size], t,
        theirs, [batch, cfg.OutChannels, size, size]);
    void Ours() => model.Forward(x, t, ours, pool);

    Console.WriteLine($"case={label} onnxruntime={OrtForward.Version} model=({cfg.Describe()}) input=[{batch}, {cfg.InChannels}, {size}, {size}] " +
                      $"threads={threads} GFLOP/forward={model.Flops(batch, size, size) / 1e9:F2} warmup={warmup} rounds={rounds} per_round={perRound}");
    for (int i = 0; i < warmup; i++) { Ours(); ort.Run(); }

    // Proof that ORT runs the same model: the outputs of the last warm-up forwards, same x and t.
    double maxDiff = 0, maxRef = 0;
    for (int i = 0; i < theirs.Length; i++)
    {
        maxDiff = Math.Max(maxDiff, Math.Abs(ours.Data[i] - theirs[i]));
        maxRef = Math.Max(maxRef, Math.Abs(theirs[i]));
    }
    double rel = maxDiff / maxRef;
    Console.WriteLine(string.Create(inv, $"check: max|ours-ort|={maxDiff:E3} max|ort|={maxRef:E3} rel_max_err={rel:E3} (limit {MaxRelativeError:E0})"));
    if (!(rel <= MaxRelativeError)) // also catches NaN and an all-zero ORT output
    {
        Console.Error.WriteLine($"OrtPeer: {label}: ORT's output differs from ours (relative max error {rel:E3} > {MaxRelativeError:E0}); not timing");
        return 3;
    }

    var m = Interleaved.Measure(Ours, ort.Run, rounds, perRound);
    double oMed = Interleaved.Median(m.A), rMed = Interleaved.Median(m.B), oMin = m.A.Min(), rMin = m.B.Min();
    Console.WriteLine(string.Create(inv, $"ours: median {oMed:F2} ms, min {oMin:F2} ms over {m.A.Count} forwards"));
    Console.WriteLine(string.Create(inv, $"ort: median {rMed:F2} ms, min {rMin:F2} ms over {m.B.Count} forwards"));
    Console.WriteLine(string.Create(inv, $"median of per-round ratios ours/ort = {m.MedianRoundRatio:F3}; ratio of mins = {oMin / rMin:F3}"));
    Console.WriteLine(string.Create(inv, $"ratio_ours_over_ort={oMed / rMed:F3}"));
    return 0;
}

static int Fail(string message)
{
    Console.Error.WriteLine($"OrtPeer: {message}");
    return 2;
}
