using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Networks;

/// <summary>
/// The architecture registry: one parser per diffusers <c>_class_name</c>, so a weight file of any registered family
/// loads, validates and runs through the same code. <c>UNet2DModel</c> (<see cref="DiffusersConfig"/>) is built in; a new
/// family (e.g. the STM-Net orbital regressor) registers its parser once at start-up.
/// </summary>
public static class NetworkFamilies
{
    /// <summary>The family of a config object without "_class_name" (diffusers' own config.json files always carry one).</summary>
    public const string DefaultClassName = "UNet2DModel";

    /// <summary>Reads a family's config object; the strings name the file and the section for messages.</summary>
    public delegate INetworkConfig Parser(JsonObject json, string file, string section);

    private static readonly ConcurrentDictionary<string, Parser> Parsers = new(StringComparer.Ordinal)
    {
        [DefaultClassName] = DiffusersConfig.Parse,
    };

    /// <summary>The registered class names, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. Parsers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers <paramref name="parser"/> for <paramref name="className"/>; registering the same parser again is a no-op.</summary>
    /// <exception cref="InvalidOperationException">Another parser is already registered under that name.</exception>
    public static void Register(string className, Parser parser)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(parser);
        var existing = Parsers.GetOrAdd(className, parser);
        if (existing != parser) throw new InvalidOperationException($"network family '{className}' is already registered");
    }

    /// <summary>Reads a config object through the parser of its "_class_name".</summary>
    /// <exception cref="InvalidDataException">The class is not registered, or its parser rejects the object; the message names the file.</exception>
    public static INetworkConfig Parse(JsonObject json, string file, string section = "")
    {
        var f = new JsonFields(json, file, section);
        string name = f.String("_class_name") ?? DefaultClassName;
        if (!Parsers.TryGetValue(name, out var parser))
            throw f.Error("_class_name", $"is \"{name}\"; known network families: {string.Join(", ", Names)}");
        return parser(json, file, section);
    }

    /// <summary>True when two configs describe the same network: equal config objects, family included.</summary>
    public static bool SameArchitecture(INetworkConfig a, INetworkConfig b) => JsonNode.DeepEquals(a.ToJson(), b.ToJson());
}
