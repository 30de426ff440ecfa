namespace StmKernel.Synthesis.Surface;

/// <summary>
/// Procedural pristine Si(001):H 2×1 topography in filled states: dimer rows on terraces separated by
/// single-layer steps (rows rotated 90° across each), straight S_A and kinked S_B edges, dangling
/// bonds, dimer vacancies and 1+2 complexes, bright clusters, etch pits and an instrument noise
/// floor; since issue 15 also a per-image tip-dependent row and dimer profile, line-to-line lattice
/// jitter, dangling-bond chains, multi-lobe bright and dark clusters and charge halos.
/// Every feature draws from its own derived stream (Rng.Derive(seed, k)), so adding or
/// switching off one leaves the others' draws unchanged. Deterministic: the same parameters and seed give the same surface, bit for bit.
/// </summary>
public static class SiH2x1Generator
{
    /// <summary>Surface sites of Si(001) per square metre (6.78×10¹⁴ cm⁻²).</summary>
    public const double SitesPerSquareMetre = 6.78e18;

    /// <summary>Generates one surface.</summary>
    public static PristineSurface Generate(SurfaceParameters parameters, long seed)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        var rng = new Rng(seed);
        var sp = parameters;
        double px = sp.PixelSize;
        int w = sp.Width, h = sp.Height;

        double rowAngle = sp.LatticeAngleDegrees ?? ((rng.Bernoulli(0.5) ? 0 : 45) + rng.Uniform(-3, 3));
        double miscut = sp.MiscutDegrees.Sample(rng);
        double downhill = sp.MiscutDirectionDegrees ?? rng.Uniform(0, 360);
        double rowPtp = sp.RowCorrugation.Sample(rng);
        double dimerPtp = sp.DimerCorrugation.Sample(rng);
        double terraceWidthPx = miscut > 0 && sp.StepHeight > 0
            ? sp.StepHeight / Math.Tan(miscut * Math.PI / 180) / px
            : double.PositiveInfinity;

        double rowRad = rowAngle * Math.PI / 180, downRad = downhill * Math.PI / 180;
        double RowAngleOf(int n) => rowRad + (((n % 2) + 2) % 2) * Math.PI / 2;
        // S_A: rows of the upper terrace (n = k − 1) run parallel to the edge (perpendicular to downhill).
        bool IsStraight(int k) => Math.Abs(Math.Cos(RowAngleOf(k - 1) - (downRad + Math.PI / 2))) >= Math.Sqrt(0.5);
        var steps = new StepField(w, h, downRad, terraceWidthPx, IsStraight,
            (k, straight, len) => EdgeProfile(Rng.Derive(seed, 1, k), straight, len, sp, terraceWidthPx));

        // The tip is one per image: the same row profile and bean tilt on every terrace.
        var tip = Rng.Derive(seed, 6);
        double secondHarmonic = sp.RowSecondHarmonic + tip.Uniform(-sp.RowSecondHarmonicSpread, sp.RowSecondHarmonicSpread);
        double beanSkew = sp.BeanSkew.Sample(tip);
        double tipSigma = sp.TipBlurSigma.Sample(tip);
        var jitter = LatticeJitter.Draw(Rng.Derive(seed, 7), h, sp);

        var patterns = new Dictionary<int, LatticePattern>();
        LatticePattern PatternOf(int n)
        {
            if (patterns.TryGetValue(n, out var p)) return p;
            var r = Rng.Derive(seed, 2, n);
            double rowPx = sp.DimerRowSpacing / px, dimerPx = sp.DimerSpacing / px;
            p = new LatticePattern(RowAngleOf(n), rowPx, dimerPx, rowPtp, secondHarmonic, dimerPtp, beanSkew, tipSigma / px,
                r.Uniform(0, dimerPx), r.Uniform(0, rowPx));
            patterns[n] = p;
            return p;
        }

        var pits = EtchPits.Place(Rng.Derive(seed, 3), w, h, px, sp.EtchPitDensity);
        var heights = new Plane(w, h);
        var terrace = new int[w * h];
        double edgePx = sp.StepEdgeWidth / px;
        int lastTerrace = int.MinValue;
        LatticePattern? pattern = null;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                var (n, level, downhillPos) = steps.Locate(x, y, edgePx);
                var (pitDepth, inPit) = pits.Depth(x, y, edgePx);
                n += inPit ? 1 : 0;
                level += pitDepth;
                double z = -sp.StepHeight * level;
                if (sp.LevelMiscut && !double.IsInfinity(terraceWidthPx)) z += sp.StepHeight * downhillPos / terraceWidthPx;
                if (n != lastTerrace) { pattern = PatternOf(n); lastTerrace = n; }
                z += pattern!.HeightAt(x, y, w, jitter[y]);
                heights[y, x] = (float)z;
                terrace[y * w + x] = n;
            }
        }

        var lattice = new LatticeSites(terrace, w, h, PatternOf);
        var counts = PointDefects.Render(Rng.Derive(seed, 4), heights, lattice, sp);
        var chains = DanglingBondChains.Render(Rng.Derive(seed, 8), heights, lattice, sp);
        int adsorbates = Clusters.Render(Rng.Derive(seed, 9), heights, sp, sp.AdsorbateDensity, sp.AdsorbateHeight, +1);
        int darkClusters = Clusters.Render(Rng.Derive(seed, 10), heights, sp, sp.DarkClusterDensity, sp.DarkClusterDepth, -1);
        int halos = ChargeHalos.Render(Rng.Derive(seed, 11), heights, sp);
        AddNoise(Rng.Derive(seed, 5), heights, sp);
        var description = new SurfaceDescription(seed, rowAngle, miscut, downhill, terraceWidthPx * px, rowPtp, dimerPtp,
            counts.DanglingBonds, counts.Vacancies, counts.Clusters, pits.Count)
        {
            RowSecondHarmonic = secondHarmonic, BeanSkew = beanSkew, TipBlurSigma = tipSigma, DanglingBondChains = chains.Chains,
            ChainDanglingBonds = chains.DanglingBonds, Adsorbates = adsorbates, DarkClusters = darkClusters, ChargeHalos = halos,
        };
        return new PristineSurface(heights, px, terrace, description);
    }

    /// <summary>
    /// Displacement δ(q) of one edge, in px: piecewise constant between kinks (exponential spacing),
    /// each kink a jump of whole dimer rows, reflected back when it would leave the allowed band.
    /// </summary>
    private static float[] EdgeProfile(Rng rng, bool straight, int length, SurfaceParameters sp, double terraceWidthPx)
    {
        double px = sp.PixelSize;
        double spacing = (straight ? sp.StraightEdgeKinkSpacing : sp.RoughEdgeKinkSpacing) / px;
        double maxExcursion = Math.Min((straight ? 0.25 : 1.0) * sp.RoughEdgeMaxExcursion / px, 0.4 * terraceWidthPx);
        // Edge positions are quantised by the lattice along the downhill direction: whole rows for an
        // S_A edge (rows parallel to it), whole dimers for an S_B edge (rows end on it at different lengths).
        double jumpUnit = (straight ? sp.DimerRowSpacing : sp.DimerSpacing) / px;
        int maxJump = straight ? 1 : 4;
        var d = new float[length];
        double value = rng.Uniform(-maxExcursion, maxExcursion) / 2;
        double nextKink = rng.Exponential(spacing);
        for (int i = 0; i < length; i++)
        {
            while (i >= nextKink)
            {
                double jump = rng.UniformInt(1, maxJump) * jumpUnit * (rng.Bernoulli(0.5) ? 1 : -1);
                if (Math.Abs(value + jump) > maxExcursion) jump = -jump;
                if (Math.Abs(value + jump) <= maxExcursion) value += jump;
                nextKink += Math.Max(1, rng.Exponential(spacing));
            }
            d[i] = (float)value;
        }
        return d;
    }

    private static void AddNoise(Rng rng, Plane heights, SurfaceParameters sp)
    {
        for (int y = 0; y < heights.Height; y++)
        {
            float line = (float)(sp.LineNoiseRms * rng.Normal());
            var row = heights.Row(y);
            for (int x = 0; x < row.Length; x++) row[x] += line + (float)(sp.NoiseRms * rng.Normal());
        }
    }
}
