using System.Globalization;
using StmKernel.Imaging;
using StmKernel.Orbitals;

namespace StmKernel.Cli.Orbitals;

/// <summary>
/// `stmkernel orbitals synth`: writes orbital-reconstruction pairs (CO-tip input, s-wave target) of the molecule library's
/// split as stacks input.npy / target.npy [N, 1, H, W] (float32, each image normalised to its maximum) and a manifest
/// with every drawn parameter (docs/orbitals.md).
/// </summary>
internal static class OrbitalSynth
{
    public const string Usage = """
        usage: stmkernel orbitals synth --count N [--seed S] [--split train|validation|test|families]
                                        [--size 128] [--pixel-angstrom 0.25] [--max-hexagons 6] [--library-seed 0] [--surroundings] -o DIR
          Pair i uses molecule and parameters from streams of seed S and i (any pair can be regenerated): a level
          HOMO-2 ... LUMO+2 as a dI/dV resonance, a functionalised tip (w_p/w_s log-uniform over [0.05, 20], pure s and
          pure p cases, asymmetric and tilted tips), tip height 4.5-9 Å, random rotation and offset; the input alone gets
          the scan degradations. The split holds whole molecule skeletons (families: acenes, porphyrinoids, O-containing
          molecules, never in the other splits). Writes DIR/input.npy, DIR/target.npy and DIR/manifest.json; existing
          files are never overwritten. --surroundings adds drift (input and target), a plane background, Cu(111)
          standing waves (period ~15 Å) and adsorbates (input) from a stream of their own.
        """;

    public static int Run(ArgReader args)
    {
        int count = args.Int("count", -1, 1, 1_000_000);
        if (count < 0) throw new CliException("missing required option --count");
        int seed = args.Int("seed", 0);
        string splitText = args.Option("split") ?? "train";
        if (!Enum.TryParse<Split>(splitText, ignoreCase: true, out var split) || !Enum.IsDefined(split))
            throw new CliException($"--split must be train, validation, test or families, got '{splitText}'");
        int size = args.Int("size", 128, 16, 1024);
        double pixel = args.Double("pixel-angstrom", 0.25);
        if (!(pixel > 0 && pixel < 10)) throw new CliException($"--pixel-angstrom must be in (0, 10), got {pixel}");
        int maxHexagons = args.Int("max-hexagons", 6, 1, 8);
        int librarySeed = args.Int("library-seed", 0);
        bool surroundings = args.Flag("surroundings");
        string dir = args.Required("o", "out");
        args.EnsureAllUsed();

        string[] outputs = [.. new[] { "input.npy", "target.npy", "manifest.json" }.Select(f => Path.Combine(dir, f))];
        foreach (var f in outputs)
            if (File.Exists(f)) throw new CliException($"{f} already exists; choose an empty folder");
        var library = MoleculeLibrary.Build(new LibraryOptions { MaxHexagons = maxHexagons, Seed = librarySeed, SplitSeed = librarySeed });
        if (!library.In(split).Any()) throw new CliException($"the library (≤ {maxHexagons} hexagons) has no molecule in split {splitText}");
        var sampler = new OrbitalPairSampler(library, split, seed, new OrbitalRender { Width = size, Height = size, PixelSize = pixel }, surroundings);
        int plane = size * size;
        var input = new float[(long)count * plane];
        var target = new float[(long)count * plane];
        var pairs = new List<OrbitalPairRecord>(count);
        using (var bar = new ProgressBar("orbitals", count, "pairs"))
        {
            for (int i = 0; i < count; i++)
            {
                var (entry, x, y, p) = sampler.Draw(i);
                x.CopyTo(input, (long)i * plane);
                y.CopyTo(target, (long)i * plane);
                pairs.Add(OrbitalPairRecord.From(i, entry, p));
                bar.Advance();
            }
        }
        Directory.CreateDirectory(dir);
        NpyFile.Write(outputs[0], input, count, 1, size, size);
        NpyFile.Write(outputs[1], target, count, 1, size, size);
        var manifest = new OrbitalManifest(seed, split.ToString().ToLowerInvariant(), size, size, pixel, maxHexagons, librarySeed, sampler.MoleculeCount, pairs);
        OrbitalManifest.Write(outputs[2], manifest);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {count} pairs of {size}×{size} px ({size * pixel:0.#} Å) from {sampler.MoleculeCount} {splitText} molecules to {dir}"));
        return 0;
    }
}
