namespace StmKernel.Synthesis.Degradations;

/// <summary>The paper's test-set kinds: every degradation, one type only, or low resolution only.</summary>
public enum DegradationMode
{
    /// <summary>The full §II A pipeline with the paper's probabilities (restoration sets).</summary>
    All,

    /// <summary>Multi-tip artefacts only, always applied.</summary>
    MultiTip,

    /// <summary>Scan-line misalignment only, always applied.</summary>
    Misalign,

    /// <summary>Tip change only, always applied.</summary>
    TipChange,

    /// <summary>Blunt tip only, always applied.</summary>
    Blunt,

    /// <summary>Scan-line noise only, always applied.</summary>
    Lines,

    /// <summary>Every 2nd scan line kept, no other degradation (the SR baseline set).</summary>
    Sr2,

    /// <summary>Every 4th scan line kept, no other degradation.</summary>
    Sr4,

    /// <summary>No degradation at all: the condition is the clean crop. Checks that a model leaves a
    /// good image alone instead of inventing structure (the model card's "clean input" bar).</summary>
    Clean,
}

/// <summary>Command-line names of <see cref="DegradationMode"/>.</summary>
public static class DegradationModeNames
{
    /// <summary>all, multitip, misalign, tipchange, blunt, lines, sr2, sr4, clean.</summary>
    public static string Name(DegradationMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>Parses a name (case-insensitive); false when unknown.</summary>
    public static bool TryParse(string name, out DegradationMode mode)
    {
        foreach (var m in Enum.GetValues<DegradationMode>())
        {
            if (string.Equals(Name(m), name, StringComparison.OrdinalIgnoreCase)) { mode = m; return true; }
        }
        mode = default;
        return false;
    }
}
