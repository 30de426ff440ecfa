using System.Globalization;
using System.Text.Json.Nodes;
using StmKernel.UNet.Networks;

namespace StmKernel.UNet.Weights;

/// <summary>
/// Reads and writes a diffusers <c>config.json</c>: files of any registered family through <see cref="NetworkFamilies"/>,
/// and the <c>UNet2DModel</c> family's own parser (<see cref="Parse"/>). The same JSON object is the "architecture" section
/// of a .stmw file. Options that change the network in ways our model does not implement are rejected with the option's
/// name, never ignored.
/// </summary>
public static class DiffusersConfig
{
    /// <summary>Largest config.json we read; real ones are about 1 kB.</summary>
    private const long MaxFileBytes = 1 << 20;

    private const string DownBlock = "DownBlock2D";
    private const string UpBlock = "UpBlock2D";

    /// <summary>Reads a config.json file.</summary>
    /// <exception cref="InvalidDataException">Not a config of a registered family; the message names the file and the field.</exception>
    public static INetworkConfig Load(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (fs.Length > MaxFileBytes)
            throw new InvalidDataException($"{path}: {fs.Length} bytes is too large for a config.json (limit {MaxFileBytes})");
        var bytes = new byte[fs.Length];
        fs.ReadExactly(bytes);
        return NetworkFamilies.Parse(JsonFields.ParseObject(bytes, path, "config"), path);
    }

    /// <summary>Writes a config.json (indented, through a temporary file and a rename).</summary>
    public static void Save(string path, INetworkConfig config)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(config.ToJson().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>Reads a <c>UNet2DModel</c> config object; <paramref name="file"/> (and <paramref name="section"/>) name it in messages.</summary>
    public static UNetConfig Parse(JsonObject json, string file, string section = "")
    {
        var f = new JsonFields(json, file, section);

        string? cls = f.String("_class_name");
        if (cls is not null && cls != "UNet2DModel") throw f.Error("_class_name", $"is \"{cls}\"; only UNet2DModel is supported");

        int[] channels = f.IntArray("block_out_channels");
        if (channels.Length == 0) throw f.Error("block_out_channels", "is empty");
        CheckBlockTypes(f, "down_block_types", DownBlock, channels.Length);
        CheckBlockTypes(f, "up_block_types", UpBlock, channels.Length);

        RequireValue(f, "time_embedding_type", "positional");
        RequireValue(f, "act_fn", "silu");
        RequireValue(f, "resnet_time_scale_shift", "default");
        RequireValue(f, "downsample_type", "conv");
        RequireValue(f, "upsample_type", "conv");
        if (f.Bool("center_input_sample", false)) throw f.Error("center_input_sample", "is true; only false is supported");
        if (f.Int("downsample_padding", 1) != 1) throw f.Error("downsample_padding", "must be 1");
        if (f.Double("mid_block_scale_factor", 1) != 1) throw f.Error("mid_block_scale_factor", "must be 1");
        if (f.Has("class_embed_type")) throw f.Error("class_embed_type", "is set; class conditioning is not supported");
        if (f.Has("num_class_embeds")) throw f.Error("num_class_embeds", "is set; class conditioning is not supported");

        int groups = f.Int("norm_num_groups", 32);
        if (f.Has("attn_norm_num_groups") && f.Int("attn_norm_num_groups", groups) != groups)
            throw f.Error("attn_norm_num_groups", $"must equal norm_num_groups ({groups}) or be null");

        // diffusers: a null attention_head_dim means one head spanning all mid-block channels.
        int headDim = f.Has("attention_head_dim") ? f.Int("attention_head_dim", 8) : json.ContainsKey("attention_head_dim") ? channels[^1] : 8;

        var config = new UNetConfig
        {
            InChannels = f.Int("in_channels", 3),
            OutChannels = f.Int("out_channels", 3),
            BlockOutChannels = channels,
            LayersPerBlock = f.Int("layers_per_block", 2),
            AddAttention = f.Bool("add_attention", true),
            AttentionHeadDim = headDim,
            NormNumGroups = groups,
            NormEps = (float)f.Double("norm_eps", 1e-5),
            FlipSinToCos = f.Bool("flip_sin_to_cos", true),
            FreqShift = (float)f.Double("freq_shift", 0),
        };
        try
        {
            config.Validate();
        }
        catch (InvalidDataException e)
        {
            string where = section.Length == 0 ? file : $"{file}: {section}";
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
        return config;
    }

    /// <summary>
    /// The config as a diffusers UNet2DModel config object: loadable by <c>UNet2DModel.from_config</c>
    /// and by <see cref="Parse"/>, which gives back an equal config.
    /// </summary>
    public static JsonObject ToJson(UNetConfig c)
    {
        JsonArray Repeat(string type) => new(c.BlockOutChannels.Select(_ => (JsonNode)JsonValue.Create(type)).ToArray());
        var channels = new JsonArray(c.BlockOutChannels.Select(ch => (JsonNode)JsonValue.Create(ch)).ToArray());
        var down = Repeat(DownBlock);
        var up = Repeat(UpBlock);
        return new JsonObject
        {
            ["_class_name"] = "UNet2DModel",
            ["in_channels"] = c.InChannels,
            ["out_channels"] = c.OutChannels,
            ["block_out_channels"] = channels,
            ["down_block_types"] = down,
            ["up_block_types"] = up,
            ["layers_per_block"] = c.LayersPerBlock,
            ["add_attention"] = c.AddAttention,
            ["attention_head_dim"] = c.AttentionHeadDim,
            ["norm_num_groups"] = c.NormNumGroups,
            ["norm_eps"] = Decimal(c.NormEps),
            ["flip_sin_to_cos"] = c.FlipSinToCos,
            ["freq_shift"] = Decimal(c.FreqShift),
            ["time_embedding_type"] = "positional",
            ["act_fn"] = "silu",
            ["downsample_padding"] = 1,
        };
    }

    /// <summary>One line: "in 2, out 1, channels [32, 64, 128], 2 layers/block, mid attention off, 32 groups, eps 1e-05".</summary>
    public static string Describe(UNetConfig c) => string.Create(CultureInfo.InvariantCulture,
        $"in {c.InChannels}, out {c.OutChannels}, channels {ParameterSpec.FormatShape(c.BlockOutChannels.ToArray())}, " +
        $"{c.LayersPerBlock} layers/block, mid attention {(c.AddAttention ? $"on (head dim {c.AttentionHeadDim})" : "off")}, " +
        $"{c.NormNumGroups} groups, eps {c.NormEps:G6}, flip_sin_to_cos {c.FlipSinToCos.ToString().ToLowerInvariant()}, freq_shift {c.FreqShift:G6}");

    // Floats are written as their shortest decimal (1e-05, not 9.99999974737875E-06); it parses back to the same float.
    private static double Decimal(float v) => double.Parse(v.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static void CheckBlockTypes(JsonFields f, string key, string supported, int levels)
    {
        // Required: diffusers' default block types include attention blocks, which we do not implement.
        var types = f.StringArray(key) ?? throw f.Error(key, $"is missing (diffusers' default includes attention blocks; expected {levels} × \"{supported}\")");
        if (types.Length != levels)
            throw f.Error(key, $"has {types.Length} entries but block_out_channels has {levels}");
        foreach (var t in types)
        {
            if (t != supported)
                throw f.Error(key, $"contains \"{t}\"; only {supported} is supported (no attention in down/up blocks)");
        }
    }

    private static void RequireValue(JsonFields f, string key, string supported)
    {
        string? v = f.String(key);
        if (v is not null && v != supported) throw f.Error(key, $"is \"{v}\"; only \"{supported}\" is supported");
    }
}
