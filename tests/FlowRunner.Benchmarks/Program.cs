using FlowRunner.Benchmarks;

// dotnet run -c Release --project tests/FlowRunner.Benchmarks [-- engine [--json] | identity | gateway [clients] [seconds] | parser [sizes...] | postgres [warm-up instances per node] | cold]
// With no argument: the parser at 1k, 10k and 100k nodes, then the cold start of flowrunner validate.
return args.FirstOrDefault() switch
{
    "engine" => await EngineBenchmark.RunAsync([.. args.Skip(1)]),
    "identity" => await IdentityBenchmark.RunAsync([.. args.Skip(1)]),
    "gateway" => await GatewayBenchmark.RunAsync([.. args.Skip(1)]),
    "parser" => ParserBenchmark.Run([.. args.Skip(1)]),
    "postgres" => await PostgresBenchmark.RunAsync([.. args.Skip(1)]),
    "cold" => ColdStartBenchmark.Run(),
    null => ParserBenchmark.Run([]) is int failed and not 0 ? failed : ColdStartBenchmark.Run(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FlowRunner.Benchmarks [engine [--json] | identity | gateway [clients] [seconds] | parser [sizes...] | postgres [warm-up instances per node] | cold]");
    return 2;
}

namespace FlowRunner.Benchmarks
{
    internal static class Benchmark
    {
        // Progress on a terminal, nothing when standard error is redirected (the figures go to standard output).
        public static FlowRunner.Cli.Output.ProgressLine Progress() => new(Console.Error, !Console.IsErrorRedirected);
    }
}
