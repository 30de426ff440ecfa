using System.Reflection;

namespace StmKernel.Imaging.Tests;

/// <summary>Derived images (new pixels, new size, new label) keep every other property of their source.</summary>
public class StmImageDeriveTests
{
    // The settable (init) properties: everything a reader or a caller can state about a scan.
    private static readonly PropertyInfo[] Settable = typeof(StmImage)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is { IsPublic: true })
        .ToArray();

    /// <summary>A source with every settable property away from its default, so a dropped one shows.</summary>
    private static StmImage Source()
    {
        var image = new StmImage(new float[6], 3, 2);
        var fresh = new StmImage(new float[6], 3, 2);
        for (int i = 0; i < Settable.Length; i++)
        {
            var p = Settable[i];
            object value = NonDefault(p.PropertyType, i) ?? throw new InvalidOperationException(
                $"StmImage.{p.Name} has type {p.PropertyType.Name}, which this test cannot yet set: add a value for it to {nameof(NonDefault)}");
            p.SetValue(image, value);
            Assert.NotEqual(p.GetValue(fresh), p.GetValue(image));
        }
        return image;
    }

    private static object? NonDefault(Type type, int i)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(double)) return 0.125 + i;
        if (t == typeof(bool)) return false; // the only bool (PhysicalSizeKnown) defaults to true; checked against a fresh image
        if (t == typeof(string)) return $"value {i}";
        if (t == typeof(ScanDirection)) return ScanDirection.Backward;
        if (t == typeof(IReadOnlyDictionary<string, string>)) return new Dictionary<string, string> { ["key"] = $"value {i}" };
        return null;
    }

    [Fact]
    public void The_test_covers_the_scan_metadata()
    {
        // Guards against the reflection silently finding nothing (e.g. setters turned non-public).
        Assert.True(Settable.Length >= 14, $"only {Settable.Length} settable properties found");
        Assert.Contains(Settable, p => p.Name == nameof(StmImage.Metadata));
    }

    [Fact]
    public void Derive_keeps_every_settable_property_and_takes_the_new_pixels_and_size()
    {
        var source = Source();
        var data = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        var derived = source.Derive(data, 4, 5);
        Assert.Same(data, derived.Data);
        Assert.Equal((4, 5), (derived.Width, derived.Height));
        foreach (var p in Settable) Assert.True(Equals(p.GetValue(source), p.GetValue(derived)), $"{p.Name} was not carried");
        Assert.Equal((3, 2), (source.Width, source.Height));
        Assert.Throws<ArgumentException>(() => source.Derive(data, 3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.Derive([], 0, 5));
    }

    [Fact]
    public void WithData_and_Relabel_keep_every_other_property()
    {
        var source = Source();
        var withData = source.WithData([1, 2, 3, 4, 5, 6]);
        var relabelled = source.Relabel("Z classical");
        foreach (var p in Settable)
        {
            Assert.True(Equals(p.GetValue(source), p.GetValue(withData)), $"WithData dropped {p.Name}");
            if (p.Name != nameof(StmImage.Channel)) Assert.True(Equals(p.GetValue(source), p.GetValue(relabelled)), $"Relabel dropped {p.Name}");
        }
        Assert.Equal("Z classical", relabelled.Channel);
        Assert.Same(source.Data, relabelled.Data);
    }

    [Fact]
    public void Images_are_equal_only_to_themselves()
    {
        var a = new StmImage([1f], 1, 1);
        var b = new StmImage(a.Data, 1, 1);
        Assert.NotEqual(a, b);
        Assert.False(a == a.Relabel(a.Channel));
        Assert.Equal(a, a);
    }
}
