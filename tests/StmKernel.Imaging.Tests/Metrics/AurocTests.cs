using StmKernel.Imaging.Metrics;

namespace StmKernel.Imaging.Tests.Metrics;

public class AurocTests
{
    /// <summary>The definition, by counting every positive–negative pair: 1 if the positive scores higher, ½ on a tie.</summary>
    private static double PairCount(float[] scores, bool[] positive)
    {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (!positive[i]) continue;
            for (int j = 0; j < scores.Length; j++)
            {
                if (positive[j]) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        return wins / pairs;
    }

    [Theory]
    [InlineData(1, 101, 0.3, 0)]     // continuous scores: no ties
    [InlineData(2, 333, 0.1, 5)]     // scores on 5 levels: many ties, few positives
    [InlineData(3, 77, 0.6, 2)]      // two levels only
    public void MatchesPairCountingOnRandomData(int seed, int n, double positiveRate, int levels)
    {
        var rng = new Random(seed);
        var scores = new float[n];
        var positive = new bool[n];
        for (int i = 0; i < n; i++)
        {
            positive[i] = rng.NextDouble() < positiveRate;
            // Positives lean higher so the AUROC is far from ½ and a sign error would show.
            double s = rng.NextDouble() + (positive[i] ? 0.3 : 0);
            scores[i] = levels > 0 ? MathF.Floor((float)s * levels) : (float)s;
        }
        double expected = PairCount(scores, positive);
        Assert.InRange(expected, 0.6, 0.99);
        Assert.Equal(expected, Auroc.Compute(scores, positive), 12);
    }

    [Fact]
    public void HandComputedCases()
    {
        // Perfect, reversed, all tied.
        Assert.Equal(1.0, Auroc.Compute([0.1f, 0.2f, 0.9f], [false, false, true]));
        Assert.Equal(0.0, Auroc.Compute([0.9f, 0.2f, 0.1f], [false, true, true]));
        Assert.Equal(0.5, Auroc.Compute([3f, 3f, 3f, 3f, 3f], [true, false, true, false, false]));
        // Positives {2, 5}, negatives {1, 2, 4}: pairs won 1 + ½ + 0 (score 2) and 1 + 1 + 1 (score 5) = 4.5 of 6.
        Assert.Equal(0.75, Auroc.Compute([2f, 1f, 2f, 5f, 4f], [true, false, false, true, false]));
    }

    [Fact]
    public void OneClassOnlyIsUndefined()
    {
        Assert.True(double.IsNaN(Auroc.Compute([1f, 2f, 3f], [true, true, true])));
        Assert.True(double.IsNaN(Auroc.Compute([1f, 2f, 3f], [false, false, false])));
        Assert.True(double.IsNaN(Auroc.Compute([], [])));
    }

    [Fact]
    public void RejectsMismatchedLengthsAndNaN()
    {
        var e = Assert.Throws<ArgumentException>(() => Auroc.Compute([1f, 2f, 3f], [true, false]));
        Assert.Contains("3 scores and 2 labels", e.Message);
        e = Assert.Throws<ArgumentException>(() => Auroc.Compute([1f, float.NaN], [true, false]));
        Assert.Contains("score 1 is NaN", e.Message);
    }
}
