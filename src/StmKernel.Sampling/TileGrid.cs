namespace StmKernel.Sampling;

/// <summary>
/// Where the tiles of a restoration go and how they are blended. Along each axis of length L the
/// grid has n = 1 tile when L ≤ T (the image is padded up to T) and n = ⌈(L − O)/(T − O)⌉ tiles
/// otherwise, spread evenly from 0 to L − T, so every tile lies inside the image and neighbours
/// overlap by at least the requested O pixels. Each tile is weighted by a separable squared-cosine
/// window: 1 inside, sin² rising across the whole overlap with the previous tile, cos² falling across the
/// overlap with the next one, 1 at image borders. Where two tiles overlap, cos² + sin² = 1, so on a
/// regular grid the raw weights already sum to one; the restorer still divides by the accumulated
/// weight (<see cref="AccumulatedWeights"/>) so the blend is a partition of unity on every geometry.
/// </summary>
public sealed class TileGrid
{
    private readonly int[] _ys;
    private readonly int[] _xs;

    /// <summary>Plans the tiles for an image of <paramref name="imageHeight"/> × <paramref name="imageWidth"/>.</summary>
    /// <param name="imageHeight">Rows of the image (≥ 1).</param>
    /// <param name="imageWidth">Columns of the image (≥ 1).</param>
    /// <param name="tileSize">T, the square tile side (the training crop, 128).</param>
    /// <param name="overlap">O, the minimum overlap between neighbours, 0 ≤ O &lt; T.</param>
    public TileGrid(int imageHeight, int imageWidth, int tileSize, int overlap)
    {
        if (imageHeight < 1 || imageWidth < 1)
            throw new ArgumentException($"image size {imageWidth}×{imageHeight} must be at least 1×1");
        if (tileSize < 1) throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "tile size must be ≥ 1");
        if (overlap < 0 || overlap >= tileSize)
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"overlap must be in 0 … {tileSize - 1}");
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
        TileSize = tileSize;
        Overlap = overlap;
        Height = Math.Max(imageHeight, tileSize);
        Width = Math.Max(imageWidth, tileSize);
        _ys = Origins(Height, tileSize, overlap);
        _xs = Origins(Width, tileSize, overlap);
    }

    /// <summary>Rows of the image.</summary>
    public int ImageHeight { get; }

    /// <summary>Columns of the image.</summary>
    public int ImageWidth { get; }

    /// <summary>Rows of the working area: the image height, or T when the image is shorter.</summary>
    public int Height { get; }

    /// <summary>Columns of the working area: the image width, or T when the image is narrower.</summary>
    public int Width { get; }

    /// <summary>T.</summary>
    public int TileSize { get; }

    /// <summary>The requested minimum overlap O.</summary>
    public int Overlap { get; }

    /// <summary>Top rows of the tile rows.</summary>
    public IReadOnlyList<int> TileYs => _ys;

    /// <summary>Left columns of the tile columns.</summary>
    public IReadOnlyList<int> TileXs => _xs;

    /// <summary>Number of tiles: rows × columns; tile index = row·columns + column.</summary>
    public int Count => _ys.Length * _xs.Length;

    /// <summary>Tiles needed along an axis of <paramref name="length"/> pixels.</summary>
    public static int TilesAlong(int length, int tileSize, int overlap) =>
        length <= tileSize ? 1 : (length - overlap + (tileSize - overlap) - 1) / (tileSize - overlap);

    /// <summary>Top-left corner of tile <paramref name="index"/>.</summary>
    public (int Y, int X) Origin(int index) => (_ys[index / _xs.Length], _xs[index % _xs.Length]);

    /// <summary>The tile's 1-D window along y (length T).</summary>
    public float[] WindowY(int index) => Window(_ys, index / _xs.Length, TileSize);

    /// <summary>The tile's 1-D window along x (length T).</summary>
    public float[] WindowX(int index) => Window(_xs, index % _xs.Length, TileSize);

    /// <summary>Σ over tiles of the raw windows, [Height × Width] row-major; one on a regular grid.</summary>
    public float[] AccumulatedWeights()
    {
        var sum = new float[Height * Width];
        for (int i = 0; i < Count; i++)
        {
            var (oy, ox) = Origin(i);
            float[] wy = WindowY(i), wx = WindowX(i);
            for (int y = 0; y < TileSize; y++)
            {
                Span<float> row = sum.AsSpan((oy + y) * Width + ox, TileSize);
                for (int x = 0; x < TileSize; x++) row[x] += wy[y] * wx[x];
            }
        }
        return sum;
    }

    private static int[] Origins(int length, int tile, int overlap)
    {
        int n = TilesAlong(length, tile, overlap);
        var p = new int[n];
        for (int i = 1; i < n; i++)
            p[i] = (int)((2L * i * (length - tile) + (n - 1)) / (2L * (n - 1)));   // round(i·(L−T)/(n−1))
        return p;
    }

    private static float[] Window(int[] origins, int i, int tile)
    {
        int before = i > 0 ? origins[i - 1] + tile - origins[i] : 0;
        int after = i + 1 < origins.Length ? origins[i] + tile - origins[i + 1] : 0;
        var w = new float[tile];
        for (int j = 0; j < tile; j++)
        {
            double v = 1;
            if (j < before)
            {
                double s = Math.Sin(Math.PI / 2 * (j + 0.5) / before);
                v *= s * s;
            }
            if (j >= tile - after)
            {
                double c = Math.Cos(Math.PI / 2 * (j - (tile - after) + 0.5) / after);
                v *= c * c;
            }
            w[j] = (float)v;
        }
        return w;
    }
}
