namespace StmKernel.Imaging.Metrics;

/// <summary>
/// Area under the ROC curve of a score against a binary label: the probability that a randomly drawn
/// positive scores higher than a randomly drawn negative, ties counting one half (the Mann–Whitney U
/// statistic divided by P·N, as sklearn.metrics.roc_auc_score). 1 separates perfectly, 0.5 is chance.
/// </summary>
public static class Auroc
{
    /// <summary>
    /// AUROC of <paramref name="scores"/> for the items whose <paramref name="positive"/> is true, in
    /// O(n log n) (midranks of the sorted scores); NaN when there are no positives or no negatives.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, or a score is NaN.</exception>
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length)
            throw new ArgumentException($"AUROC needs one label per score, got {scores.Length} scores and {positive.Length} labels");
        int n = scores.Length;
        var order = new int[n];
        var keys = new float[n];
        for (int i = 0; i < n; i++)
        {
            if (float.IsNaN(scores[i])) throw new ArgumentException($"AUROC score {i} is NaN; scores must be numbers");
            order[i] = i;
            keys[i] = scores[i];
        }
        Array.Sort(keys, order);

        // Sum of the positives' midranks (1-based): a run of equal scores shares its mean rank, which
        // is exactly what counts a positive–negative tie as one half.
        double rankSum = 0;
        long positives = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            double midrank = (start + 1 + end) / 2.0;
            for (int k = start; k < end; k++)
                if (positive[order[k]])
                {
                    rankSum += midrank;
                    positives++;
                }
            start = end;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
