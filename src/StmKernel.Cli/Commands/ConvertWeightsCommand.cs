using System.Globalization;
using System.Text.Json.Nodes;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli;

/// <summary>
/// <c>stmkernel convert-weights IN OUT.stmw</c>: safetensors (+ config.json) or .stmw in, .stmw out,
/// optionally as float16 and with the task and sampler recorded. The written file is read back and
/// compared with the input before the command reports success.
/// </summary>
public sealed class ConvertWeightsCommand : ICliCommand
{
    public string Name => "convert-weights";

    public string Summary => "convert safetensors (+ diffusers config.json) or .stmw weights to .stmw";

    public string Usage => """
        usage: stmkernel convert-weights IN OUT.stmw [--fp16] [--config config.json] [--task restore|sr2|sr4] [--sampler ddim|fm]
                                       [--pixel-nm A:B] [--lattice-nm P,Q,...] [--force]

          IN          model.safetensors (F32, F16 or BF16) or a .stmw file; recognised by content
          OUT.stmw    the file to write; never IN, and an existing file only with --force
          --fp16      store float16 (half the size; values beyond ±65504 are refused)
          --config    diffusers config.json for a safetensors IN (default: config.json beside IN)
          --task      record the task the model was trained for
          --sampler   record the sampler it was trained for, with that sampler's defaults
                      (ddim: cosine, T=1000, epsilon, 10 steps; fm: linear, velocity, rk2, time scale 1000, 2 steps)
          --pixel-nm  record the pixel sizes (nm, A or A:B) the model was trained on; restore resamples into them
          --lattice-nm record the training surface's lattice periods (nm), e.g. 0.768,0.384 for Si(001):H;
                      restore then refuses scans whose lattice is clearly another (--any-surface overrides)
          --force     replace an existing OUT
        """;

    public int Run(ArgReader args)
    {
        if (args.Positionals.Count != 2) throw new CliException("expected IN and OUT");
        string input = args.Positionals[0], output = args.Positionals[1];
        bool fp16 = args.Flag("fp16");
        bool force = args.Flag("force");
        string? config = args.Option("config");
        string? task = args.Option("task");
        string? sampler = args.Option("sampler");
        string? pixel = args.Option("pixel-nm");
        string? lattice = args.Option("lattice-nm");
        args.EnsureAllUsed();

        if (task is not null && ModelTasks.Find(task) is null)
            throw new CliException($"--task must be one of {string.Join(", ", ModelTasks.Names)}, got '{task}'");
        if (sampler is not null && !SamplerSettings.Kinds.Contains(sampler))
            throw new CliException($"--sampler must be one of {string.Join(", ", SamplerSettings.Kinds)}, got '{sampler}'");
        if (!File.Exists(input)) throw new CliException($"input file {input} does not exist");
        if (SameFile(input, output)) throw new CliException($"OUT is the input file {input}; refusing to overwrite it");
        if (File.Exists(output) && !force) throw new CliException($"{output} exists; pass --force to replace it");

        var set = WeightSet.Load(input, config);
        if (task is not null) set.Metadata.Task = task;
        if (sampler is not null) set.Metadata.Sampler = SamplerSettings.ForKind(sampler);
        if (pixel is not null)
        {
            var nm = Numbers(pixel, ':', "pixel-nm");
            if (nm.Length > 2 || nm[^1] < nm[0]) throw new CliException($"--pixel-nm expects A or A:B with A ≤ B, got '{pixel}'");
            set.Metadata.PixelSizeRange = (nm[0] * 1e-9, nm[^1] * 1e-9);
        }
        if (lattice is not null) set.Metadata.LatticePeriods = [.. Numbers(lattice, ',', "lattice-nm").Select(v => v * 1e-9)];
        set.Metadata.Json["converted_from"] = new JsonObject
        {
            ["file"] = Path.GetFileName(input),
            ["format"] = set.SourceFormat == WeightFormat.Stmw ? "stmw" : "safetensors",
            ["dtype"] = set.StoredDType.DisplayName(),
        };

        var dtype = fp16 ? DType.F16 : DType.F32;
        set.SaveStmw(output, dtype);

        var back = WeightSet.Load(output);
        double maxError = 0;
        foreach (var (key, t) in set.Tensors)
        {
            var b = back.Tensors[key].Data;
            for (int i = 0; i < b.Length; i++) maxError = Math.Max(maxError, Math.Abs((double)b[i] - t.Data[i]));
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {back.Tensors.Count} tensors, {back.ParameterCount:N0} parameters, {dtype.DisplayName()}, " +
            $"{new FileInfo(output).Length / 1048576.0:F2} MiB, CRC32 0x{back.StoredChecksum:X8}, max |stored - input| = {maxError:G3}"));
        return 0;
    }

    private static double[] Numbers(string text, char separator, string option) =>
        [.. text.Split(separator).Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)
            ? v : throw new CliException($"--{option} expects positive numbers separated by '{separator}', got '{text}'"))];

    // Compares resolved full paths (following a symlinked OUT) so neither spelling nor a link can make OUT the input.
    private static bool SameFile(string a, string b)
    {
        static string Resolve(string p)
        {
            var full = Path.GetFullPath(p);
            return File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : full;
        }
        return string.Equals(Resolve(a), Resolve(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
