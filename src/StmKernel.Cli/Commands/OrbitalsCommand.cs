using System.CommandLine;
using StmKernel.Cli.Orbitals;

namespace StmKernel.Cli.Commands;

/// <summary>
/// `stmkernel orbitals synth|reconstruct|eval`: molecular-orbital reconstruction from CO-tip images (STM-Net,
/// docs/orbitals.md). Training is `stmkernel train --task orbital`; the actions here make data, apply a model and score it.
/// </summary>
public sealed class OrbitalsCommand : Command
{
    /// <summary>The model used without --model.</summary>
    public const string DefaultModel = "orbital-small";

    public OrbitalsCommand() : base("orbitals", "molecular-orbital reconstruction (STM-Net): synth pairs, reconstruct CO-tip images, eval")
    {
        Subcommands.Add(new OrbitalSynth());
        Subcommands.Add(new OrbitalReconstruct());
        Subcommands.Add(new OrbitalEval());
    }
}
