using System.Text.Json;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Pairs;

/// <summary>JSON of the settings objects, written by hand (no reflection: the build is trimmed/AOT-checked).</summary>
internal static class ManifestJson
{
    public static void Write(Utf8JsonWriter w, string name, DegradationSettings s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("crop_size", s.CropSize);
        w.WriteBoolean("random_rotation", s.RandomRotation);
        w.WriteNumber("multi_tip_probability", s.MultiTipProbability);
        w.WriteNumber("misalign_probability", s.MisalignProbability);
        w.WriteNumber("misalign_sigma", s.MisalignSigma);
        w.WriteNumber("blunt_probability", s.BluntProbability);
        w.WriteNumber("tip_change_probability", s.TipChangeProbability);
        Range(w, "tip_change_sigma", s.TipChangeSigma);
        w.WriteNumber("line_noise_probability", s.LineNoiseProbability);
        w.WriteNumber("log_normal_scale", s.LogNormalScale);
        Range(w, "sine_amplitude", s.SineAmplitude);
        Range(w, "sine_period", s.SinePeriod);
        w.WriteNumber("sr_factor", s.SrFactor);
        w.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter w, string name, SurfaceParameters p)
    {
        w.WriteStartObject(name);
        w.WriteNumber("width", p.Width);
        w.WriteNumber("height", p.Height);
        w.WriteNumber("pixel_size_m", p.PixelSize);
        w.WriteNumber("dimer_row_spacing_m", p.DimerRowSpacing);
        w.WriteNumber("dimer_spacing_m", p.DimerSpacing);
        Range(w, "row_corrugation_m", p.RowCorrugation);
        w.WriteNumber("row_second_harmonic", p.RowSecondHarmonic);
        Range(w, "dimer_corrugation_m", p.DimerCorrugation);
        w.WriteNumber("step_height_m", p.StepHeight);
        Range(w, "miscut_degrees", p.MiscutDegrees);
        if (p.MiscutDirectionDegrees is { } md) w.WriteNumber("miscut_direction_degrees", md); else w.WriteNull("miscut_direction_degrees");
        if (p.LatticeAngleDegrees is { } la) w.WriteNumber("lattice_angle_degrees", la); else w.WriteNull("lattice_angle_degrees");
        w.WriteBoolean("level_miscut", p.LevelMiscut);
        w.WriteNumber("step_edge_width_m", p.StepEdgeWidth);
        w.WriteNumber("straight_edge_kink_spacing_m", p.StraightEdgeKinkSpacing);
        w.WriteNumber("rough_edge_kink_spacing_m", p.RoughEdgeKinkSpacing);
        w.WriteNumber("rough_edge_max_excursion_m", p.RoughEdgeMaxExcursion);
        Range(w, "dangling_bond_fraction", p.DanglingBondFraction);
        w.WriteNumber("dangling_bond_pair_fraction", p.DanglingBondPairFraction);
        Range(w, "dangling_bond_height_m", p.DanglingBondHeight);
        w.WriteNumber("dangling_bond_width_m", p.DanglingBondWidth);
        Range(w, "dimer_vacancy_fraction", p.DimerVacancyFraction);
        w.WriteNumber("vacancy_complex_fraction", p.VacancyComplexFraction);
        Range(w, "vacancy_depth_m", p.VacancyDepth);
        w.WriteNumber("bright_cluster_fraction", p.BrightClusterFraction);
        w.WriteNumber("etch_pit_density_per_m2", p.EtchPitDensity);
        w.WriteNumber("noise_rms_m", p.NoiseRms);
        w.WriteNumber("line_noise_rms_m", p.LineNoiseRms);
        w.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter w, SurfaceDescription d)
    {
        w.WriteStartObject();
        w.WriteNumber("seed", d.Seed);
        w.WriteNumber("row_angle_degrees", d.RowAngleDegrees);
        w.WriteNumber("miscut_degrees", d.MiscutDegrees);
        w.WriteNumber("miscut_direction_degrees", d.MiscutDirectionDegrees);
        if (double.IsFinite(d.TerraceWidth)) w.WriteNumber("terrace_width_m", d.TerraceWidth); else w.WriteNull("terrace_width_m");
        w.WriteNumber("row_corrugation_m", d.RowCorrugation);
        w.WriteNumber("dimer_corrugation_m", d.DimerCorrugation);
        w.WriteNumber("dangling_bonds", d.DanglingBonds);
        w.WriteNumber("dimer_vacancies", d.DimerVacancies);
        w.WriteNumber("bright_clusters", d.BrightClusters);
        w.WriteNumber("etch_pits", d.EtchPits);
        w.WriteEndObject();
    }

    private static void Range(Utf8JsonWriter w, string name, ValueRange r)
    {
        w.WriteStartArray(name);
        w.WriteNumberValue(r.Min);
        w.WriteNumberValue(r.Max);
        w.WriteEndArray();
    }

    /// <summary>Writes a JSON document to <paramref name="path"/> via a temporary file; refuses to overwrite.</summary>
    public static void WriteFile(string path, Action<Utf8JsonWriter> body)
    {
        if (File.Exists(path)) throw new IOException($"{path}: already exists; not overwriting");
        string tmp = path + ".tmp-" + Environment.ProcessId;
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        using (var w = new Utf8JsonWriter(fs, new JsonWriterOptions { Indented = true }))
        {
            body(w);
        }
        File.Move(tmp, path);
    }
}
