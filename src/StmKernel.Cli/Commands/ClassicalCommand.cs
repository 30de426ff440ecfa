using System.Globalization;
using StmKernel.Imaging;
using StmKernel.Imaging.Classical;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel classical IN -o OUT`: the Gwyddion-style baseline restoration.</summary>
public sealed class ClassicalCommand : ICliCommand
{
    public string Name => "classical";
    public string Summary => "classical restoration: plane level, align rows, remove scars, optional filters";
    public string Usage => $"""
        usage: stmkernel classical IN -o OUT [--channel NAME] [--direction fwd|bwd]
                                  [--align median|mdiff|matching|none] [--no-plane] [--no-scars]
                                  [--median R] [--gaussian SIGMA]

        What an STM user does by hand in Gwyddion: mean-plane levelling, row alignment (median by
        default; mdiff = median of differences), scar marking and Laplace filling, then optionally
        a median filter of radius R or a Gaussian blur of SIGMA pixels. OUT's extension picks the
        format (.gwy, .npy, .tif, .png); .gwy also keeps the input channel for comparison.
        {ChannelOptions.Help}
        """;

    public int Run(ArgReader args)
    {
        string output = args.Required("o", "output");
        var (channel, direction) = ChannelOptions.Read(args);
        RowAlignMethod? align = args.Option("align") switch
        {
            null or "median" => RowAlignMethod.Median,
            "mdiff" => RowAlignMethod.MedianOfDifferences,
            "matching" => RowAlignMethod.Matching,
            "none" => null,
            var a => throw new CliException($"--align must be median, mdiff, matching or none, got '{a}'"),
        };
        bool plane = !args.Flag("no-plane"), scars = !args.Flag("no-scars");
        int median = args.Int("median", 0, 0, 50);
        double gaussian = args.Double("gaussian", 0);
        if (gaussian < 0) throw new CliException("--gaussian must be ≥ 0");
        args.EnsureAllUsed();
        if (args.Positionals.Count != 1) throw new CliException("expected exactly one input file");
        string input = args.Positionals[0];
        string ext = Path.GetExtension(output).ToLowerInvariant();
        if (!StmFile.WritableExtensions.Contains(ext))
            throw new CliException($"unknown output extension '{ext}'; use one of {string.Join(", ", StmFile.WritableExtensions)}");

        var doc = StmFile.Read(input);
        foreach (var w in doc.Warnings) Console.Error.WriteLine($"warning: {w}");
        var image = ChannelOptions.One(doc, channel, direction, input);
        var options = new ClassicalOptions(plane, align, scars, null, median, gaussian);
        var restored = ClassicalRestoration.Restore(image, options);
        var meta = new Dictionary<string, string>(restored.Metadata)
        {
            ["Processing"] = $"stmkernel classical: plane={plane} align={align?.ToString() ?? "none"} scars={scars} median={median} gaussian={gaussian.ToString(CultureInfo.InvariantCulture)}",
        };
        restored = restored.Relabel(image.Channel + " classical", meta);
        if (ext == ".gwy") StmFile.WriteGwy(output, [restored, image]);
        else StmFile.Write(output, [restored]);
        Console.WriteLine($"wrote {output}: {restored.Title} {restored.Width}×{restored.Height}");
        return 0;
    }
}
