using StmKernel.Synthesis.Degradations;

namespace StmKernel.Synthesis.Tests;

/// <summary>The drift warp moves structure by its matrix about the centre, and leaves it alone at identity.</summary>
public class AffineWarpTests
{
    private static Plane Blob(int w, int h, double x0, double y0, double sigma = 2)
    {
        var p = new Plane(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                p.Data[y * w + x] = (float)Math.Exp(-((x - x0) * (x - x0) + (y - y0) * (y - y0)) / (2 * sigma * sigma));
        return p;
    }

    private static (double X, double Y) Centroid(Plane p)
    {
        double sx = 0, sy = 0, s = 0;
        for (int y = 0; y < p.Height; y++)
            for (int x = 0; x < p.Width; x++) { double v = p.Data[y * p.Width + x]; sx += v * x; sy += v * y; s += v; }
        return (sx / s, sy / s);
    }

    [Fact]
    public void IdentityKeepsThePlane()
    {
        var blob = Blob(31, 27, 9.3, 17.1);
        Assert.Equal(blob.Data, new AffineWarp(1, 1, 0, 0).Apply(blob).Data);
    }

    [Theory]
    [InlineData(1.03, 0.97, 0.0, 0.0)]
    [InlineData(1.0, 1.0, 0.03, 0.0)]
    [InlineData(1.0, 1.0, 0.0, 0.2)]
    [InlineData(0.98, 1.02, -0.02, -0.035)]
    public void ABlobMovesToTheMatrixImageOfItsCentre(double sx, double sy, double shear, double rotation)
    {
        const int w = 61, h = 55;
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0, dx = 11.5, dy = -8.25;
        var warped = new AffineWarp(sx, sy, shear, rotation).Apply(Blob(w, h, cx + dx, cy + dy));
        // The independent expectation: p' = c + R·Sh·S·(p − c), written out here.
        double ux = sx * dx + shear * sy * dy, uy = sy * dy;
        double ex = cx + Math.Cos(rotation) * ux - Math.Sin(rotation) * uy, ey = cy + Math.Sin(rotation) * ux + Math.Cos(rotation) * uy;
        var (gx, gy) = Centroid(warped);
        Assert.InRange(gx, ex - 0.05, ex + 0.05);
        Assert.InRange(gy, ey - 0.05, ey + 0.05);
    }

    [Fact]
    public void SampledDriftStaysInItsRange()
    {
        var rng = new Rng(5);
        for (int i = 0; i < 200; i++)
        {
            var d = AffineWarp.Sample(rng);
            Assert.InRange(d.ScaleX, 0.97, 1.03);
            Assert.InRange(d.ScaleY, 0.97, 1.03);
            Assert.InRange(d.Shear, -0.03, 0.03);
            Assert.InRange(d.Rotation, -2 * Math.PI / 180, 2 * Math.PI / 180);
        }
    }
}
