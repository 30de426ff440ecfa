using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Orbitals;

/// <summary>
/// The orbital-reconstruction task (STM-Net, docs/orbitals.md): a one-pass regressor from a CO-tip image to the s-wave
/// image of the same orbital, at the scan's size. Registered with <see cref="ModelTasks"/> when the CLI starts, so that
/// metadata, training and the restorer accept it.
/// </summary>
internal static class OrbitalTask
{
    /// <summary>The task record ("orbital", line factor 1).</summary>
    public static ModelTask Task { get; } = new("orbital", 1, "reconstruct the s-wave orbital image from a CO-tip image");

    /// <summary>Registers the task (idempotent).</summary>
    public static void Register() => ModelTasks.Register(Task);
}
