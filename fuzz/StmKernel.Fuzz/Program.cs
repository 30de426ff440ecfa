using StmKernel.Fuzz;

// The harness tools/fuzz.sh drives. Commands:
//   afl FORMAT CORPUS_ROOT                    the afl++ loop (SharpFuzz's in-process fork server)
//   replay FORMAT CORPUS_ROOT FILE...         each file once, outcome per line; exit 1 on any finding
//   seeds FORMAT REAL_DIR REPO_ROOT OUT_DIR   first inputs for afl (see Seeds)
//   companions REAL_DIR OUT_DIR               the MATRIX partner files the targets hold fixed
if (args.Length < 1) return Usage();
string Scratch() => Path.Combine(Path.GetTempPath(), "stmkernel-fuzz-" + Environment.ProcessId);
switch (args[0])
{
    case "afl" when args.Length == 3:
    {
        var target = new FuzzTargets(args[2], Scratch()).Get(args[1]);
        SharpFuzz.Fuzzer.Run(stream =>
        {
            var input = new MemoryStream();
            stream.CopyTo(input);
            FuzzTargets.Run(target, input.ToArray()); // a FuzzFindingException escapes: afl records a crash
        });
        return 0;
    }
    case "replay" when args.Length >= 4:
    {
        var target = new FuzzTargets(args[2], Scratch()).Get(args[1]);
        int findings = 0;
        foreach (string file in args[3..])
        {
            try { Console.WriteLine($"{FuzzTargets.Run(target, File.ReadAllBytes(file)).ToString().ToLowerInvariant()}\t{file}"); }
            catch (FuzzFindingException e)
            {
                findings++;
                Console.WriteLine($"FINDING\t{file}\t{e.Message}\n{e.InnerException?.StackTrace}");
            }
        }
        return findings == 0 ? 0 : 1;
    }
    case "seeds" when args.Length == 5:
        Console.WriteLine($"{Seeds.Write(args[1], args[2], args[3], args[4])} seeds for {args[1]} in {args[4]}");
        return 0;
    case "companions" when args.Length == 3:
        Seeds.WriteCompanions(args[1], args[2]);
        return 0;
    default:
        return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: StmKernel.Fuzz afl FORMAT CORPUS_ROOT | replay FORMAT CORPUS_ROOT FILE... | seeds FORMAT REAL_DIR REPO_ROOT OUT_DIR | companions REAL_DIR OUT_DIR");
    return 2;
}
