using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

/// <summary>A real <c>flowrunner serve</c> child process on a free 127.0.0.1 port, healthy when created, killed when disposed.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new(); // drained as it comes, so a full pipe never blocks the server
    private bool _disposed;

    private ServeProcess(Process process, int port, int grpcPort)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        process.OutputDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public HttpClient Client { get; }

    /// <summary>The serve process's id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The gateway's gRPC endpoint.</summary>
    public Uri GrpcAddress { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Serves the repository's flows with <paramref name="database"/> (bcrypt cost 4), these extra variables and arguments.</summary>
    public static Task<ServeProcess> StartAsync(string database, IReadOnlyDictionary<string, string>? environment = null, params string[] arguments) =>
        StartFolderAsync(RepoPaths.Flows, database, environment, arguments);

    /// <summary>Serves the flows of <paramref name="flows"/> with <paramref name="database"/> (bcrypt cost 4), these extra variables and arguments.</summary>
    public static async Task<ServeProcess> StartFolderAsync(string flows, string database, IReadOnlyDictionary<string, string>? environment = null, params string[] arguments)
    {
        int port = FreePort();
        int grpcPort = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "flowrunner.dll"), "serve", flows, "--db", database, "--urls", $"http://127.0.0.1:{port}", "--grpc-urls", $"http://127.0.0.1:{grpcPort}" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["FLOWRUNNER_BCRYPT_COST"] = "4";
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var serve = new ServeProcess(Process.Start(start)!, port, grpcPort);
        await serve.WaitUntilHealthyAsync();
        return serve;
    }

    /// <summary>The five keys <c>serve</c> needs with a database other nodes share, fresh and random, and bcrypt cost 4.</summary>
    public static Dictionary<string, string> Keys()
    {
        Dictionary<string, string> keys = new[] { "FLOWRUNNER_JWT_KEY", "FLOWRUNNER_SECRET_KEY", "FLOWRUNNER_PEPPER", "FLOWRUNNER_GATEWAY_KEY", "FLOWRUNNER_SERVICE_TOKEN" }
            .ToDictionary(k => k, _ => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        keys["FLOWRUNNER_BCRYPT_COST"] = "4";
        return keys;
    }

    // The built flowrunner as a child process, with these variables and standard input: its exit code and everything it wrote.
    public static async Task<(int ExitCode, string Output)> RunCliAsync(IReadOnlyDictionary<string, string> environment, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "flowrunner.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in new[] { "FLOWRUNNER_JWT_KEY", "FLOWRUNNER_SECRET_KEY", "FLOWRUNNER_PEPPER", "FLOWRUNNER_GATEWAY_KEY", "FLOWRUNNER_SERVICE_TOKEN" })
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input ?? string.Empty);
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>True once the process has ended (or was disposed).</summary>
    public bool HasExited => Volatile.Read(ref _disposed) || _process.HasExited;

    /// <summary>SIGKILL: no finally blocks run, no lease is given back.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, true);
        Client.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        for (int i = 0; i < 150; i++)
        {
            if (_process.HasExited)
            {
                Assert.Fail("flowrunner serve exited: " + Log);
            }

            try
            {
                if ((await Client.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail("flowrunner serve did not become healthy: " + Log);
    }
}
