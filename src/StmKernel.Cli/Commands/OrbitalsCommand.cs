using StmKernel.Cli.Orbitals;

namespace StmKernel.Cli.Commands;

/// <summary>
/// `stmkernel orbitals synth|train|reconstruct|eval`: molecular-orbital reconstruction from CO-tip images (STM-Net,
/// docs/orbitals.md). Training is `stmkernel train --task orbital`; the actions here make data, apply a model and score it.
/// </summary>
public sealed class OrbitalsCommand : ICliCommand
{
    /// <summary>The model used without --model.</summary>
    public const string DefaultModel = "orbital-small";

    public string Name => "orbitals";

    public string Summary => "molecular-orbital reconstruction (STM-Net): synth pairs, reconstruct CO-tip images, eval";

    public string Usage => $"""
        {OrbitalSynth.Usage}

        usage: stmkernel orbitals reconstruct IN... -o OUT_DIR_or_FILE [--model NAME|FILE] [restore options]
          Reconstructs the s-wave (Tersoff-Hamann) orbital image from CO-tip STM or dI/dV images (.npy, .sxm, .gwy,
          any format stmkernel reads) with an orbital model (default {DefaultModel}): one pass per tile, the scan
          resampled to the model's pixel size and back, so the output keeps the input's physical size and unit.
          Writes NAME.orbital.gwy (+ PNG preview).
        {RestoreRun.OptionsHelp}{ChannelOptions.Help}

        {OrbitalEval.Usage}
          Training: stmkernel train --task orbital --method ae --preset tiny --crop 64 ... (see stmkernel train --help).
        """;

    public int Run(ArgReader args) => args.TakeAction() switch
    {
        "synth" => OrbitalSynth.Run(args),
        "reconstruct" => new RestoreRun(args, "orbitals reconstruct", OrbitalTask.Task, DefaultModel).Execute(),
        "eval" => OrbitalEval.Run(args),
        null => throw new CliException("give an action: synth, reconstruct or eval"),
        var other => throw new CliException($"unknown orbitals action '{other}' (expected synth, reconstruct or eval)"),
    };
}
