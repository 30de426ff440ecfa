using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using StmKernel.Cli.Orbitals;
using StmKernel.Sampling;
using StmKernel.Synthesis.Pairs;
using StmKernel.Tensors.Threading;
using StmKernel.Train;
using StmKernel.Train.Data;
using StmKernel.Train.Graph;
using StmKernel.Train.Objectives;
using StmKernel.Train.Optim;
using StmKernel.Train.Validation;
using StmKernel.UNet;
using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel train`: trains a restoration / super-resolution U-Net on synthesis pairs drawn on the fly.</summary>
public sealed class TrainCommand : CliCommand
{
    private readonly Option<string> _task = CliOptions.RequiredText("--task", "restore|sr2|sr4|orbital",
        "what the model learns; orbital (docs/orbitals.md) trains on CO-tip / s-wave pairs of the molecule library's train " +
        "split (validated on its validation split) at one pixel size (--pixel-nm, default 0.05), with --method ae only");

    private readonly Option<string> _method = CliOptions.RequiredText("--method", "fm|fm-bridge|ddim|ddim-fft|ddim-v|ddim-v-fft|ae|fm-distill",
        "the objective: flow matching (fm; fm-bridge from the degraded scan), diffusion (ddim, v-prediction ddim-v, " +
        "-fft: with a Fourier loss), a one-pass autoencoder (ae), or a one-step student of --teacher (fm-distill)");

    private readonly Option<string> _preset = CliOptions.Text("--preset", "small|large|tiny", "architecture preset", "small");

    private readonly Option<int> _steps = CliOptions.RequiredInt("--steps", "N",
        "training steps: sets the learning-rate schedule (warm-up of at most a tenth of the run, then cosine to 0)", 1);

    private readonly Option<double?> _hours = CliOptions.OptionalDouble("--hours", "H",
        "stop after H hours (default: no limit), with a checkpoint to --resume from (a resumed run needs a new -o: inputs are never overwritten)");

    private readonly Option<int> _crop = CliOptions.Int("--crop", "C", "training crop in pixels", 128, 16, 1024);
    private readonly Option<int> _batch = CliOptions.Int("--batch", "B", "pairs per step", 8, 1, 1024);
    private readonly Option<double> _lr = CliOptions.Double("--lr", "RATE", "peak learning rate", 2e-4);

    private readonly Option<double?> _cleanShare = CliOptions.OptionalDouble("--clean-p", "P",
        "share of pairs left undegraded (default 0.1; the paper's pipeline is 0; a share teaches the model to leave clean scans alone); " +
        "--task orbital: the share of identity pairs, whose input is their own s-wave target (default 0)");

    private readonly Option<int> _warmup = CliOptions.Int("--warmup", "N", "learning-rate warm-up steps (at most a tenth of the run)", 500, 0);
    private readonly Option<double> _ema = CliOptions.Double("--ema", "DECAY", "EMA decay of the exported weights", 0.999);

    private readonly Option<double?> _startNoise = CliOptions.OptionalDouble("--start-noise", "SIGMA",
        "fm-bridge only: σ of the flow's start x0 = degraded + σ·noise (default 0.1); it caps how well a clean scan can " +
        "be kept (σ = 0.1 is about 26 dB of added noise), and 0 makes the flow a deterministic two-step regressor");

    private readonly Option<int> _seed = CliOptions.Int("--seed", "S", "seed of the weights, the pairs and the shuffle of --pristine DIR's files", 0);
    private readonly PristineSourceOptions _pristine = new("--seed");
    private readonly Option<int> _threads = CommonOptions.Threads();
    private readonly Option<string> _device = DeviceOption.Create();
    private readonly Option<int> _validateEvery = CliOptions.Int("--validate-every", "N", "steps between validations (0: none)", 500, 0);
    private readonly Option<int> _valCount = CliOptions.Int("--val-count", "N", "validation pairs", 8, 1, 256);
    private readonly Option<int> _valSteps = CliOptions.Int("--val-steps", "K", "sampler steps of the validation (1 for an fm-distill student)", 5, 1, 1000);
    private readonly Option<int> _checkpointEvery = CliOptions.Int("--checkpoint-every", "N", "steps between checkpoints to OUT.stmckpt (0: at the end only)", 500, 0);

    private readonly Option<string?> _resume = CliOptions.OptionalText("--resume", "CKPT",
        "continue a run from its checkpoint; it may change the crop, batch or thread count (the step number still picks the data)");

    private readonly Option<string?> _init = CliOptions.OptionalText("--init", "MODEL.stmw",
        "start from a trained model's weights (fresh optimizer and schedule): fine-tuning, e.g. on the few dozen pristine " +
        "images of a lab's own surface (--pristine DIR)");

    private readonly Option<bool> _f32 = CliOptions.Flag("--f32", "store OUT.stmw as float32 (default float16)");
    private readonly Option<bool> _export = CliOptions.Flag("--export", "write only OUT.stmw, from the --resume checkpoint, without training (a stopped run's weights)");
    private readonly Option<bool> _force = CommonOptions.Force("replace an existing OUT.stmw and OUT.stmckpt");
    private readonly Option<bool> _shuffleTargets = CliOptions.Flag("--shuffle-targets", "orbital: pair each input with another pair's target (the control run)");
    private readonly Option<bool> _surroundings = CliOptions.Flag("--surroundings", "orbital: add drift, background, standing waves and adsorbates (orbitals synth --help)");

    private readonly Option<string?> _teacher = CliOptions.OptionalText("--teacher", "MODEL.stmw",
        "fm-distill: the sampled model to distil (same task and architecture; start the student with --init from it)");

    private readonly Option<int?> _teacherSteps = CliOptions.OptionalInt("--teacher-steps", "K", "fm-distill: the teacher's sampler steps (default: its own)", 1, 1000);

    private readonly Option<string> _output = CliOptions.RequiredText("-o", "OUT.stmw",
        "the EMA weights (F16 unless --f32) with task, sampler, normalisation and training provenance (every segment of a " +
        "resumed run: steps, crop, batch, rate, wall-clock); the checkpoint goes to OUT.stmckpt (weights, optimizer, EMA, " +
        "step, RNG, segments)", "--out");

    public TrainCommand() : base("train", "train a model on synthetic degradation pairs (resumable)")
    {
        foreach (var o in new Option[] { _task, _method, _preset, _steps, _hours, _crop, _batch, _lr, _cleanShare, _warmup, _ema, _startNoise, _seed })
            Options.Add(o);
        _pristine.AddTo(this);
        foreach (var o in new Option[] { _threads, _device, _validateEvery, _valCount, _valSteps, _checkpointEvery, _resume, _init, _f32, _export, _force,
                                         _shuffleTargets, _surroundings, _teacher, _teacherSteps, _output })
            Options.Add(o);
    }

    public override string Details => """
        Data: fresh degradations every step of procedural Si(001):H surfaces, or of the .npy images in --pristine DIR
        (split train/validation/test by a fixed seed).
        --method fm-distill trains a one-step student of --teacher: for noise z the teacher's sampler runs its K steps
        (--teacher-steps) to x̂, and the student is trained on the velocity x̂ − z at t = 0, so it restores with one Euler
        step (one network evaluation per tile; the shipped FM restore model needs 4). Validate it with --val-steps 1.
        """;

    protected override int Run(ParseResult parse)
    {
        string task = parse.GetValue(_task)!;
        var modelTask = ModelTasks.Find(task) ?? throw new CliException($"--task must be one of {string.Join(", ", ModelTasks.Names)}, got '{task}'");
        string method = parse.GetValue(_method)!;
        string preset = parse.GetValue(_preset)!;
        int steps = parse.GetValue(_steps);
        double hours = parse.GetValue(_hours) ?? double.PositiveInfinity;
        int crop = parse.GetValue(_crop);
        int batch = parse.GetValue(_batch);
        double lr = parse.GetValue(_lr);
        double? cleanP = parse.GetValue(_cleanShare);
        double cleanShare = cleanP ?? (modelTask == OrbitalTask.Task ? 0 : 0.1); // orbital: identity pairs, none unless asked
        int warmup = parse.GetValue(_warmup);
        double emaDecay = parse.GetValue(_ema);
        double startNoise = parse.GetValue(_startNoise) ?? double.NaN; // NaN: not given
        int seed = parse.GetValue(_seed);
        var data = _pristine.Read(parse, defaultSplitSeed: seed); // a folder without --splits is shuffled by the run's seed
        string? pristine = data.Folder;
        int threads = parse.GetValue(_threads);
        string device = parse.GetValue(_device)!;
        int validateEvery = parse.GetValue(_validateEvery);
        int valCount = parse.GetValue(_valCount);
        int valSteps = parse.GetValue(_valSteps);
        int checkpointEvery = parse.GetValue(_checkpointEvery);
        string? resume = parse.GetValue(_resume);
        string? init = parse.GetValue(_init);
        bool f32 = parse.GetValue(_f32);
        bool export = parse.GetValue(_export);
        bool force = parse.GetValue(_force);
        bool shuffledTargets = parse.GetValue(_shuffleTargets);
        bool surroundings = parse.GetValue(_surroundings);
        string? teacherPath = parse.GetValue(_teacher);
        int teacherSteps = parse.GetValue(_teacherSteps) ?? 0; // 0: the teacher's default
        string output = parse.GetValue(_output)!;
        if ((method == "fm-distill") != (teacherPath is not null)) throw new CliException("--method fm-distill needs --teacher MODEL.stmw, and --teacher is only for fm-distill");
        if (teacherSteps != 0 && teacherPath is null) throw new CliException("--teacher-steps is an fm-distill setting (give --teacher)");
        if (teacherPath is not null && !File.Exists(teacherPath)) throw new CliException($"{teacherPath}: teacher model file not found");
        if ((shuffledTargets || surroundings) && modelTask != OrbitalTask.Task) throw new CliException("--shuffle-targets and --surroundings are orbital settings (--task orbital)");
        if (modelTask == OrbitalTask.Task && method != "ae") throw new CliException($"--task orbital trains a one-pass regressor: give --method ae, not {method}");
        if (!double.IsNaN(startNoise) && method != "fm-bridge") throw new CliException($"--start-noise is an fm-bridge setting, not one of --method {method}");
        if (!double.IsNaN(startNoise) && !(startNoise >= 0 && startNoise <= 1)) throw new CliException($"--start-noise must be in [0, 1], got {startNoise}");
        var bridge = double.IsNaN(startNoise) ? SamplerSettings.FlowMatchingBridge : SamplerSettings.FlowMatchingBridge with { StartNoise = startNoise };
        if (!(cleanShare >= 0 && cleanShare < 1)) throw new CliException($"--clean-p must be in [0, 1), got {cleanShare}");
        if (!(lr > 0) || !(emaDecay >= 0 && emaDecay < 1) || !(hours > 0)) throw new CliException("--lr and --hours must be > 0 and --ema in [0, 1)");
        string checkpoint = Path.ChangeExtension(output, ".stmckpt");
        OutputPaths.EnsureWritable(output, force, pristine, resume);
        if (!export) OutputPaths.EnsureWritable(checkpoint, force, pristine, resume); // a resumed run writes a new checkpoint: inputs are never overwritten
        if (resume is not null && !File.Exists(resume)) throw new CliException($"{resume}: checkpoint not found");
        if (resume is not null && init is not null) throw new CliException("give --resume or --init, not both");
        if (export && resume is null) throw new CliException("--export writes the weights of a --resume checkpoint: give one");
        if (init is not null && !File.Exists(init)) throw new CliException($"{init}: model file not found");
        OutputPaths.RemoveStaleTemporaries(Name, Path.GetDirectoryName(Path.GetFullPath(output))!);

        using var pool = new WorkerPool(threads);
        var teacher = teacherPath is null ? null : Teacher(teacherPath, task, pool, ref teacherSteps);
        ITrainingObjective objective = method switch
        {
            "fm" => new FlowMatchingObjective(),
            // From the condition + σ·noise to the clean image (SamplerSettings.FlowMatchingBridge, docs/sampling.md).
            "fm-bridge" => new FlowMatchingObjective(bridge),
            "ddim" => new DiffusionObjective(),
            "ddim-fft" => new DiffusionObjective(fourier: true),
            // v-prediction on the zero-terminal-SNR cosine schedule (docs/sampling.md), recorded as SamplerSettings.DdimV.
            "ddim-v" => DiffusionObjective.For(SamplerSettings.DdimV),
            "ddim-v-fft" => DiffusionObjective.For(SamplerSettings.DdimV, fourier: true),
            "ae" => new AutoencoderObjective(),
            "fm-distill" => new FlowDistillationObjective(teacher!.Value.Denoiser, teacher.Value.Sampler, teacherSteps),
            _ => throw new CliException($"--method must be fm, fm-bridge, ddim, ddim-fft, ddim-v, ddim-v-fft, ae or fm-distill, got '{method}'"),
        };
        var config = ModelFiles.PresetConfig(preset).WithChannels(objective.InputChannels, 1);
        var options = new TrainerOptions
        {
            // A warm-up longer than a tenth of the run would leave a short run at a tiny learning rate.
            Seed = (ulong)seed, LearningRate = new LearningRateSchedule(lr, Math.Min(warmup, steps / 10), steps), EmaDecay = emaDecay,
        };
        var initWeights = init is null ? null : WeightSet.Load(init);
        // Training steps run on --device; pair synthesis and validation stay on the CPU threads.
        var backend = DeviceOption.Backend(device);
        var trainer = resume is not null
            ? Trainer.Resume(resume, objective, options, backend)
            : new Trainer(new TrainingNetwork(new ParameterSet(config, InitialValues(initWeights, init, config, seed)), backend), objective, options);
        if (!NetworkFamilies.SameArchitecture(trainer.Parameters.Config, config))
            throw new CliException($"{resume}: checkpoint holds ({trainer.Parameters.Config.Describe()}), not the {preset} preset");

        var training = modelTask == OrbitalTask.Task
            ? TrainingData.Orbitals(data, seed, crop, cleanShare, shuffledTargets, surroundings, threads)
            : TrainingData.Scans(data, modelTask, seed, crop, cleanShare, threads);
        var batches = training.Batches(batch);
        var (valClean, valDegraded) = training.Batches(valCount).Get(0, DataSplit.Validation);
        var metadata = new ModelMetadata
        {
            Task = task,
            Sampler = method switch
            {
                "fm" => SamplerSettings.FlowMatching, "fm-bridge" => bridge, "ae" => null, "fm-distill" => FlowDistillationObjective.StudentSampler, "ddim-v" or "ddim-v-fft" => SamplerSettings.DdimV, _ => SamplerSettings.Ddim,
            },
            Normalisation = "minmax[-1,1]",
            PixelSizeRange = training.PixelSizeRange,
            Conditioning = training.LineFlatten ? "line-flatten" : "none",
            LatticePeriods = training.LatticePeriods,
        };
        var validator = new Validator(valClean, valDegraded, metadata.Sampler, valSteps);

        // This process's segment of the run; earlier segments come with the checkpoint.
        var segment = new JsonObject
        {
            ["steps_from"] = trainer.Step, ["crop"] = crop, ["batch"] = batch, ["lr"] = lr, ["clean_share"] = cleanShare,
            ["threads"] = threads, ["seed"] = seed, ["data"] = training.Name,
            ["pixel_nm"] = new JsonArray(training.PixelSizeRange.Min * 1e9, training.PixelSizeRange.Max * 1e9), ["line_flatten"] = training.LineFlatten,
            ["start"] = resume is not null ? "resume " + Path.GetFileName(resume) : init is not null ? "init " + Path.GetFileName(init) : "random",
        };
        if (initWeights?.Metadata.Training is { } initTraining) segment["init_training"] = initTraining.DeepClone();
        if (teacherPath is not null) { segment["teacher"] = Path.GetFileName(teacherPath); segment["teacher_steps"] = teacherSteps; }
        if (!export) trainer.History.Add((JsonNode)segment); // an export trains nothing: no segment

        var clock = Stopwatch.StartNew();
        void SaveCheckpoint()
        {
            segment["steps_to"] = trainer.Step;
            segment["wall_clock_s"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
            trainer.SaveCheckpoint(checkpoint);
        }
        long first = trainer.Step;
        double lossSum = 0, psnr = double.NaN, ssim = double.NaN;
        int lossCount = 0;
        using (var bar = new ProgressBar("train", steps - first, "steps"))
        {
            while (!export && trainer.Step < steps && clock.Elapsed.TotalHours < hours)
            {
                var (clean, degraded) = batches.Get(trainer.Step);
                var r = trainer.TrainStep(clean, degraded, pool);
                lossSum += r.Loss; lossCount++;
                if (validateEvery > 0 && (r.Step % validateEvery == 0 || r.Step == steps))
                    (psnr, ssim) = validator.Evaluate(NetworkModel.FromWeights(trainer.ExportWeights()), pool);
                if (checkpointEvery > 0 && r.Step % checkpointEvery == 0) SaveCheckpoint();
                double rate = (trainer.Step - first) * batch / clock.Elapsed.TotalSeconds;
                string val = double.IsNaN(psnr) ? "" : FormattableString.Invariant($" val {psnr:F1} dB / {ssim:F3}");
                bar.Advance(1, FormattableString.Invariant($"loss {lossSum / lossCount:F4} lr {r.LearningRate:E1} {rate:F1} samples/s") + val);
                if (lossCount == 50) { lossSum = 0; lossCount = 0; }
            }
        }
        if (!export) SaveCheckpoint(); // an export's state is its --resume checkpoint already
        // Top-level settings are this segment's; "segments" holds every segment, "wall_clock_s" their recorded sum.
        double wallClock = trainer.History.Sum(h => h?["wall_clock_s"]?.GetValue<double>() ?? 0);
        metadata.Training = new JsonObject
        {
            ["method"] = objective.Name, ["preset"] = preset, ["steps"] = trainer.Step, ["target_steps"] = steps, ["batch"] = batch,
            ["crop"] = crop, ["clean_share"] = cleanShare, ["lr"] = lr, ["warmup"] = warmup, ["ema"] = emaDecay, ["ema_warmup"] = "min(ema, (1+k)/(10+k))", ["seed"] = seed,
            ["data"] = training.Name, ["wall_clock_s"] = Math.Round(wallClock, 1), ["val_psnr_db"] = double.IsNaN(psnr) ? null : Math.Round(psnr, 3),
            ["val_ssim"] = double.IsNaN(ssim) ? null : Math.Round(ssim, 4), ["trainer"] = "stmkernel train",
            ["init"] = init is null ? null : Path.GetFileName(init), ["segments"] = trainer.History.DeepClone(),
        };
        trainer.ExportWeights(ema: true, metadata).SaveStmw(output, f32 ? DType.F32 : DType.F16);
        string ckpt = export ? resume! : checkpoint;
        string more = trainer.Step < steps ? $"; continue with --resume {ckpt}" : "";
        string wrote = export ? "" : $" and {checkpoint}";
        Console.WriteLine(FormattableString.Invariant($"step {trainer.Step}/{steps}: wrote {output} (EMA weights){wrote}") + more);
        return 0;
    }

    /// <summary>The teacher of a distillation run: a sampled model of the run's task, on the training threads.</summary>
    private static (NetworkDenoiser Denoiser, SamplerSettings Sampler)? Teacher(string path, string task, WorkerPool pool, ref int steps)
    {
        var weights = WeightSet.Load(path);
        var sampler = weights.Metadata.Sampler ?? throw new CliException($"{path}: a one-pass model has no sampler to distil (the teacher must be fm, fm-bridge or ddim)");
        if (weights.Metadata.Task != task) throw new CliException($"{path}: teacher is a '{weights.Metadata.Task}' model, the run's --task is '{task}'");
        if (weights.Config.InChannels != 2) throw new CliException($"{path}: teacher has {weights.Config.InChannels} input channels, expected 2 ([x, condition])");
        if (steps == 0) steps = sampler.DefaultSteps;
        return (new NetworkDenoiser(NetworkModel.FromWeights(weights), pool, maxBatch: 1024), sampler);
    }

    /// <summary>Seeded random weights, or a trained model's weights for fine-tuning (same architecture required).</summary>
    private static Dictionary<string, float[]> InitialValues(WeightSet? weights, string? init, INetworkConfig config, int seed)
    {
        if (weights is null) return RandomParameters.For(config, seed);
        if (!NetworkFamilies.SameArchitecture(weights.Config, config))
            throw new CliException($"{init} holds ({weights.Config.Describe()}), not ({config.Describe()})");
        return weights.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Data);
    }
}
