using System.CommandLine;
using StmKernel.Imaging;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel forward`: one network evaluation on an .npy batch (for parity checks and scripting).</summary>
public sealed class ForwardCommand : CliCommand
{
    private readonly ModelFileOptions _model = new(".stmw or diffusers .safetensors (its config.json beside it, or --config, or --preset)", weightsRequired: true);
    private readonly Option<string> _input = CliOptions.RequiredText("--input", "X.npy", "float32 [B, in, H, W], H and W multiples of 2^(levels-1)");
    private readonly Option<string> _t = CliOptions.RequiredText("--t", "T", "one timestep for every sample, or a comma-separated list of B values");
    private readonly Option<string> _output = CliOptions.RequiredText("--output", "Y.npy", "float32 [B, out, H, W], little-endian C order");
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<bool> _force = CommonOptions.Force("replace an existing Y.npy");
    private readonly Option<string> _device = DeviceOption.Create();

    public ForwardCommand() : base("forward", "run the U-Net once on an .npy batch: x[B,in,H,W], t → y[B,out,H,W]")
    {
        _model.AddTo(this);
        foreach (var o in new Option[] { _input, _t, _output, _threads, _force, _device }) Options.Add(o);
    }

    protected override int Run(ParseResult parse)
    {
        string weights = _model.Weights(parse)!;
        string input = parse.GetValue(_input)!;
        string tText = parse.GetValue(_t)!;
        string output = parse.GetValue(_output)!;
        int threads = parse.GetValue(_threads);
        OutputPaths.EnsureWritable(output, parse.GetValue(_force), input, weights);

        var model = _model.Load(parse, DeviceOption.Backend(parse.GetValue(_device)!));
        var (data, shape) = NpyFile.Read(input);
        if (shape.Length != 4 || shape[1] != model.Config.InChannels)
            throw new CliException($"{input}: expected shape [B, {model.Config.InChannels}, H, W], found {Tensor.FormatShape(shape)}");
        int batch = shape[0];
        float[] t = ParseTimesteps(tText, batch);

        using var pool = new WorkerPool(threads);
        Tensor y;
        try
        {
            y = model.Forward(new Tensor(data, shape), t, pool);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{input}: {e.Message}");
        }
        NpyFile.Write(output, y.Data, y.Shape);
        Console.WriteLine($"wrote {output} {y.ShapeText}");
        return 0;
    }

    private static float[] ParseTimesteps(string text, int batch)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                throw new CliException($"--t: '{parts[i]}' is not a number");
        if (values.Length == 1) return Enumerable.Repeat(values[0], batch).ToArray();
        if (values.Length != batch) throw new CliException($"--t has {values.Length} values for a batch of {batch}");
        return values;
    }
}
