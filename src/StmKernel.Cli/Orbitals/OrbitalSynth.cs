using System.CommandLine;
using System.Globalization;
using StmKernel.Imaging;
using StmKernel.Orbitals;

namespace StmKernel.Cli.Orbitals;

/// <summary>
/// `stmkernel orbitals synth`: writes orbital-reconstruction pairs (CO-tip input, s-wave target) of the molecule library's
/// split as stacks input.npy / target.npy [N, 1, H, W] (float32, each image normalised to its maximum) and a manifest
/// with every drawn parameter (docs/orbitals.md).
/// </summary>
internal sealed class OrbitalSynth : CliCommand
{
    private readonly Option<int> _count = CliOptions.RequiredInt("--count", "N", "pairs to write", 1, 1_000_000);
    private readonly Option<int> _seed = CliOptions.Int("--seed", "S", "pair i uses streams of seed S and i", 0);

    private readonly Option<Split?> _split = CliOptions.Parsed<Split?>("--split", "train|validation|test|families",
        "molecule split (default train): whole skeletons; the families (acenes, porphyrinoids, O-containing molecules) are never in the others",
        s => Enum.TryParse<Split>(s, ignoreCase: true, out var split) && Enum.IsDefined(split)
            ? split : throw new CliException($"--split must be train, validation, test or families, got '{s}'"));

    private readonly Option<int> _size = CliOptions.Int("--size", "PX", "image width and height in pixels", 128, 16, 1024);

    private readonly Option<double> _pixel = CliOptions.Double("--pixel-angstrom", "Å", "pixel size in Å", 0.25, v => v is > 0 and < 10, "in (0, 10)");

    private readonly Option<int> _maxHexagons = CliOptions.Int("--max-hexagons", "K", "largest molecules of the library, in hexagons", 6, 1, 8);
    private readonly Option<int> _librarySeed = CliOptions.Int("--library-seed", "S", "seed of the molecule library and its split", 0);

    private readonly Option<bool> _surroundings = CliOptions.Flag("--surroundings",
        "add drift (input and target), a plane background, Cu(111) standing waves (period ~15 Å) and adsorbates (input), " +
        "from a stream of their own");

    private readonly Option<bool> _constantCurrent = CliOptions.Flag("--constant-current",
        "constant-current topographs (tip height z − z₀ in Å, normalised to its maximum) instead of constant-height currents: " +
        "the setpoint holds the tip at z₀ over bare substrate, whose current is 5-30 % of the molecule's");

    private readonly Option<string> _output = CliOptions.RequiredText("-o", "DIR", "output folder: DIR/input.npy, DIR/target.npy, DIR/manifest.json", "--out");

    public OrbitalSynth() : base("synth", "write orbital-reconstruction pairs (CO-tip input, s-wave target) + manifest")
    {
        foreach (var o in new Option[] { _count, _seed, _split, _size, _pixel, _maxHexagons, _librarySeed, _surroundings, _constantCurrent, _output }) Options.Add(o);
    }

    public override string Details => """
        Pair i uses molecule and parameters from streams of seed S and i (any pair can be regenerated): a level HOMO-2 ...
        LUMO+2 as a dI/dV resonance, a functionalised tip (w_p/w_s log-uniform over [0.05, 20], pure s and pure p cases,
        asymmetric and tilted tips), tip height 4.5-9 Å, random rotation and offset; the input alone gets the scan
        degradations. Constant height by default; --constant-current writes topographs (13 renders per pair, tip heights
        z0 ... z0 + 3 Å in 0.25 Å steps). The stacks are [N, 1, H, W] float32, each image normalised to its maximum;
        existing files are never overwritten.
        """;

    protected override int Run(ParseResult parse)
    {
        int count = parse.GetValue(_count);
        int seed = parse.GetValue(_seed);
        var split = parse.GetValue(_split) ?? Split.Train;
        string splitText = split.ToString().ToLowerInvariant();
        int size = parse.GetValue(_size);
        double pixel = parse.GetValue(_pixel);
        int maxHexagons = parse.GetValue(_maxHexagons);
        int librarySeed = parse.GetValue(_librarySeed);
        bool surroundings = parse.GetValue(_surroundings);
        var constantCurrent = parse.GetValue(_constantCurrent) ? new ConstantCurrent() : null;
        string dir = parse.GetValue(_output)!;

        string[] outputs = [.. new[] { "input.npy", "target.npy", "manifest.json" }.Select(f => Path.Combine(dir, f))];
        foreach (var f in outputs)
            if (File.Exists(f)) throw new CliException($"{f} already exists; choose an empty folder");
        var library = MoleculeLibrary.Build(new LibraryOptions { MaxHexagons = maxHexagons, Seed = librarySeed, SplitSeed = librarySeed });
        if (!library.In(split).Any()) throw new CliException($"the library (≤ {maxHexagons} hexagons) has no molecule in split {splitText}");
        var sampler = new OrbitalPairSampler(library, split, seed, new OrbitalRender { Width = size, Height = size, PixelSize = pixel }, surroundings, constantCurrent);
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
