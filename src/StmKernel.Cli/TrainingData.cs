using StmKernel.Cli.Orbitals;
using StmKernel.Orbitals;
using StmKernel.Synthesis;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.Train.Data;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli;

/// <summary>
/// What `train` feeds the trainer for a task: batches of a given size, and what the model's metadata and the run's
/// provenance record about the data (name, pixel-size range in metres, line flattening, the lattice it shows).
/// </summary>
internal sealed record TrainingData(Func<int, ITrainingBatches> Batches, string Name, (double Min, double Max) PixelSizeRange,
    bool LineFlatten, double[]? LatticePeriods)
{
    /// <summary>Scan degradation pairs (restore, sr2, sr4): the pristine options' source, the paper's degradations for the task's line factor.</summary>
    public static TrainingData Scans(PristineOptions data, ModelTask task, int seed, int crop, double cleanShare, int threads)
    {
        var pairs = new PairSource(data.Build(seed, crop),
            DegradationSettings.Paper(task.LineFactor) with { CropSize = crop, CleanProbability = cleanShare, LineFlatten = data.LineFlatten }, seed);
        return new TrainingData(n => new PairBatches(pairs, n, threads), data.DataName, data.PixelSizeRange, data.LineFlatten, data.LatticePeriods);
    }

    /// <summary>
    /// Orbital pairs (<see cref="OrbitalTask"/>) of the molecule library's train split, validated on its validation split,
    /// at one pixel size (--pixel-nm, default 0.05 nm: a 64² crop spans 32 Å, a naphthalocyanine with its tails).
    /// <paramref name="identityShare"/> (--clean-p, default 0) is the share of pairs whose input is their target.
    /// </summary>
    public static TrainingData Orbitals(PristineOptions data, int seed, int crop, double identityShare, bool shuffledTargets, bool surroundings, int threads)
    {
        if (data.Folder is not null) throw new CliException("--task orbital draws its pairs from the molecule library; --pristine does not apply");
        if (data.LineFlatten) throw new CliException("--task orbital: --line-flatten does not apply (orbital pairs carry no background)");
        var pixel = data.PixelSize ?? ValueRange.Fixed(0.05e-9);
        if (pixel.Min != pixel.Max) throw new CliException($"--task orbital trains at one pixel size: give --pixel-nm A, not a range ({pixel.Min * 1e9}:{pixel.Max * 1e9})");
        var grid = new OrbitalRender { Width = crop, Height = crop, PixelSize = pixel.Min * 1e10 }; // Å
        var library = MoleculeLibrary.Build();
        string name = FormattableString.Invariant($"orbital pairs (molecule library, train split, {grid.PixelSize:0.###} Å/px)") + (surroundings ? ", with surroundings" : "") + (shuffledTargets ? ", shuffled targets (control)" : "")
                      + (identityShare > 0 ? FormattableString.Invariant($", {identityShare:0.##} identity pairs") : "");
        return new TrainingData(n => new OrbitalBatches(library, seed, grid, n, threads, shuffledTargets, surroundings, identityShare), name, (pixel.Min, pixel.Max), LineFlatten: false, LatticePeriods: null);
    }
}
