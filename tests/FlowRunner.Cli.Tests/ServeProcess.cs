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
