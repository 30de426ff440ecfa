namespace StmKernel.UNet;

/// <summary>One named parameter tensor the model expects, with its diffusers key and shape.</summary>
public readonly record struct ParameterSpec(string Key, int[] Shape)
{
    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Shape as "[a, b, c]" for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats any shape as "[a, b, c]".</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";
}

/// <summary>
/// The full, ordered list of parameters of a <see cref="UNetConfig"/>, named exactly as diffusers'
/// <c>UNet2DModel.state_dict()</c>. Weight loaders validate files against it; the model binds by it.
/// </summary>
public static class ParameterList
{
    /// <summary>Every parameter the config implies, in module order.</summary>
    public static IReadOnlyList<ParameterSpec> For(UNetConfig c)
    {
        c.Validate();
        var p = new List<ParameterSpec>();
        var ch = c.BlockOutChannels;
        int c0 = ch[0], temb = c.TimeEmbedDim;

        Conv(p, "conv_in", c.InChannels, c0, 3);
        Linear(p, "time_embedding.linear_1", c0, temb);
        Linear(p, "time_embedding.linear_2", temb, temb);

        int outCh = c0;
        for (int i = 0; i < ch.Count; i++)
        {
            int inCh = outCh;
            outCh = ch[i];
            for (int j = 0; j < c.LayersPerBlock; j++)
                Resnet(p, $"down_blocks.{i}.resnets.{j}", j == 0 ? inCh : outCh, outCh, temb);
            if (i < ch.Count - 1) Conv(p, $"down_blocks.{i}.downsamplers.0.conv", outCh, outCh, 3);
        }

        int mid = ch[^1];
        Resnet(p, "mid_block.resnets.0", mid, mid, temb);
        if (c.AddAttention)
        {
            const string a = "mid_block.attentions.0";
            Norm(p, $"{a}.group_norm", mid);
            Linear(p, $"{a}.to_q", mid, mid);
            Linear(p, $"{a}.to_k", mid, mid);
            Linear(p, $"{a}.to_v", mid, mid);
            Linear(p, $"{a}.to_out.0", mid, mid);
        }
        Resnet(p, "mid_block.resnets.1", mid, mid, temb);

        // Up path: skip channel counts are consumed in reverse order of production.
        var skips = SkipChannels(c);
        int prev = mid;
        for (int i = 0; i < ch.Count; i++)
        {
            int o = ch[ch.Count - 1 - i];
            for (int j = 0; j <= c.LayersPerBlock; j++)
            {
                int skip = skips.Pop();
                int resIn = (j == 0 ? prev : o) + skip;
                Resnet(p, $"up_blocks.{i}.resnets.{j}", resIn, o, temb);
            }
            if (i < ch.Count - 1) Conv(p, $"up_blocks.{i}.upsamplers.0.conv", o, o, 3);
            prev = o;
        }

        Norm(p, "conv_norm_out", c0);
        Conv(p, "conv_out", c0, c.OutChannels, 3);
        return p;
    }

    /// <summary>Channel counts of the skip connections in the order the down path pushes them.</summary>
    public static Stack<int> SkipChannels(UNetConfig c)
    {
        var skips = new Stack<int>();
        var ch = c.BlockOutChannels;
        skips.Push(ch[0]); // conv_in output
        for (int i = 0; i < ch.Count; i++)
        {
            for (int j = 0; j < c.LayersPerBlock; j++) skips.Push(ch[i]);
            if (i < ch.Count - 1) skips.Push(ch[i]);
        }
        return skips;
    }

    /// <summary>Total number of scalar parameters.</summary>
    public static long CountParameters(UNetConfig c) => For(c).Sum(s => s.Count);

    private static void Conv(List<ParameterSpec> p, string key, int cin, int cout, int k)
    {
        p.Add(new($"{key}.weight", [cout, cin, k, k]));
        p.Add(new($"{key}.bias", [cout]));
    }

    private static void Linear(List<ParameterSpec> p, string key, int fin, int fout)
    {
        p.Add(new($"{key}.weight", [fout, fin]));
        p.Add(new($"{key}.bias", [fout]));
    }

    private static void Norm(List<ParameterSpec> p, string key, int ch)
    {
        p.Add(new($"{key}.weight", [ch]));
        p.Add(new($"{key}.bias", [ch]));
    }

    private static void Resnet(List<ParameterSpec> p, string key, int cin, int cout, int temb)
    {
        Norm(p, $"{key}.norm1", cin);
        Conv(p, $"{key}.conv1", cin, cout, 3);
        Linear(p, $"{key}.time_emb_proj", temb, cout);
        Norm(p, $"{key}.norm2", cout);
        Conv(p, $"{key}.conv2", cout, cout, 3);
        if (cin != cout) Conv(p, $"{key}.conv_shortcut", cin, cout, 1);
    }
}
