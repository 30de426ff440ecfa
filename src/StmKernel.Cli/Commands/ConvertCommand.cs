using StmKernel.Imaging;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel convert IN OUT`: any readable file to .gwy, .npy, float TIFF or PNG preview.</summary>
public sealed class ConvertCommand : ICliCommand
{
    public string Name => "convert";
    public string Summary => "convert an STM/image file to .gwy, .npy, .tif or a .png preview";
    public string Usage => $"""
        usage: stmkernel convert IN OUT [--channel NAME] [--direction fwd|bwd] [--bits 8|16] [--low P] [--high P]

        The output format follows OUT's extension: .gwy (all channels, or the selected ones, with
        physical sizes and units), .npy (float32), .tif/.tiff (float32), .png (grayscale preview
        stretched between the --low and --high percentiles, default 0.5 and 99.5; --bits 8 or 16).
        Single-image formats take one channel: the selected one, else the first forward channel.
        OUT is written through a temporary file and never replaces IN.
        {ChannelOptions.Help}
        """;

    public int Run(ArgReader args)
    {
        var (channel, direction) = ChannelOptions.Read(args);
        int bits = args.Int("bits", 8, 8, 16);
        double low = args.Double("low", 0.5), high = args.Double("high", 99.5);
        args.EnsureAllUsed();
        if (args.Positionals.Count != 2) throw new CliException("expected IN and OUT");
        string input = args.Positionals[0], output = args.Positionals[1];
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
