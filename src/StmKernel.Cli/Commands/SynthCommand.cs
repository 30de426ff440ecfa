using System.CommandLine;
using System.Globalization;
using StmKernel.Imaging;
using StmKernel.Synthesis;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel synth`: writes procedural pristine Si(001):H surfaces as .npy height maps (metres) plus a manifest.</summary>
public sealed class SynthCommand : CliCommand
{
    private readonly Option<int> _count = CliOptions.RequiredInt("--count", "N", "surfaces to write", 1, 1_000_000);
    private readonly Option<int> _size = CliOptions.Int("--size", "PX", "surface width and height in pixels", 512, 16, 8192);

    private readonly Option<double> _pixelNm = CliOptions.Double("--pixel-nm", "NM", "pixel size in nm", 0.195, v => v is > 0 and < 100, "in (0, 100)");

    private readonly Option<int> _seed = CliOptions.Int("--seed", "S", "surface i uses a seed derived from S and i, so any one can be regenerated", 0);
    private readonly Option<string> _output = CliOptions.RequiredText("-o", "DIR", "output folder: DIR/surface_00000.npy … and DIR/manifest.json", "--out");

    public SynthCommand() : base("synth", "generate procedural pristine Si(001):H surfaces (.npy, metres)")
    {
        foreach (var o in new Option[] { _count, _size, _pixelNm, _seed, _output }) Options.Add(o);
    }

    public override string Details => """
        Writes DIR/surface_00000.npy … (float32 heights in metres, H×W) and DIR/manifest.json (pixel size, parameters,
        every drawn value per surface). Existing files are never overwritten.
        """;

    protected override int Run(ParseResult parse)
    {
        int count = parse.GetValue(_count);
        int size = parse.GetValue(_size);
        double pixelNm = parse.GetValue(_pixelNm);
        long seed = parse.GetValue(_seed);
        string dir = parse.GetValue(_output)!;

        var parameters = new SurfaceParameters { Width = size, Height = size, PixelSize = pixelNm / 1e9 };
        Directory.CreateDirectory(dir);
        string manifest = Path.Combine(dir, "manifest.json");
        if (File.Exists(manifest)) throw new CliException($"{manifest} already exists; choose an empty folder");
        var descriptions = new List<(string File, SurfaceDescription Description)>();
        using (var bar = new ProgressBar("synth", count, "surfaces"))
        {
            for (int i = 0; i < count; i++)
            {
                string name = $"surface_{i.ToString("D5", CultureInfo.InvariantCulture)}.npy";
                string path = Path.Combine(dir, name);
                if (File.Exists(path)) throw new CliException($"{path} already exists; choose an empty folder");
                var surface = SiH2x1Generator.Generate(parameters, Rng.DeriveSeed(seed, i));
                NpyFile.Write(path, surface.Heights.Data, size, size);
                descriptions.Add((name, surface.Description));
                bar.Advance();
            }
        }
        SurfaceManifest.Write(manifest, parameters, seed, descriptions);
        Console.WriteLine($"wrote {count} surfaces of {size}×{size} px ({size * pixelNm:0.#} nm) to {dir}");
        return 0;
    }
}
