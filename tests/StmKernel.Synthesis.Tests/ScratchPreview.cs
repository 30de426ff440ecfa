using StmKernel.Synthesis;
using StmKernel.Synthesis.Png;
using StmKernel.Synthesis.Surface;
public class ScratchPreview
{
    [Fact]
    public void Preview()
    {
        string? dir = Environment.GetEnvironmentVariable("SYNTH_PREVIEW");
        if (dir is null) return;
        for (int s = 0; s < 3; s++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var surf = SiH2x1Generator.Generate(new SurfaceParameters(), s);
            Console.WriteLine($"gen {sw.ElapsedMilliseconds} ms {surf.Description}");
            var (lo, hi) = surf.Heights.Range();
            GrayPng.Write(Path.Combine(dir, $"p{s}.png"), GrayPng.ToBytes(surf.Heights, lo, hi), 512, 512);
            var crop = surf.Heights.Crop(200, 200, 128, 128);
            (lo, hi) = crop.Range();
            var big = new Plane(512, 512);
            for (int y = 0; y < 512; y++) for (int x = 0; x < 512; x++) big[y, x] = crop[y / 4, x / 4];
            GrayPng.Write(Path.Combine(dir, $"c{s}.png"), GrayPng.ToBytes(big, lo, hi), 512, 512);
        }
    }
}
