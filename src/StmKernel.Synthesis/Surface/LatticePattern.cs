namespace StmKernel.Synthesis.Surface;

/// <summary>
/// The 2×1 dimer-row corrugation of one terrace as a short cosine series in image coordinates.
/// Components whose frequency along either image axis reaches the Nyquist band are dropped, so the
/// pattern is band-limited like a real scan instead of aliasing into moiré (at 0.195 nm/px the
/// 3.84 Å dimer period along an axis-aligned row is just beyond Nyquist, as in the real images).
/// </summary>
internal sealed class LatticePattern
{
    private readonly double[] _fx, _fy, _phase, _amp;

    /// <summary>Row direction of this terrace (radians from +x).</summary>
    public double RowAngle { get; }

    /// <summary>Phase offsets (px) of the dimer lattice along and across the rows.</summary>
    public double PhaseAlong { get; }

    /// <inheritdoc cref="PhaseAlong"/>
    public double PhaseAcross { get; }

    /// <param name="rowAngle">Row direction (radians from +x).</param>
    /// <param name="rowPeriod">Dimer-row spacing (px).</param>
    /// <param name="dimerPeriod">Dimer spacing along the row (px).</param>
    /// <param name="rowPeakToPeak">Corrugation across rows.</param>
    /// <param name="secondHarmonic">Second harmonic of the row profile relative to the first.</param>
    /// <param name="dimerPeakToPeak">Corrugation along rows.</param>
    /// <param name="beanSkew">Tilt of the dimer beans (−1..1): shifts weight between the two oblique dimer terms.</param>
    /// <param name="tipSigma">Gaussian σ (px) of the tip's transfer function relative to the row fundamental: harmonics and dimers fade, the row corrugation stays.</param>
    /// <param name="phaseAlong">Lattice registration along the rows (px).</param>
    /// <param name="phaseAcross">Lattice registration across the rows (px).</param>
    public LatticePattern(double rowAngle, double rowPeriod, double dimerPeriod, double rowPeakToPeak,
        double secondHarmonic, double dimerPeakToPeak, double beanSkew, double tipSigma, double phaseAlong, double phaseAcross)
    {
        RowAngle = rowAngle;
        PhaseAlong = phaseAlong;
        PhaseAcross = phaseAcross;
        RowPeriod = rowPeriod;
        DimerPeriod = dimerPeriod;
        // (frequency along the row, across the row, amplitude) in the terrace frame. The dimer term
        // is the along-row cosine times the row envelope (1 + cos)/2, expanded into three cosines:
        // bright beans sit on the rows, the troughs stay dark. Unequal oblique terms (skew t) tilt the
        // beans, as an asymmetric tip images the two atoms of a dimer differently.
        double fr = 1 / rowPeriod, fd = 1 / dimerPeriod;
        var terms = new (double Fu, double Fv, double A)[]
        {
            (0, fr, rowPeakToPeak / 2),
            (0, 2 * fr, -rowPeakToPeak / 2 * secondHarmonic), // negative: flat bright tops, narrow dark troughs
            (fd, 0, dimerPeakToPeak / 4),
            (fd, fr, dimerPeakToPeak * (1 + beanSkew) / 8),
            (fd, -fr, dimerPeakToPeak * (1 - beanSkew) / 8),
        };
        var fx = new List<double>(); var fy = new List<double>(); var ph = new List<double>(); var amp = new List<double>();
        double c = Math.Cos(rowAngle), s = Math.Sin(rowAngle);
        foreach (var (fu, fv, a) in terms)
        {
            // u = x c + y s (along), v = −x s + y c (across): fu u + fv v = x (fu c − fv s) + y (fu s + fv c).
            double gx = fu * c - fv * s, gy = fu * s + fv * c;
            if (Math.Abs(gx) >= 0.45 || Math.Abs(gy) >= 0.45 || a == 0) continue;
            fx.Add(2 * Math.PI * gx);
            fy.Add(2 * Math.PI * gy);
            ph.Add(2 * Math.PI * (fu * phaseAlong + fv * phaseAcross));
            // A blunter tip images finer detail with less contrast: the Gaussian transfer function,
            // normalised to 1 at the row frequency so that the drawn row corrugation is what is seen.
            amp.Add(a * Math.Exp(-2 * Math.PI * Math.PI * tipSigma * tipSigma * (fu * fu + fv * fv - fr * fr)));
        }
        _fx = fx.ToArray(); _fy = fy.ToArray(); _phase = ph.ToArray(); _amp = amp.ToArray();
    }

    /// <summary>Dimer-row spacing (px).</summary>
    public double RowPeriod { get; }

    /// <summary>Dimer spacing along a row (px).</summary>
    public double DimerPeriod { get; }

    // Row-by-row evaluation without a cosine per pixel: cos(a + b) = cos a cos b − sin a sin b with
    // a = fx·x tabulated once per column and b = fy·y + φ once per row.
    private double[]? _colCos, _colSin;
    private readonly double[] _rowCos = new double[5], _rowSin = new double[5];
    private int _row = int.MinValue;

    /// <summary>
    /// Height of the pattern at pixel (x, y) of an image <paramref name="width"/> wide, the lattice of
    /// scan line y displaced by <paramref name="shift"/> px along +x (scan jitter; one value per line).
    /// </summary>
    public double HeightAt(int x, int y, int width, double shift)
    {
        int n = _amp.Length;
        if (_colCos is null || _colCos.Length != n * width)
        {
            _colCos = new double[n * width];
            _colSin = new double[n * width];
            for (int i = 0; i < n; i++)
                for (int c = 0; c < width; c++) { _colCos[i * width + c] = Math.Cos(_fx[i] * c); _colSin[i * width + c] = Math.Sin(_fx[i] * c); }
            _row = int.MinValue;
        }
        if (y != _row)
        {
            // A shift d along x is a phase −fx·d of every component: still one cosine per row.
            for (int i = 0; i < n; i++)
            {
                double phase = _fy[i] * y + _phase[i] - _fx[i] * shift;
                _rowCos[i] = Math.Cos(phase);
                _rowSin[i] = Math.Sin(phase);
            }
            _row = y;
        }
        double h = 0;
        for (int i = 0; i < n; i++) h += _amp[i] * (_colCos[i * width + x] * _rowCos[i] - _colSin![i * width + x] * _rowSin[i]);
        return h;
    }

    /// <summary>
    /// The nearest dimer site to (x, y): image coordinates of the site centre and the unit vector
    /// across the row (where the two atoms of the dimer sit).
    /// </summary>
    public (double X, double Y, double AcrossX, double AcrossY) NearestDimer(double x, double y)
    {
        double c = Math.Cos(RowAngle), s = Math.Sin(RowAngle);
        double u = x * c + y * s + PhaseAlong, v = -x * s + y * c + PhaseAcross;
        u = Math.Round(u / DimerPeriod) * DimerPeriod - PhaseAlong;
        v = Math.Round(v / RowPeriod) * RowPeriod - PhaseAcross;
        return (u * c - v * s, u * s + v * c, -s, c);
    }
}
