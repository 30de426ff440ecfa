using System.Globalization;

namespace StmKernel.Synthesis.Pairs;

/// <summary>
/// A committed list of real pristine scans: which split each file belongs to and its (estimated)
/// pixel size. CSV with a header <c>file,split,nm_per_px</c>; lines starting with '#' are comments;
/// file paths are relative to the data folder; split is train, validation, test, or any other word
/// (for example "degraded") for files that are never drawn as pristine images.
/// </summary>
public sealed class RealScanManifest
{
    /// <summary>One listed file.</summary>
    /// <param name="File">Path relative to the data folder.</param>
    /// <param name="Split">Its split, or null when it is never a pristine image (e.g. a degraded frame).</param>
    /// <param name="PixelSize">Pixel size in metres; null when unknown.</param>
    public sealed record Entry(string File, DataSplit? Split, double? PixelSize);

    /// <summary>The listed files, in file order.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Where the manifest was read from.</summary>
    public string Path { get; }

    private RealScanManifest(string path, IReadOnlyList<Entry> entries)
    {
        Path = path;
        Entries = entries;
    }

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="InvalidDataException">Missing file, wrong header, bad split or pixel size (message names file and line).</exception>
    public static RealScanManifest Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: split manifest not found");
        var entries = new List<Entry>();
        bool header = false;
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split(',');
            if (!header)
            {
                if (f.Length < 3 || f[0] != "file" || f[1] != "split" || f[2] != "nm_per_px")
                    throw new InvalidDataException($"{path}:{lineNo}: expected the header 'file,split,nm_per_px', got '{line}'");
                header = true;
                continue;
            }
            if (f.Length < 3) throw new InvalidDataException($"{path}:{lineNo}: expected 3 fields (file,split,nm_per_px), got {f.Length}");
            DataSplit? split = f[1] switch { "train" => DataSplit.Train, "validation" => DataSplit.Validation, "test" => DataSplit.Test, _ => null };
            double? pixel = null;
            if (f[2].Length > 0)
            {
                if (!double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double nm) || !(nm > 0) || !double.IsFinite(nm))
                    throw new InvalidDataException($"{path}:{lineNo}: nm_per_px must be a positive number, got '{f[2]}'");
                pixel = nm * 1e-9;
            }
            entries.Add(new Entry(f[0], split, pixel));
        }
        if (!header) throw new InvalidDataException($"{path}: no header line 'file,split,nm_per_px'");
        return new RealScanManifest(path, entries);
    }

    /// <summary>The entries of one split, in file order.</summary>
    public IReadOnlyList<Entry> Of(DataSplit split) => Entries.Where(e => e.Split == split).ToArray();
}
