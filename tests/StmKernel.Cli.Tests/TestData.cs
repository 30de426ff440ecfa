using StmKernel.Imaging;
using StmKernel.UNet;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

/// <summary>Paths, temporary folders, tiny model files and an in-process `stmkernel` for the CLI tests.</summary>
internal static class TestData
{
    /// <summary>The repository root (the folder holding StmKernel.sln).</summary>
    public static string Root => RepoPaths.Root;

    /// <summary>`../shared/data/real` relative to the repository root, or null when absent.</summary>
    public static string? RealDir => RepoPaths.RealDataDir;

    public const string SkipReason = "real STM files not found at ../shared/data/real (relative to the repository root); skipped";

    public static string Real(string name) => Path.Combine(RealDir ?? throw new InvalidOperationException(SkipReason), name);

    /// <summary>Runs `stmkernel ARGS` in process and returns the exit code.</summary>
    public static int Run(params string[] args) => CommandRunner.Run(args, CommandList.Create(), Console.Out, Console.Error);

    /// <summary>
    /// Runs a command with Console.Out and Console.Error captured. Console is process-wide: callers belong to
    /// <see cref="ConsoleCollection"/>, which never runs beside another test.
    /// </summary>
    public static (int Code, string Out, string Err) Capture(Func<int> run)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (run(), o.ToString(), e.ToString()); }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    /// <summary>A fresh temporary folder.</summary>
    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "stmkernel-cli-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>
    /// Writes a tiny U-Net (channels [8, 16], 1 layer per block, random weights of <paramref name="seed"/>) as
    /// .stmw with the given task and sampler (null sampler and <paramref name="inChannels"/> 1: a one-pass model).
    /// </summary>
    public static string TinyModel(string folder, string name, string? task, SamplerSettings? sampler, int seed = 1, int inChannels = 2)
    {
        var config = new UNetConfig { InChannels = inChannels, BlockOutChannels = [8, 16], LayersPerBlock = 1, NormNumGroups = 4, AddAttention = false };
        var values = RandomParameters.For(config, seed);
        var tensors = ParameterList.For(config).ToDictionary(s => s.Key, s => new WeightTensor(s.Shape, values[s.Key]));
        string path = Path.Combine(folder, name + ".stmw");
        new WeightSet(config, tensors, new ModelMetadata { Task = task, Sampler = sampler }).SaveStmw(path);
        return path;
    }

    /// <summary>A smooth textured image with a physical size, as a .gwy input.</summary>
    public static string GwyInput(string folder, string name, int width, int height, double pixel = 2e-10)
    {
        var data = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                data[y * width + x] = (float)(1e-10 * (Math.Sin(0.7 * x) * Math.Cos(0.5 * y) + 0.01 * x));
        var image = new StmImage(data, width, height) { PixelSizeX = pixel, PixelSizeY = pixel, ZUnit = "m", Channel = "Z" };
        string path = Path.Combine(folder, name);
        StmFile.WriteGwy(path, [image]);
        return path;
    }

}

/// <summary>A fact that needs the real STM files: skipped with a clear message when they are absent.</summary>
internal sealed class RealDataFactAttribute : FactAttribute
{
    public RealDataFactAttribute()
    {
        if (TestData.RealDir is null) Skip = TestData.SkipReason;
    }
}
