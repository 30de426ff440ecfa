using System.Globalization;
using System.Text;
using StmKernel.Imaging;
using StmKernel.Orbitals;
using StmKernel.Orbitals.Baselines;
using StmKernel.Orbitals.Evaluation;
using StmKernel.Synthesis;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Networks;

namespace StmKernel.Cli.Orbitals;

/// <summary>
/// The figures of docs/orbitals.md: pentacene and naphthalocyanine (H₂Nc, the paper's flagship; both held-out
/// families) HOMO and LUMO seen by a CO tip (w_p/(w_s + w_p) = 0.8 at 6 Å, 2 % noise), then the s-wave target, the
/// model's reconstruction and the baselines, each scaled by its best affine map onto the target.
/// </summary>
internal static class OrbitalFigures
{
    private static readonly TipModel CoTip = new() { Ws = 0.2, Wp = 0.8 };

    public static void Write(string dir, NetworkModel model, LearnedWiener learned, OrbitalRender grid, WorkerPool pool, StringBuilder report)
    {
        Directory.CreateDirectory(dir);
        var render = grid with { Height0 = 6 };
        report.AppendLine();
        report.AppendLine($"## Figures (CO tip w_p share 0.8, 6 Å, 2 % noise): input | target | {string.Join(" | ", OrbitalEval.Methods)}");
        report.AppendLine();
        report.AppendLine("| molecule | level | " + string.Join(" | ", OrbitalEval.Methods.Select(m => $"SSIM {m}")) + " |");
        report.AppendLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", OrbitalEval.Methods.Length)));
        foreach (var molecule in new[] { Molecule.Acene(5), Porphyrinoids.Naphthalocyanine() })
        {
            var solution = HuckelSolution.Solve(molecule);
            foreach (var (label, orbital) in new[] { ("HOMO", solution.Homo), ("LUMO", solution.Lumo) })
            {
                var maps = render.RenderLevel(solution, solution.LevelOf(orbital));
                var target = Normalised(TipModel.SWave.Image(maps));
                var input = Normalised(CoTip.Image(maps));
                var rng = Rng.Derive(11, orbital);
                for (int i = 0; i < input.Length; i++) input[i] += (float)(0.02 * rng.Normal());
                var outputs = OrbitalEval.Outputs(OrbitalEval.Reconstruct(model, [input], grid.Width, grid.Height, pool)[0], input, CoTip, render, learned);
                var panels = new List<PanelStrip.Panel> { Panel(input, grid), Panel(target, grid, (0, 1)) };
                panels.AddRange(outputs.Select(o => Panel(AffineScore.Fit(target, o), grid, (0, 1))));
                string name = $"{molecule.Name.ToLowerInvariant()}-{label.ToLowerInvariant()}.png";
                var strip = PanelStrip.Compose(panels);
                PngPreview.Write(Path.Combine(dir, name), strip, 0, 1);
                var ssim = outputs.Select(o => AffineScore.Of(target, o, grid.Width, grid.Height).Ssim);
                report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {molecule.Name} | {label} | {string.Join(" | ", ssim.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)))} |"));
            }
        }
    }

    private static PanelStrip.Panel Panel(float[] data, OrbitalRender grid, (float, float)? range = null) =>
        new(new StmImage(data, grid.Width, grid.Height), range);

    private static float[] Normalised(float[] image)
    {
        float max = image.Max();
        for (int i = 0; i < image.Length; i++) image[i] /= max;
        return image;
    }
}
