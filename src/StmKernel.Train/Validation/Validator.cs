using StmKernel.Imaging.Metrics;
using StmKernel.Sampling;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.UNet;
using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.Train.Validation;

/// <summary>
/// Validation during training: restores a fixed set of (clean, degraded) pairs with the current
/// weights — a few sampler steps from seeded noise, or one pass for the autoencoder — and reports
/// mean PSNR and SSIM against the clean images (data range 2: images live in [−1, 1]).
/// </summary>
public sealed class Validator(Tensor clean, Tensor degraded, SamplerSettings? sampler, int steps, ulong seed = 1)
{
    /// <summary>Mean (PSNR dB, SSIM) of the model's restorations.</summary>
    public (double Psnr, double Ssim) Evaluate(INetwork model, WorkerPool pool)
    {
        int n = clean.Dim(0), h = clean.Dim(2), w = clean.Dim(3), plane = h * w;
        var restored = new Tensor(clean.Shape);
        if (sampler is null) model.Forward(degraded, new float[n], restored, pool);
        else
        {
            var noise = new GaussianNoise(seed);
            noise.Fill(restored.Data);
            Sampler.Create(sampler).Sample(new NetworkDenoiser(model, pool, n), degraded, restored, steps);
        }
        double psnr = 0, ssim = 0;
        for (int i = 0; i < n; i++)
        {
            var reference = clean.Data.AsSpan(i * plane, plane);
            var test = restored.Data.AsSpan(i * plane, plane);
            psnr += Psnr.Compute(reference, test, 2.0);
            ssim += Ssim.Compute(reference, test, w, h, 2.0);
        }
        return (psnr / n, ssim / n);
    }
}
