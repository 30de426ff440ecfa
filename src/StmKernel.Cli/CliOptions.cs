using System.CommandLine;
using System.Globalization;

namespace StmKernel.Cli;

/// <summary>
/// Factories for typed options with stmkernel's value rules: numbers in the invariant culture, ranges checked while
/// parsing, and errors that name the option and the value given ("--steps expects an integer, got 'abc'"), so a bad
/// value is a usage error (exit 2) before a command does any work. Options without a fallback read as null when absent.
/// </summary>
internal static class CliOptions
{
    /// <summary>
    /// An option whose one value <paramref name="parse"/> converts; a <see cref="CliException"/> from it becomes a parse
    /// error with its message. <paramref name="helpName"/> stands for the value in the help (`--steps K`).
    /// </summary>
    public static Option<T> Parsed<T>(string name, string helpName, string description, Func<string, T> parse, params string[] aliases) =>
        new(name, aliases)
        {
            HelpName = helpName,
            Description = description,
            CustomParser = result =>
            {
                // No token: the parser has already reported the missing value.
                if (result.Tokens.Count != 1) return default!;
                try
                {
                    return parse(result.Tokens[0].Value);
                }
                catch (CliException e)
                {
                    result.AddError(e.Message);
                    return default!;
                }
            },
        };

    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>], <paramref name="fallback"/> when absent.</summary>
    public static Option<int> Int(string name, string helpName, string description, int fallback, int min = int.MinValue, int max = int.MaxValue) =>
        Parsed(name, helpName, description, s => ParseInt(name, s, min, max)).WithDefault(fallback);

    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>] that the command cannot run without.</summary>
    public static Option<int> RequiredInt(string name, string helpName, string description, int min = int.MinValue, int max = int.MaxValue) =>
        Parsed(name, helpName, description, s => ParseInt(name, s, min, max)).AsRequired();

    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>]; null when absent.</summary>
    public static Option<int?> OptionalInt(string name, string helpName, string description, int min = int.MinValue, int max = int.MaxValue) =>
        Parsed<int?>(name, helpName, description, s => ParseInt(name, s, min, max));

    /// <summary>
    /// A finite floating-point option, <paramref name="fallback"/> when absent; with <paramref name="valid"/>, a value it
    /// refuses is an error saying "--NAME must be <paramref name="rule"/>, got V".
    /// </summary>
    public static Option<double> Double(string name, string helpName, string description, double fallback, Func<double, bool>? valid = null, string? rule = null) =>
        Parsed(name, helpName, description, s => ParseDouble(name, s, valid, rule)).WithDefault(fallback);

    /// <summary>A finite floating-point option; null when absent.</summary>
    public static Option<double?> OptionalDouble(string name, string helpName, string description) =>
        Parsed<double?>(name, helpName, description, s => ParseDouble(name, s));

    /// <summary>A text option, <paramref name="fallback"/> when absent.</summary>
    public static Option<string> Text(string name, string helpName, string description, string fallback, params string[] aliases) =>
        new Option<string>(name, aliases) { HelpName = helpName, Description = description }.WithDefault(fallback);

    /// <summary>A text option; null when absent.</summary>
    public static Option<string?> OptionalText(string name, string helpName, string description, params string[] aliases) =>
        new(name, aliases) { HelpName = helpName, Description = description };

    /// <summary>A text option the command cannot run without.</summary>
    public static Option<string> RequiredText(string name, string helpName, string description, params string[] aliases) =>
        new(name, aliases) { HelpName = helpName, Description = description, Required = true };

    /// <summary>
    /// A bare flag. It takes a value only when the next token is true or false (System.CommandLine's rule for booleans),
    /// so `--force a.sxm` leaves a.sxm to the positionals.
    /// </summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>Makes the command fail with "Option '--NAME' is required." when the option is absent.</summary>
    public static Option<T> AsRequired<T>(this Option<T> option)
    {
        option.Required = true;
        return option;
    }

    /// <summary>The value when the option is absent (shown as [default: …] in the help).</summary>
    public static Option<T> WithDefault<T>(this Option<T> option, T value)
    {
        option.DefaultValueFactory = _ => value;
        return option;
    }

    /// <summary>Parses an integer option's value and checks its range; the errors name the option and the value.</summary>
    public static int ParseInt(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new CliException($"{name} expects an integer, got '{text}'");
        if (v < min || v > max)
            throw new CliException(max == int.MaxValue ? $"{name} must be ≥ {min}, got {v}" : $"{name} must be in [{min}, {max}], got {v}");
        return v;
    }

    /// <summary>Parses a finite floating-point option's value and checks it with <paramref name="valid"/>; the errors name the option and the value.</summary>
    public static double ParseDouble(string name, string text, Func<double, bool>? valid = null, string? rule = null)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new CliException($"{name} expects a number, got '{text}'");
        if (valid is not null && !valid(v))
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{name} must be {rule}, got {v}"));
        return v;
    }
}
