using System.CommandLine;
using StmKernel.Imaging;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel convert IN OUT`: any readable file to .gwy, .npy, float TIFF or PNG preview.</summary>
public sealed class ConvertCommand : CliCommand
{
    private readonly Argument<string> _input = new("IN") { Description = "any file stmkernel reads (see `stmkernel info`)" };

    private readonly Argument<string> _output = new("OUT")
    {
        Description = "the format follows the extension: .gwy (all channels, or the selected ones, with physical sizes and " +
                      "units), .npy (float32), .tif/.tiff (float32), .png (grayscale preview); written through a temporary " +
                      "file, never replacing IN",
    };

    private readonly ChannelOptions _channel = new();
    private readonly Option<int> _bits = CliOptions.Int("--bits", "8|16", "PNG bit depth", 8, 8, 16);
    private readonly Option<double> _low = CliOptions.Double("--low", "P", "PNG stretch: the percentile shown black", 0.5);
    private readonly Option<double> _high = CliOptions.Double("--high", "P", "PNG stretch: the percentile shown white", 99.5);

    public ConvertCommand() : base("convert", "convert an STM/image file to .gwy, .npy, .tif or a .png preview")
    {
        Arguments.Add(_input);
        Arguments.Add(_output);
        _channel.AddTo(this);
        Options.Add(_bits);
        Options.Add(_low);
        Options.Add(_high);
    }

    public override string Details => "Single-image formats take one channel: the selected one, else the first forward channel.";

    protected override int Run(ParseResult parse)
    {
        var (channel, direction) = _channel.Read(parse);
        int bits = parse.GetValue(_bits);
        double low = parse.GetValue(_low), high = parse.GetValue(_high);
        string input = parse.GetValue(_input)!, output = parse.GetValue(_output)!;
        if (bits is not (8 or 16)) throw new CliException("--bits must be 8 or 16");
        if (!(low >= 0 && low < high && high <= 100)) throw new CliException("--low and --high must satisfy 0 ≤ low < high ≤ 100");
        string ext = Path.GetExtension(output).ToLowerInvariant();
        if (!StmFile.WritableExtensions.Contains(ext))
            throw new CliException($"unknown output extension '{ext}'; use one of {string.Join(", ", StmFile.WritableExtensions)}");
        if (Path.GetFullPath(input) == Path.GetFullPath(output)) throw new CliException("OUT must differ from IN");

        var doc = StmFile.Read(input);
        foreach (var w in doc.Warnings) Console.Error.WriteLine($"warning: {w}");
        IReadOnlyList<StmImage> images = ext == ".gwy"
            ? ChannelOptions.All(doc, channel, direction, input)
            : [ChannelOptions.One(doc, channel, direction, input)];
        if (ext == ".png") StmFile.WritePng(output, images[0], bits, low, high);
        else StmFile.Write(output, images);
        Console.WriteLine($"wrote {output}: {string.Join(", ", images.Select(i => $"{i.Title} {i.Width}×{i.Height}"))}");
        return 0;
    }
}
