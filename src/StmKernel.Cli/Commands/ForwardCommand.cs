using StmKernel.Imaging;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel forward`: one network evaluation on an .npy batch (for parity checks and scripting).</summary>
public sealed class ForwardCommand : ICliCommand
{
    public string Name => "forward";

    public string Summary => "run the U-Net once on an .npy batch: x[B,in,H,W], t → y[B,out,H,W]";

    public string Usage => """
        usage: stmkernel forward --weights FILE [--config config.json | --preset small|large]
                                 --input X.npy --t T --output Y.npy [--threads N] [--device D] [--force]
          FILE is .stmw or diffusers .safetensors (its config.json beside it, or --config, or --preset).
          X.npy: float32 [B, in, H, W], H and W multiples of 2^(levels-1). T: one timestep for every
          sample, or a comma-separated list of B values. Y.npy: float32 [B, out, H, W], little-endian C order.
        """ + "\n" + DeviceOption.Help;

    public int Run(ArgReader args)
    {
        string weights = args.Required("weights");
        string? config = args.Option("config");
        string? preset = args.Option("preset");
        string input = args.Required("input");
        string tText = args.Required("t");
        string output = args.Required("output");
        int threads = args.Int("threads", Environment.ProcessorCount, 1, 1024);
        bool force = args.Flag("force");
        string device = DeviceOption.Read(args);
        args.EnsureAllUsed();
        if (config is not null && preset is not null) throw new CliException("give --config or --preset, not both");
        OutputPaths.EnsureWritable(output, force, input, weights);

        var model = ModelFiles.Load(weights, config, preset, DeviceOption.Backend(device));
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
