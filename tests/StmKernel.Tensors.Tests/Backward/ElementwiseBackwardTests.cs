using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;
using static StmKernel.Tensors.Tests.Backward.FiniteDifference;

namespace StmKernel.Tensors.Tests.Backward;

public class ElementwiseBackwardTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UpsampleSumsEach2x2Block(bool accumulate)
    {
        const int n = 2, c = 19, h = 3, w = 5;
        var x = Random(n * c * h * w, 31);
        var r = Random(n * c * 4 * h * w, 32);
        double Loss()
        {
            double s = 0;
            for (int i = 0; i < n * c; i++)
                for (int y = 0; y < 2 * h; y++)
                    for (int xx = 0; xx < 2 * w; xx++)
                        s += x[(i * h + y / 2) * w + xx / 2] * r[(i * 2 * h + y) * 2 * w + xx];
            return s;
        }
        var prior = Random(x.Length, 33);
        var dx = accumulate ? Blocked(prior, n, c, h, w) : new BlockedTensor(n, c, h, w);
        new Upsample2xBackward(Blocked(r, n, c, 2 * h, 2 * w), dx, accumulate).Run(WorkerPool.Inline);
        var got = Plain(dx);
        if (accumulate) for (int i = 0; i < got.Length; i++) got[i] -= (float)prior[i];
        Assert.InRange(WorstRelative(got, Gradient(x, Loss)), 0, 1e-5);
    }

    [Theory]
    [InlineData(16, 32, false, true)]  // whole blocks (every U-Net concat)
    [InlineData(5, 13, true, false)]   // lane-shifted channels
    public void ConcatSplitsTheGradient(int ca, int cb, bool accA, bool accB)
    {
        const int n = 2, h = 3, w = 4;
        var a = Random(n * ca * h * w, 41);
        var b = Random(n * cb * h * w, 42);
        var r = Random(n * (ca + cb) * h * w, 43);
        double Loss()
        {
            double s = 0;
            int hw = h * w;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < ca * hw; j++) s += a[i * ca * hw + j] * r[i * (ca + cb) * hw + j];
                for (int j = 0; j < cb * hw; j++) s += b[i * cb * hw + j] * r[i * (ca + cb) * hw + ca * hw + j];
            }
            return s;
        }
        var priorA = Random(a.Length, 44);
        var priorB = Random(b.Length, 45);
        var da = accA ? Blocked(priorA, n, ca, h, w) : new BlockedTensor(n, ca, h, w);
        var db = accB ? Blocked(priorB, n, cb, h, w) : new BlockedTensor(n, cb, h, w);
        new ConcatBackward(Blocked(r, n, ca + cb, h, w), da, db, accA, accB).Run(new WorkerPool(2));
        var ga = Plain(da);
        var gb = Plain(db);
        if (accA) for (int i = 0; i < ga.Length; i++) ga[i] -= (float)priorA[i];
        if (accB) for (int i = 0; i < gb.Length; i++) gb[i] -= (float)priorB[i];
        Assert.InRange(WorstRelative(ga, Gradient(a, Loss)), 0, 1e-5);
        Assert.InRange(WorstRelative(gb, Gradient(b, Loss)), 0, 1e-5);
    }

    [Fact]
    public void AddPassesTheGradientToBothOperands()
    {
        const int n = 2, c = 17, h = 3, w = 2;
        var a = Random(n * c * h * w, 51);
        var b = Random(a.Length, 52);
        var r = Random(a.Length, 53);
        double Loss()
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += (a[i] + b[i]) * r[i];
            return s;
        }
        var dy = Blocked(r, n, c, h, w);
        var da = new BlockedTensor(n, c, h, w);
        var prior = Random(b.Length, 54);
        var db = Blocked(prior, n, c, h, w);
        new AddInto(dy, da, accumulate: false).Run(WorkerPool.Inline);
        new AddInto(dy, db, accumulate: true).Run(WorkerPool.Inline);
        var gb = Plain(db);
        for (int i = 0; i < gb.Length; i++) gb[i] -= (float)prior[i];
        Assert.InRange(WorstRelative(Plain(da), Gradient(a, Loss)), 0, 1e-5);
        Assert.InRange(WorstRelative(gb, Gradient(b, Loss)), 0, 1e-5);
    }

    [Fact]
    public void SiluBackwardMatchesFiniteDifferences()
    {
        var x = Random(300, 61, 6);
        var r = Random(300, 62);
        double Loss()
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += DoubleOps.Silu(x[i]) * r[i];
            return s;
        }
        var dx = new float[x.Length];
        SiluBackward.Apply(ToFloat(x), ToFloat(r), dx);
        Assert.InRange(WorstRelative(dx, Gradient(x, Loss)), 0, 1e-5);

        // The blocked form over whole buffers.
        var xb = Blocked(x[..60], 2, 5, 3, 2);
        var dyb = Blocked(r[..60], 2, 5, 3, 2);
        var dxb = new BlockedTensor(2, 5, 3, 2);
        SiluBackward.Apply(xb, dyb, dxb);
        var expect = new float[60];
        SiluBackward.Apply(ToFloat(x[..60]), ToFloat(r[..60]), expect);
        Assert.Equal(expect, Plain(dxb));
    }

    [Fact]
    public void LinearBackwardMatchesFiniteDifferences()
    {
        const int batch = 3, fin = 7, fout = 5;
        var x = Random(batch * fin, 71);
        var wt = Random(fin * fout, 72);
        var b = Random(fout, 73);
        var r = Random(batch * fout, 74);
        double Loss()
        {
            double s = 0;
            for (int i = 0; i < batch; i++)
                for (int o = 0; o < fout; o++)
                {
                    double y = b[o];
                    for (int j = 0; j < fin; j++) y += wt[o * fin + j] * x[i * fin + j];
                    s += y * r[i * fout + o];
                }
            return s;
        }
        var dw = new float[wt.Length];
        var db = new float[fout];
        var dx = new float[x.Length];
        Array.Fill(dx, 0.25f);
        LinearBackward.Apply(ToFloat(x), ToFloat(wt), ToFloat(r), dw, db, dx, batch, fin, fout, accumulateInput: true);
        for (int i = 0; i < dx.Length; i++) dx[i] -= 0.25f;
        Assert.InRange(WorstRelative(dw, Gradient(wt, Loss)), 0, 1e-5);
        Assert.InRange(WorstRelative(db, Gradient(b, Loss)), 0, 1e-5);
        Assert.InRange(WorstRelative(dx, Gradient(x, Loss)), 0, 1e-5);
    }
}
