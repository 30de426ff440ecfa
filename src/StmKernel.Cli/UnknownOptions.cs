using System.CommandLine;
using System.CommandLine.Parsing;

namespace StmKernel.Cli;

/// <summary>
/// Options the command does not have, given where the command takes positionals (`restore a.sxm --stesp 2`). The parser
/// reports unknown tokens only where no argument takes them; a list argument such as IN... takes any token, so a typo
/// would become an input file. Tokens after `--` are positionals by request and never counted.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>The option-like tokens (starting with '-', longer than "-") bound to the command's positional arguments.</summary>
    public static IReadOnlyList<string> In(ParseResult parse)
    {
        var beforeDoubleDash = new HashSet<Token>(parse.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash), ReferenceEqualityComparer.Instance);
        return [.. parse.CommandResult.Children.OfType<ArgumentResult>()
            .SelectMany(a => a.Tokens)
            .Where(t => t.Value.Length > 1 && t.Value[0] == '-' && beforeDoubleDash.Contains(t))
            .Select(t => t.Value)];
    }
}
