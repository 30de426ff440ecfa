using System.CommandLine;
using System.Globalization;
using StmKernel.Imaging;
using StmKernel.Imaging.Classical;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel classical IN -o OUT`: the Gwyddion-style baseline restoration.</summary>
public sealed class ClassicalCommand : CliCommand
{
    private readonly Argument<string> _input = new("IN") { Description = "any file stmkernel reads (see `stmkernel info`)" };

    private readonly Option<string> _output = CliOptions.RequiredText("-o", "OUT",
        "output file; its extension picks the format (.gwy, .npy, .tif, .png); .gwy also keeps the input channel for comparison", "--output");

    private readonly ChannelOptions _channel = new();

    private static readonly Dictionary<string, RowAlignMethod?> AlignMethods = new(StringComparer.Ordinal)
    {
        ["median"] = RowAlignMethod.Median, ["mdiff"] = RowAlignMethod.MedianOfDifferences, ["matching"] = RowAlignMethod.Matching, ["none"] = null,
    };

    // The name, not the method: "none" is no method, and an option's parser cannot return null.
    private readonly Option<string> _align = CliOptions.Parsed("--align", "median|mdiff|matching|none",
        "row alignment: median, mdiff (median of differences), matching, or none",
        a => AlignMethods.ContainsKey(a) ? a : throw new CliException($"--align must be median, mdiff, matching or none, got '{a}'")).WithDefault("median");

    private readonly Option<bool> _noPlane = CliOptions.Flag("--no-plane", "skip the mean-plane levelling");
    private readonly Option<bool> _noScars = CliOptions.Flag("--no-scars", "skip the scar marking and Laplace filling");
    private readonly Option<int> _median = CliOptions.Int("--median", "R", "median filter of radius R pixels (0: none)", 0, 0, 50);
    private readonly Option<double> _gaussian = CliOptions.Double("--gaussian", "SIGMA", "Gaussian blur of SIGMA pixels (0: none)", 0, v => v >= 0, "≥ 0");

    public ClassicalCommand() : base("classical", "classical restoration: plane level, align rows, remove scars, optional filters")
    {
        Arguments.Add(_input);
        Options.Add(_output);
        _channel.AddTo(this);
        foreach (var o in new Option[] { _align, _noPlane, _noScars, _median, _gaussian }) Options.Add(o);
    }

    public override string Details => """
        What an STM user does by hand in Gwyddion: mean-plane levelling, row alignment, scar marking and Laplace filling,
        then optionally a median filter or a Gaussian blur.
        """;

    protected override int Run(ParseResult parse)
    {
        string output = parse.GetValue(_output)!;
        var (channel, direction) = _channel.Read(parse);
        RowAlignMethod? align = AlignMethods[parse.GetValue(_align)!];
        bool plane = !parse.GetValue(_noPlane), scars = !parse.GetValue(_noScars);
        int median = parse.GetValue(_median);
        double gaussian = parse.GetValue(_gaussian);
        string input = parse.GetValue(_input)!;
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
