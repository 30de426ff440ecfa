using System.CommandLine;
using StmKernel.Cli.Commands;

namespace StmKernel.Cli.Orbitals;

/// <summary>`stmkernel orbitals reconstruct IN... -o OUT`: the s-wave orbital image of CO-tip scans, with an orbital model.</summary>
internal sealed class OrbitalReconstruct : CliCommand
{
    private readonly RestoreRunOptions _options = new($"{OrbitalsCommand.DefaultModel} (from the weights folders)");

    public OrbitalReconstruct() : base("reconstruct", "reconstruct the s-wave (Tersoff-Hamann) orbital image from CO-tip STM or dI/dV images") =>
        _options.AddTo(this);

    public override string Details => """
        One pass per tile, the scan resampled to the model's pixel size and back, so the output keeps the input's
        physical size and unit. Writes NAME.orbital.gwy (+ PNG preview).
        Training: stmkernel train --task orbital --method ae --preset tiny --crop 64 ... (see stmkernel train --help).
        """;

    protected override int Run(ParseResult parse) =>
        new RestoreRun(parse, _options, "orbitals reconstruct", OrbitalTask.Task, OrbitalsCommand.DefaultModel).Execute();
}
