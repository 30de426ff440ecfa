namespace StmKernel.Sampling;

/// <summary>
/// Where a tiled restore's wall time went (<see cref="TiledRestorer.Restore"/>), for performance engineers:
/// the network is the part the kernels own, everything else is the pipeline around them.
/// </summary>
/// <param name="Tiling">Filling missing pixels, padding, the noise field, and cutting and normalising tiles.</param>
/// <param name="Network">Inside the network's calls (<see cref="CountingDenoiser.NetworkTime"/>).</param>
/// <param name="Sampler">The sampler's own arithmetic between network calls (step updates, noise mixing).</param>
/// <param name="Blending">Windowed accumulation of tiles, normalisation by the blend weight, ensemble statistics and the uncertainty report.</param>
/// <param name="Total">The whole call, measured around it; the four phases add up to at most this.</param>
public sealed record RestoreTimings(TimeSpan Tiling, TimeSpan Network, TimeSpan Sampler, TimeSpan Blending, TimeSpan Total);
