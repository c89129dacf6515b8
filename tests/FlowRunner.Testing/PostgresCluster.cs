using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FlowRunner.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster: <c>initdb</c> into a temporary folder, <c>pg_ctl start</c> on a free loopback port
/// (as the <c>postgres</c> user when the tests run as root, since PostgreSQL refuses to run as root), stopped and
/// deleted when disposed. Nothing is skipped: if it cannot start, the test fails with PostgreSQL's own words.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly SemaphoreSlim Starting = new(1, 1);
    private readonly string _folder;
    private int _databases;

    private PostgresCluster(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Starts a new cluster.</summary>
    public static async Task<PostgresCluster> StartAsync()
    {
        await Starting.WaitAsync();
        try
        {
            string folder = Directory.CreateTempSubdirectory("flowrunner-pg-").FullName;
            bool root = Environment.UserName == "root";
            if (root)
            {
                Run("chown", "-R", "postgres:postgres", folder);
            }

            int port = FreePort();
            string data = Path.Combine(folder, "data");
            Run(root, "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
            Run(root, "pg_ctl", "-D", data, "-l", Path.Combine(folder, "log"), "-w", "-t", "60", "start",
                "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200");
            return new PostgresCluster(folder, port);
        }
        finally
        {
            Starting.Release();
        }
    }

    /// <summary>A connection string to the maintenance database.</summary>
    public string Admin => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string CreateDatabase()
    {
        string name = $"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..20];
        Run(Environment.UserName == "root", "psql", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres",
            "-v", "ON_ERROR_STOP=1", "-c", $"CREATE DATABASE {name};", "postgres");
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Run(Environment.UserName == "root", "pg_ctl", "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private static void Run(bool asPostgres, string tool, params string[] arguments) =>
        Run(asPostgres ? "runuser" : Bin(tool), asPostgres ? ["-u", "postgres", "--", Bin(tool), .. arguments] : arguments);

    // On the PATH, or where Debian's postgresql package puts it (/usr/lib/postgresql/<version>/bin), the newest first.
    private static string Bin(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
        ?? (Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0)
                .Select(d => Path.Combine(d, "bin", tool)).FirstOrDefault(File.Exists)
            : null)
        ?? tool;

    private static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0,
            $"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}{output.Result} (PostgreSQL 15's initdb and pg_ctl must be on the PATH; .ci/run installs them)");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
