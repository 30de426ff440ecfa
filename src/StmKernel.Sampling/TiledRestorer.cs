using System.Diagnostics;
using StmKernel.UNet.Weights;
using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>
/// Restores an image of any size with a conditional model: missing pixels are filled locally
/// (<see cref="NanFill"/>), images smaller than a tile are mirror-padded, the image is cut into
/// <see cref="TileGrid"/> tiles, each tile's condition is normalised to [−1, 1] by its own min/max as in
/// training, tiles × ensemble members are sampled in batches from a seeded noise field that covers the
/// whole image (so overlapping tiles start from the same noise and results do not depend on batching),
/// mapped back to the input's units with the same tile min/max, blended with the squared-cosine windows,
/// and missing pixels are set back to NaN. A one-pass model (no sampler: the autoencoder baseline) maps the
/// normalised condition straight to the output with one network call per tile.
/// </summary>
public sealed class TiledRestorer
{
    private readonly IDenoiser _denoiser;

    /// <summary>
    /// A restorer running <paramref name="denoiser"/> with the sampler its <paramref name="settings"/> call for;
    /// null settings mean a one-pass model: the denoiser gets the condition alone, [B, 1, H, W] at timestep 0,
    /// and its output is the restored tile.
    /// </summary>
    public TiledRestorer(IDenoiser denoiser, SamplerSettings? settings)
    {
        _denoiser = denoiser ?? throw new ArgumentNullException(nameof(denoiser));
        if (denoiser.MaxBatch < 1) throw new ArgumentException($"denoiser MaxBatch {denoiser.MaxBatch} must be ≥ 1", nameof(denoiser));
        Sampler = settings is null ? null : Sampler.Create(settings);
    }

    /// <summary>The sampler in use; null for a one-pass model.</summary>
    public Sampler? Sampler { get; }

    /// <summary>The steps a run with <paramref name="options"/> takes: the option, else the model's default; 1 for a one-pass model.</summary>
    public int StepsFor(RestoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Sampler is null ? 1 : options.Steps ?? Sampler.Settings.DefaultSteps;
    }

    /// <summary>
    /// Network evaluations a restore of <paramref name="width"/> × <paramref name="height"/> will make:
    /// tiles_x · tiles_y · N · e(K), with tiles along an axis of length L = 1 if L ≤ T else ⌈(L − O)/(T − O)⌉,
    /// and e(K) = K (DDIM, Euler) or 2K (RK2).
    /// </summary>
    public long ForwardCount(int width, int height, RestoreOptions? options = null)
    {
        options ??= new RestoreOptions();
        options.Validate();
        int perSample = Sampler?.EvaluationsPerSample(StepsFor(options)) ?? 1;
        return (long)TileGrid.TilesAlong(width, options.TileSize, options.Overlap)
            * TileGrid.TilesAlong(height, options.TileSize, options.Overlap)
            * options.EnsembleSize * perSample;
    }

    /// <summary>Restores one channel given as [H, W] in physical units; see the type's summary.</summary>
    /// <exception cref="ArgumentException">The image is not rank 2, has no finite pixel, the options are invalid, or an ensemble is asked of a one-pass model.</exception>
    public RestoreResult Restore(Tensor image, RestoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        long started = Stopwatch.GetTimestamp();
        long tiling = 0, sampling = 0, blending = 0; // Stopwatch ticks per phase; the network's are the counter's
        options ??= new RestoreOptions();
        options.Validate();
        if (image.Rank != 2) throw new ArgumentException($"image must be [H, W], got {image.ShapeText}", nameof(image));
        int h = image.Dim(0), w = image.Dim(1);
        int steps = StepsFor(options);
        int members = options.EnsembleSize;
        if (Sampler is null && members > 1)
            throw new ArgumentException("a one-pass model is deterministic: an ensemble needs a model with a sampler", nameof(options));

        var (filled, missing) = NanFill.Fill(image.Data, h, w);
        var grid = new TileGrid(h, w, options.TileSize, options.Overlap);
        float[] condition = MirrorPad(filled, h, w, grid.Height, grid.Width);
        float[] weightSum = grid.AccumulatedWeights();
        var noise = new float[members][];
        var accumulated = new float[members][];
        for (int m = 0; m < members; m++)
        {
            noise[m] = new float[grid.Height * grid.Width];
            new GaussianNoise(options.Seed, (ulong)m).Fill(noise[m]);
            accumulated[m] = new float[grid.Height * grid.Width];
        }

        tiling += Stopwatch.GetTimestamp() - started;

        var counter = new CountingDenoiser(_denoiser);
        int batch = Math.Min(options.BatchSize, _denoiser.MaxBatch);
        int total = grid.Count * members;
        int T = grid.TileSize;
        for (int start = 0; start < total; start += batch)
        {
            int b = Math.Min(batch, total - start);
            long t0 = Stopwatch.GetTimestamp();
            var cond = new Tensor(b, 1, T, T);
            var x = new Tensor(b, 1, T, T);
            var scales = new (float Center, float Half)[b];
            for (int k = 0; k < b; k++)
            {
                // Items run tile-major, member-minor, so a tile's members share a batch.
                int tile = (start + k) / members, m = (start + k) % members;
                Span<float> c = cond.Data.AsSpan(k * T * T, T * T);
                CopyTile(condition, grid, tile, c);
                scales[k] = Normalise(c);
                CopyTile(noise[m], grid, tile, x.Data.AsSpan(k * T * T, T * T));
            }
            long t1 = Stopwatch.GetTimestamp();
            if (Sampler is null) counter.Predict(cond, new float[b], x);
            else Sampler.Sample(counter, cond, x, steps);
            long t2 = Stopwatch.GetTimestamp();
            for (int k = 0; k < b; k++)
            {
                int tile = (start + k) / members, m = (start + k) % members;
                Accumulate(x.Data.AsSpan(k * T * T, T * T), scales[k], grid, tile, accumulated[m]);
            }
            tiling += t1 - t0;
            sampling += t2 - t1; // network included here; taken out below
            blending += Stopwatch.GetTimestamp() - t2;
            options.Progress?.Invoke(start + b, total);
        }

        long finishing = Stopwatch.GetTimestamp();
        var results = new float[members][];
        for (int m = 0; m < members; m++)
            results[m] = Finish(accumulated[m], weightSum, grid, missing);
        var (mean, std) = EnsembleStatistics.MeanAndStdDev(results);
        var uncertainty = members > 1 ? UncertaintyMap.Assess(mean, std!, members, h, w, options.Uncertainty) : null;
        long finished = Stopwatch.GetTimestamp();
        blending += finished - finishing;
        var network = counter.NetworkTime;
        return new RestoreResult
        {
            Image = new Tensor(mean, h, w),
            StdDev = members > 1 ? new Tensor(std!, h, w) : null,
            Uncertainty = uncertainty,
            Timings = new RestoreTimings(Stopwatch.GetElapsedTime(0, tiling), network,
                Stopwatch.GetElapsedTime(0, sampling) - network, Stopwatch.GetElapsedTime(0, blending), Stopwatch.GetElapsedTime(started, finished)),
            Grid = grid,
            Steps = steps,
            EnsembleSize = members,
            NetworkEvaluations = counter.Evaluations,
            BatchedCalls = counter.Calls,
        };
    }

    /// <summary>Extends an h × w image to gh × gw (≥) by symmetric mirroring (edge pixel repeated), for images smaller than a tile.</summary>
    private static float[] MirrorPad(float[] src, int h, int w, int gh, int gw)
    {
        if (gh == h && gw == w) return src;
        var dst = new float[gh * gw];
        for (int y = 0; y < gh; y++)
            for (int x = 0; x < gw; x++)
                dst[y * gw + x] = src[Fold(y, h) * w + Fold(x, w)];
        return dst;

        static int Fold(int i, int n)
        {
            int m = i % (2 * n);
            return m < n ? m : 2 * n - 1 - m;
        }
    }

    private static void CopyTile(float[] field, TileGrid grid, int tile, Span<float> dst)
    {
        var (oy, ox) = grid.Origin(tile);
        int T = grid.TileSize;
        for (int y = 0; y < T; y++)
            field.AsSpan((oy + y) * grid.Width + ox, T).CopyTo(dst.Slice(y * T, T));
    }

    /// <summary>Maps the tile to [−1, 1] by its min/max in place (a flat tile maps to 0) and returns the map.</summary>
    private static (float Center, float Half) Normalise(Span<float> tile)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in tile)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        float center = (float)((min + (double)max) / 2);
        float half = (float)((max - (double)min) / 2);
        if (!(half > 0)) half = 1;
        for (int i = 0; i < tile.Length; i++) tile[i] = (float)((tile[i] - (double)center) / half);
        return (center, half);
    }

    private static void Accumulate(ReadOnlySpan<float> sample, (float Center, float Half) scale, TileGrid grid, int tile, float[] sum)
    {
        var (oy, ox) = grid.Origin(tile);
        int T = grid.TileSize;
        float[] wy = grid.WindowY(tile), wx = grid.WindowX(tile);
        for (int y = 0; y < T; y++)
        {
            Span<float> row = sum.AsSpan((oy + y) * grid.Width + ox, T);
            for (int x = 0; x < T; x++)
                row[x] += wy[y] * wx[x] * (sample[y * T + x] * scale.Half + scale.Center);
        }
    }

    /// <summary>Divides by the blend weight, crops the padding away and restores the NaN mask.</summary>
    private static float[] Finish(float[] sum, float[] weight, TileGrid grid, bool[] missing)
    {
        int h = grid.ImageHeight, w = grid.ImageWidth;
        var result = new float[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int g = y * grid.Width + x;
                result[y * w + x] = missing[y * w + x] ? float.NaN : sum[g] / weight[g];
            }
        return result;
    }
}
