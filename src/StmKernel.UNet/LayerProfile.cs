using StmKernel.Tensors.Backends;

namespace StmKernel.UNet;

/// <summary>Accumulated time per plan step (by diffusers key) over profiled forwards.</summary>
public sealed class LayerProfile
{
    private readonly Dictionary<string, (double Seconds, double Flops, int Calls)> _entries = new();
    private readonly List<string> _order = new();

    internal void Record(PlanStep step, TimeSpan elapsed)
    {
        if (!_entries.TryGetValue(step.Name, out var e)) { _order.Add(step.Name); e = default; }
        _entries[step.Name] = (e.Seconds + elapsed.TotalSeconds, e.Flops + step.Flops, e.Calls + 1);
    }

    /// <summary>Entries in execution order: key, total seconds, total flops, calls.</summary>
    public IEnumerable<(string Key, double Seconds, double Flops, int Calls)> Entries =>
        _order.Select(k => (k, _entries[k].Seconds, _entries[k].Flops, _entries[k].Calls));
}
