using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Pairs;

/// <summary>The manifest.json of a folder of generated pristine surfaces (`stmkernel synth`).</summary>
public static class SurfaceManifest
{
    /// <summary>Writes the parameters, base seed and each surface's drawn values; refuses to overwrite.</summary>
    public static void Write(string path, SurfaceParameters parameters, long seed, IReadOnlyList<(string File, SurfaceDescription Description)> surfaces)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(surfaces);
        var manifest = new SurfacesManifest("stmkernel-surfaces/1", "metres", parameters.PixelSize, seed, parameters,
            surfaces.Select(s => new SurfaceEntry(s.File, s.Description)).ToArray());
        ManifestJson.WriteFile(path, manifest, ManifestJson.Default.SurfacesManifest);
    }
}
