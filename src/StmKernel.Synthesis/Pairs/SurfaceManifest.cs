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
        ManifestJson.WriteFile(path, w =>
        {
            w.WriteStartObject();
            w.WriteString("format", "stmkernel-surfaces/1");
            w.WriteString("units", "metres");
            w.WriteNumber("pixel_size_m", parameters.PixelSize);
            w.WriteNumber("seed", seed);
            ManifestJson.Write(w, "parameters", parameters);
            w.WriteStartArray("surfaces");
            foreach (var (file, d) in surfaces)
            {
                w.WriteStartObject();
                w.WriteString("file", file);
                w.WritePropertyName("drawn");
                ManifestJson.Write(w, d);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
