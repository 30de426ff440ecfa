using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli;

/// <summary>
/// <c>stmkernel convert-weights IN OUT.stmw</c>: safetensors (+ config.json) or .stmw in, .stmw out,
/// optionally as float16 and with the task and sampler recorded. The written file is read back and
/// compared with the input before the command reports success.
/// </summary>
public sealed class ConvertWeightsCommand : CliCommand
{
    private readonly Argument<string> _input = new("IN") { Description = "model.safetensors (F32, F16 or BF16) or a .stmw file; recognised by content" };
    private readonly Argument<string> _output = new("OUT.stmw") { Description = "the file to write; never IN, and an existing file only with --force" };
    private readonly Option<bool> _fp16 = CliOptions.Flag("--fp16", "store float16 (half the size; values beyond ±65504 are refused)");
    private readonly Option<string?> _config = CliOptions.OptionalText("--config", "config.json", "diffusers config.json for a safetensors IN (default: config.json beside IN)");
    private readonly Option<string?> _task = CliOptions.OptionalText("--task", "restore|sr2|sr4", "record the task the model was trained for");

    private readonly Option<string?> _sampler = CliOptions.OptionalText("--sampler", "ddim|fm",
        "record the sampler it was trained for, with that sampler's defaults (ddim: cosine, T=1000, epsilon, 10 steps; " +
        "fm: linear, velocity, rk2, time scale 1000, 2 steps)");

    private readonly Option<string?> _pixel = CliOptions.OptionalText("--pixel-nm", "A:B",
        "record the pixel sizes (nm, A or A:B) the model was trained on; restore resamples into them");

    private readonly Option<string?> _lattice = CliOptions.OptionalText("--lattice-nm", "P,Q,...",
        "record the training surface's lattice periods (nm), e.g. 0.768,0.384 for Si(001):H; restore then refuses scans " +
        "whose lattice is clearly another (--any-surface overrides)");

    private readonly Option<bool> _force = CommonOptions.Force("replace an existing OUT");

    public ConvertWeightsCommand() : base("convert-weights", "convert safetensors (+ diffusers config.json) or .stmw weights to .stmw")
    {
        Arguments.Add(_input);
        Arguments.Add(_output);
        foreach (var o in new Option[] { _fp16, _config, _task, _sampler, _pixel, _lattice, _force }) Options.Add(o);
    }

    protected override int Run(ParseResult parse)
    {
        string input = parse.GetValue(_input)!, output = parse.GetValue(_output)!;
        bool fp16 = parse.GetValue(_fp16);
        bool force = parse.GetValue(_force);
        string? config = parse.GetValue(_config);
        string? task = parse.GetValue(_task);
        string? sampler = parse.GetValue(_sampler);
        string? pixel = parse.GetValue(_pixel);
        string? lattice = parse.GetValue(_lattice);

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
