using System.Globalization;
using StmKernel.Imaging;
using StmKernel.Synthesis;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel synth`: writes procedural pristine Si(001):H surfaces as .npy height maps (metres) plus a manifest.</summary>
public sealed class SynthCommand : ICliCommand
{
    public string Name => "synth";

    public string Summary => "generate procedural pristine Si(001):H surfaces (.npy, metres)";

    public string Usage => """
        usage: stmkernel synth --count N [--size 512] [--pixel-nm 0.195] [--seed S] -o DIR
          Writes DIR/surface_00000.npy … (float32 heights in metres, H×W) and DIR/manifest.json
          (pixel size, parameters, every drawn value per surface). Surface i uses a seed derived
          from S and i, so any one can be regenerated. Existing files are never overwritten.
        """;

    public int Run(ArgReader args)
    {
        int count = args.Int("count", -1, 1, 1_000_000);
        if (count < 0) throw new CliException("missing required option --count");
        int size = args.Int("size", 512, 16, 8192);
        double pixelNm = args.Double("pixel-nm", 0.195);
        if (!(pixelNm > 0 && pixelNm < 100)) throw new CliException($"--pixel-nm must be in (0, 100), got {pixelNm}");
        long seed = args.Int("seed", 0);
        string dir = args.Required("o", "out");
        args.EnsureAllUsed();

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
