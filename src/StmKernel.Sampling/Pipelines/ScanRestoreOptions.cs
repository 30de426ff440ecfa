namespace StmKernel.Sampling.Pipelines;

/// <summary>How <see cref="ScanRestorer"/> treats a scan; every field has a usable default.</summary>
public sealed record ScanRestoreOptions
{
    /// <summary>The tiled restore at the model's scale: steps, ensemble, seed, overlap, batch size.</summary>
    public RestoreOptions Restore { get; init; } = new();

    /// <summary>1 restores; 2 or 4 first repeats every scan line that many times for a super-resolution model.</summary>
    public int Factor { get; init; } = 1;

    /// <summary>The scan's pixel size in metres, for a file without a physical size or to override the file's; null: the file's.</summary>
    public double? PixelSize { get; init; }

    /// <summary>Restore even when the scan's lattice is not the model's (default: refuse, see <see cref="PreparedScan.Refusal"/>).</summary>
    public bool AnySurface { get; init; }

    /// <summary>Adds the "invented" channel: where the result probably differs from the truth (docs/uncertainty.md).</summary>
    public bool Check { get; init; }

    /// <summary>The program named first in each channel's "Processing" metadata, e.g. "stmkernel restore".</summary>
    public string Tool { get; init; } = "stmkernel restore";

    /// <summary>Throws <see cref="ArgumentException"/> for values no run can use.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Restore);
        Restore.Validate();
        if (Factor is not (1 or 2 or 4)) throw new ArgumentException($"factor {Factor} must be 1 (restore), 2 or 4 (upscale)");
        if (PixelSize is { } p && !(p > 0 && double.IsFinite(p))) throw new ArgumentException($"pixel size {p} m must be positive and finite");
    }
}
