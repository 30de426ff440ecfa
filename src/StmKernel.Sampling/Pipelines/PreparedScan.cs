using StmKernel.Imaging;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Pipelines;

/// <summary>
/// A scan made ready for the model by <see cref="ScanRestorer.Prepare"/>: conditioned, line-upsampled and
/// resampled to the model's pixel size, with the lattice verdict, before any network runs, so a caller can
/// report the scale and the verdict (or refuse) first.
/// </summary>
public sealed class PreparedScan
{
    /// <summary>The channel as read from the file.</summary>
    public required StmImage Source { get; init; }

    /// <summary>The input on the output's grid [H, W]: conditioned as the model was trained (line flattening) and, when upscaling, with every line repeated.</summary>
    public required Tensor Input { get; init; }

    /// <summary>The same at the model's pixel size [h, w]: what the tiled restore sees.</summary>
    public required Tensor ModelInput { get; init; }

    /// <summary>The resampling between the scan's and the model's pixel size.</summary>
    public required ScanScale Scale { get; init; }

    /// <summary>True when neither the file nor <see cref="ScanRestoreOptions.PixelSize"/> gave a pixel size: the model's own scale was assumed, no lattice check ran.</summary>
    public required bool PixelSizeAssumed { get; init; }

    /// <summary>The lattice found at the model's scale against the model's; null when the model records no lattice or the size was assumed.</summary>
    public LatticeVerdict? Lattice { get; init; }

    /// <summary>Why the scan will not be restored (its lattice is not the model's and <see cref="ScanRestoreOptions.AnySurface"/> is off), in the words of the `stmkernel` options; null when it will.</summary>
    public string? Refusal { get; init; }

    /// <summary>Tiles × ensemble members: the total of the restore's progress callback.</summary>
    public required int WorkItems { get; init; }

    /// <summary>The scale for people: e.g. "0.063 nm/px (as scanned)", or "unknown: used as it is" when assumed.</summary>
    public string ScaleText => PixelSizeAssumed ? "unknown: used as it is" : Scale.Describe(Input.Dim(0), Input.Dim(1), ModelInput.Dim(0), ModelInput.Dim(1));
}
