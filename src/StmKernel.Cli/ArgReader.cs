using System.Globalization;

namespace StmKernel.Cli;

/// <summary>
/// A small, reflection-free argument reader: `--name value`, `--name=value`, bare `--flag`s and
/// positionals. Every option a command reads is marked used; <see cref="EnsureAllUsed"/> turns any
/// left over into an error, so a typo never passes silently.
/// </summary>
public sealed class ArgReader
{
    private readonly List<string> _positionals = new();
    private readonly Dictionary<string, List<string?>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public ArgReader(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (a == "--")
            {
                _positionals.AddRange(list.Skip(i + 1));
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (i + 1 < list.Count && !IsOptionToken(list[i + 1])) { value = list[++i]; }
                if (!_options.TryGetValue(name, out var values)) _options[name] = values = new();
                values.Add(value);
            }
            else if (a.StartsWith('-') && a.Length == 2 && char.IsLetter(a[1]))
            {
                // Single-letter alias such as -o: always takes a value.
                if (i + 1 >= list.Count) throw new CliException($"option {a} needs a value");
                string name = a[1..];
                if (!_options.TryGetValue(name, out var values)) _options[name] = values = new();
                values.Add(list[++i]);
            }
            else
            {
                _positionals.Add(a);
            }
        }
    }

    private static bool IsOptionToken(string s) =>
        s.StartsWith("--", StringComparison.Ordinal) || (s.Length == 2 && s[0] == '-' && char.IsLetter(s[1]));

    /// <summary>Positional arguments, in order.</summary>
    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>Removes and returns the first positional argument (a sub-action such as `orbitals synth`), or null when there is none.</summary>
    public string? TakeAction()
    {
        if (_positionals.Count == 0) return null;
        string first = _positionals[0];
        _positionals.RemoveAt(0);
        return first;
    }

    /// <summary>True when `--help` or `-h` was given.</summary>
    public bool WantsHelp => _options.ContainsKey("help");

    /// <summary>The value of `--name` (or any of its aliases), or null when absent.</summary>
    public string? Option(string name, params string[] aliases)
    {
        foreach (var n in aliases.Prepend(name))
        {
            if (!_options.TryGetValue(n, out var values)) continue;
            _used.Add(n);
            if (values.Count > 1) throw new CliException($"option --{n} given more than once");
            return values[0] ?? throw new CliException($"option --{n} needs a value");
        }
        return null;
    }

    /// <summary>The value of a required option.</summary>
    public string Required(string name, params string[] aliases) =>
        Option(name, aliases) ?? throw new CliException($"missing required option --{name}");

    /// <summary>True when the bare flag `--name` was given.</summary>
    public bool Flag(string name)
    {
        if (!_options.TryGetValue(name, out var values)) return false;
        _used.Add(name);
        if (values.Any(v => v is not null)) throw new CliException($"option --{name} takes no value");
        return true;
    }

    /// <summary>An integer option within [min, max], or <paramref name="fallback"/> when absent.</summary>
    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        string? s = Option(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new CliException($"--{name} expects an integer, got '{s}'");
        if (v < min || v > max) throw new CliException($"--{name} must be in [{min}, {max}], got {v}");
        return v;
    }

    /// <summary>A floating-point option, or <paramref name="fallback"/> when absent.</summary>
    public double Double(string name, double fallback)
    {
        string? s = Option(name);
        if (s is null) return fallback;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new CliException($"--{name} expects a number, got '{s}'");
        return v;
    }

    /// <summary>Fails on any option that the command did not read (typos, options of another command).</summary>
    public void EnsureAllUsed()
    {
        foreach (var name in _options.Keys)
            if (!_used.Contains(name) && name != "help")
                throw new CliException($"unknown option --{name}");
    }
}
