namespace StmKernel.Sampling;

/// <summary>
/// Fills missing (non-finite) pixels with local values so the network never sees NaN: rings of missing
/// pixels are filled from the outside in, each pixel taking the mean of its already-known 4-neighbours.
/// Filled values stay within the range of the known ones, so they neither poison nor rescale a tile.
/// </summary>
public static class NanFill
{
    /// <summary>
    /// Returns a filled copy of the <paramref name="height"/> × <paramref name="width"/> image and the mask
    /// of pixels that were missing (NaN or ±∞). Throws <see cref="ArgumentException"/> when no pixel is finite.
    /// </summary>
    public static (float[] Filled, bool[] Missing) Fill(ReadOnlySpan<float> image, int height, int width)
    {
        if (image.Length != height * width) throw new ArgumentException($"image has {image.Length} values, not {height}×{width}");
        var filled = image.ToArray();
        var missing = new bool[filled.Length];
        var known = new bool[filled.Length];
        int unknown = 0;
        for (int i = 0; i < filled.Length; i++)
        {
            missing[i] = !float.IsFinite(filled[i]);
            known[i] = !missing[i];
            if (missing[i]) unknown++;
        }
        if (unknown == 0) return (filled, missing);
        if (unknown == filled.Length) throw new ArgumentException("the image has no finite pixel to restore from");

        // Frontier: unknown pixels touching a known one. Each round fills the whole frontier at once
        // (from the previous round's values), so the result does not depend on visiting order.
        var inFrontier = new bool[filled.Length];
        var frontier = new List<int>();
        for (int i = 0; i < filled.Length; i++)
            if (!known[i] && HasKnownNeighbour(known, i, height, width)) { frontier.Add(i); inFrontier[i] = true; }
        var values = new List<float>();
        while (frontier.Count > 0)
        {
            values.Clear();
            foreach (int i in frontier) values.Add(KnownNeighbourMean(filled, known, i, height, width));
            for (int k = 0; k < frontier.Count; k++)
            {
                filled[frontier[k]] = values[k];
                known[frontier[k]] = true;
            }
            var next = new List<int>();
            foreach (int i in frontier)
            {
                int y = i / width, x = i % width;
                Visit(y - 1, x); Visit(y + 1, x); Visit(y, x - 1); Visit(y, x + 1);
            }
            frontier = next;

            void Visit(int y, int x)
            {
                if (y < 0 || y >= height || x < 0 || x >= width) return;
                int j = y * width + x;
                if (known[j] || inFrontier[j]) return;
                inFrontier[j] = true;
                next.Add(j);
            }
        }
        return (filled, missing);
    }

    private static bool HasKnownNeighbour(bool[] known, int i, int h, int w)
    {
        int y = i / w, x = i % w;
        return (y > 0 && known[i - w]) || (y < h - 1 && known[i + w]) || (x > 0 && known[i - 1]) || (x < w - 1 && known[i + 1]);
    }

    private static float KnownNeighbourMean(float[] v, bool[] known, int i, int h, int w)
    {
        int y = i / w, x = i % w;
        double sum = 0;
        int n = 0;
        if (y > 0 && known[i - w]) { sum += v[i - w]; n++; }
        if (y < h - 1 && known[i + w]) { sum += v[i + w]; n++; }
        if (x > 0 && known[i - 1]) { sum += v[i - 1]; n++; }
        if (x < w - 1 && known[i + 1]) { sum += v[i + 1]; n++; }
        return (float)(sum / n);
    }
}
