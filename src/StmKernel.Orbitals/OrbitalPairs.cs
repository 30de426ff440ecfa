using StmKernel.Synthesis;
using StmKernel.Synthesis.Degradations;

namespace StmKernel.Orbitals;

/// <summary>Everything one (input, target) pair was drawn with, for the manifest.</summary>
public sealed record OrbitalPairParameters
{
    /// <summary>The molecule's name.</summary>
    public required string Molecule { get; init; }

    /// <summary>The second- and third-neighbour hoppings (eV) of this pair's Hückel model.</summary>
    public required double T2 { get; init; }

    /// <inheritdoc cref="T2"/>
    public required double T3 { get; init; }

    /// <summary>The imaged level counted from the HOMO level: −2 … 0 occupied (HOMO = 0), 1 … 3 empty (LUMO = 1).</summary>
    public required int LevelFromHomo { get; init; }

    /// <summary>Resonance energy E₀ (eV) and Lorentzian width η (eV).</summary>
    public required double Energy { get; init; }

    /// <inheritdoc cref="Energy"/>
    public required double Width { get; init; }

    /// <summary>The input's tip (the target's is the s-wave tip).</summary>
    public required TipModel Tip { get; init; }

    /// <summary>Tip height z₀ (Å), decay constant κ (Å⁻¹), rotation (rad) and offset (Å) of the molecule.</summary>
    public required double Height { get; init; }

    /// <inheritdoc cref="Height"/>
    public required double Kappa { get; init; }

    /// <inheritdoc cref="Height"/>
    public required double Rotation { get; init; }

    /// <inheritdoc cref="Height"/>
    public required (double X, double Y) Offset { get; init; }

    /// <summary>Input-only degradations: white noise σ (of the max), blunt-tip Gaussian σ (px, 0 = none), feedback lag τ (px, 0 = none), line shifts (none when all 0), line offsets σ.</summary>
    public required double Noise { get; init; }

    /// <inheritdoc cref="Noise"/>
    public required double Blur { get; init; }

    /// <inheritdoc cref="Noise"/>
    public required double FeedbackLag { get; init; }

    /// <inheritdoc cref="Noise"/>
    public required int[] LineShifts { get; init; }

    /// <inheritdoc cref="Noise"/>
    public required double LineOffsets { get; init; }

    /// <summary>Drift, background, standing waves and adsorbates, or null for a pair drawn without them.</summary>
    public OrbitalSurroundings? Surroundings { get; init; }

    /// <summary>Constant-current imaging (input and target are topographs z − z₀ at this setpoint), or null: constant height.</summary>
    public ConstantCurrent? ConstantCurrent { get; init; }
}

/// <summary>
/// Training pairs for orbital reconstruction (docs: ../shared/notes/stm-net.md, our choices, not the paper's recipe):
/// the target is the s-wave (Tersoff–Hamann) image of one level of a molecule, the input the same level seen by a
/// functionalised tip, then degraded like a scan. Both are normalised to their maximum. Each pair is drawn from its own
/// stream of the seed, so pair i does not depend on how many were drawn before.
/// </summary>
public static class OrbitalPairs
{
    /// <summary>
    /// Draws pair <paramref name="index"/> of <paramref name="seed"/> for <paramref name="molecule"/> on <paramref name="grid"/>'s
    /// pixels; with <paramref name="surroundings"/> also drift (input and target) and background, standing waves and
    /// adsorbates (input), from a stream of their own, so the rest of the pair is the same as without. With
    /// <paramref name="constantCurrent"/> both images are constant-current topographs (<see cref="ConstantCurrent"/>) and
    /// the substrate's share b is drawn from [0.05, 0.3] on a stream of its own; its other settings are kept.
    /// </summary>
    public static (float[] Input, float[] Target, OrbitalPairParameters Parameters) Draw(Molecule molecule, long seed, long index, OrbitalRender grid,
        bool surroundings = false, ConstantCurrent? constantCurrent = null)
    {
        ArgumentNullException.ThrowIfNull(molecule);
        ArgumentNullException.ThrowIfNull(grid);
        var rng = Rng.Derive(seed, index);
        var hopping = new HuckelParameters { T2 = rng.Uniform(0, 0.25), T3 = rng.Uniform(0, 0.2) };
        var solution = HuckelSolution.Solve(molecule, hopping);

        // 1. the state: a level from HOMO−2 to LUMO+2, as a dI/dV resonance on it
        int homoLevel = solution.LevelIndexOf(solution.Homo);
        int level = Math.Clamp(homoLevel + rng.UniformInt(-2, 3), 0, solution.Levels.Count - 1); // inclusive: HOMO−2 … LUMO+2
        double e0 = solution.Levels[level].Energy, eta = rng.Uniform(0.02, 0.2);
        var (orbitals, weights) = StateWeights.Resonance(solution, e0, eta);

        // 2. the tip: w_p/w_s log-uniform over [0.05, 20], with pure s and pure p cases
        double ratio = Math.Exp(rng.Uniform(Math.Log(0.05), Math.Log(20)));
        double choice = rng.NextDouble();
        var tip = choice < 0.1 ? TipModel.SWave : choice < 0.2 ? TipModel.SWave with { Ws = 0, Wp = 1 } : new TipModel { Ws = 1 / (1 + ratio), Wp = ratio / (1 + ratio) };
        if (rng.Bernoulli(0.3)) tip = tip with { PxShare = rng.Uniform(0.5, 1), PyShare = 1, AxisAngle = rng.Uniform(0, Math.PI) };
        if (rng.Bernoulli(0.2)) tip = tip with { Tilt = rng.Uniform(0, 15 * Math.PI / 180) };

        // 3. geometry: mostly 5-7 Å above the plane, any rotation, ±2 Å offset
        double z = rng.Bernoulli(0.7) ? rng.Uniform(5, 7) : rng.Uniform(4.5, 9);
        var render = grid with
        {
            Height0 = z, Kappa = PzTail.Kappa(rng.Uniform(3.5, 5.5)), Rotation = rng.Uniform(0, 2 * Math.PI),
            Offset = (rng.Uniform(-2, 2), rng.Uniform(-2, 2)),
        };
        float[] target, clean;
        if (constantCurrent is null)
        {
            var maps = render.Render(solution, orbitals, weights);
            (target, clean) = (TipModel.SWave.Image(maps), tip.Image(maps));
        }
        else
        {
            constantCurrent = constantCurrent with { BackgroundShare = Rng.Derive(seed, index, 3).Uniform(0.05, 0.3) };
            var topographs = constantCurrent.Topographs(render, solution, orbitals, weights, [TipModel.SWave, tip]);
            (target, clean) = (topographs[0], topographs[1]);
        }
        target = Normalised(target);
        clean = Normalised(clean);
        var env = surroundings ? OrbitalSurroundings.Sample(Rng.Derive(seed, index, 2), grid) : null;
        if (env is not null)
        {
            target = env.Drift.Apply(new Plane(grid.Width, grid.Height, target)).Data;
            clean = env.Drift.Apply(new Plane(grid.Width, grid.Height, clean)).Data;
        }

        // 4. input-only degradations
        var p = new OrbitalPairParameters
        {
            Molecule = molecule.Name, T2 = hopping.T2, T3 = hopping.T3, LevelFromHomo = level - homoLevel, Energy = e0, Width = eta, Tip = tip, Height = z,
            Kappa = render.Kappa, Rotation = render.Rotation, Offset = render.Offset,
            Noise = rng.Uniform(0, 0.05), Blur = rng.Bernoulli(0.3) ? rng.Uniform(0.3, 1.0) : 0,
            FeedbackLag = rng.Bernoulli(0.3) ? rng.Uniform(0.2, 1.5) : 0,
            LineShifts = rng.Bernoulli(0.3) ? ScanLineMisalignment.Sample(rng, grid.Height, 0.8) : new int[grid.Height],
            LineOffsets = rng.Bernoulli(0.5) ? rng.Uniform(0, 0.03) : 0,
            Surroundings = env, ConstantCurrent = constantCurrent,
        };
        var input = Degrade(clean, grid.Width, grid.Height, p, rng);
        if (env is not null)
        {
            var field = env.Field(grid);
            for (int i = 0; i < input.Length; i++) input[i] += field[i];
        }
        return (input, target, p);
    }

    /// <summary>Blunt tip, feedback lag along the fast axis, line shifts, line offsets, then white noise.</summary>
    private static float[] Degrade(float[] image, int width, int height, OrbitalPairParameters p, Rng rng)
    {
        var plane = new Plane(width, height, image);
        if (p.Blur > 0) plane = BluntTip.Apply(plane, p.Blur);
        if (p.FeedbackLag > 0)
        {
            // A causal exponential along each line: the feedback loop follows the surface a little late.
            double a = Math.Exp(-1 / p.FeedbackLag);
            for (int y = 0; y < height; y++)
            {
                var row = plane.Row(y);
                for (int x = 1; x < width; x++) row[x] = (float)(a * row[x - 1] + (1 - a) * row[x]);
            }
        }
        plane = ScanLineMisalignment.Apply(plane, p.LineShifts);
        for (int y = 0; y < height; y++)
        {
            float offset = (float)(p.LineOffsets * rng.Normal());
            var row = plane.Row(y);
            for (int x = 0; x < width; x++) row[x] += offset + (float)(p.Noise * rng.Normal());
        }
        return plane.Data;
    }

    private static float[] Normalised(float[] image)
    {
        float max = image.Max();
        if (!(max > 0)) throw new InvalidOperationException("a rendered image has no positive pixel (the molecule is outside the field?)");
        for (int i = 0; i < image.Length; i++) image[i] /= max;
        return image;
    }
}
