using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel degrade`: writes a fixed (clean, degraded) test set with the paper's degradation pipeline.</summary>
public sealed class DegradeCommand : ICliCommand
{
    public string Name => "degrade";

    public string Summary => "write a fixed test set of (clean, degraded) pairs + manifest";

    public string Usage => """
        usage: stmkernel degrade --mode all|multitip|misalign|tipchange|blunt|lines|sr2|sr4|sr2-all|sr4-all|clean --count N [--seed S]
                                 [pristine options] [--split train|validation|test] [--crop 128] -o DIR
          all: every degradation with the paper's probabilities; multitip … lines: that type only,
          always applied; sr2/sr4: every 2nd/4th scan line only; sr2-all/sr4-all: every degradation plus
          the SR line dropping (what SR models train on); clean: no degradation. Pristine images come from the
          procedural generator, or from DIR/*.npy, assigned to train/validation/test by file with
          a shuffle of seed K (default 0: keep K fixed across runs so the splits stay disjoint
          from what a model was trained on). Writes DIR/clean.npy,
          DIR/degraded.npy ([N, 1, C, C] in [-1, 1], C = --crop, the paper's 128 by default; use a
          model's training crop to test it on what it saw) and DIR/manifest.json (every sampled
          parameter). Default split: test. Existing files are never overwritten.
        pristine options:
        """ + PristineOptions.Usage;

    public int Run(ArgReader args)
    {
        string modeName = args.Required("mode");
        if (!DegradationModeNames.TryParse(modeName, out var mode))
            throw new CliException($"unknown --mode '{modeName}'");
        int count = args.Int("count", -1, 1, 1_000_000);
        if (count < 0) throw new CliException("missing required option --count");
        long seed = args.Int("seed", 0);
        var data = PristineOptions.Read(args, defaultSplitSeed: 0);
        string splitName = args.Option("split") ?? "test";
        var split = splitName switch
        {
            "train" => DataSplit.Train,
            "validation" or "val" => DataSplit.Validation,
            "test" => DataSplit.Test,
            _ => throw new CliException($"unknown --split '{splitName}' (train, validation, test)"),
        };
        int crop = args.Int("crop", 128, 16, 1024);
        string dir = args.Required("o", "out");
        args.EnsureAllUsed();

        var pairs = new PairSource(data.Build(seed, crop), DegradationSettings.ForMode(mode) with { CropSize = crop, LineFlatten = data.LineFlatten }, seed);
        double seconds;
        using (var bar = new ProgressBar("degrade " + DegradationModeNames.Name(mode), count, "pairs"))
        {
            TestSetWriter.Write(dir, pairs, split, count, DegradationModeNames.Name(mode), _ => bar.Advance());
            seconds = bar.ElapsedSeconds;
        }
        Console.WriteLine($"wrote {count} {DegradationModeNames.Name(mode)} pairs ({split.ToString().ToLowerInvariant()} split) to {dir} in {seconds:0.0} s ({count / Math.Max(seconds, 1e-9):0.0} pairs/s)");
        return 0;
    }
}
