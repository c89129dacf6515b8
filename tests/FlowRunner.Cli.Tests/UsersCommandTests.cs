using FlowRunner.Testing;

namespace FlowRunner.Cli.Tests;

public sealed class UsersCommandTests
{
    [Fact]
    public void Create_list_and_unlock_users_with_the_password_on_standard_input_only()
    {
        using var flows = new TempFlows();
        string db = Path.Combine(flows.Root, "f.db");
        var (created, output, error) = CliRunner.RunWithInput("correct horse battery\n", "users", "create", "--email", "Ann@Example.com", "--password-stdin", "--db", db);
        Assert.True(created == 0, error);
        Assert.Contains("created user ann@example.com", output, StringComparison.Ordinal);

        Assert.Equal(1, CliRunner.RunWithInput("another pass\n", "users", "create", "--email", "ann@example.com", "--password-stdin", "--db", db).ExitCode);
        Assert.Equal(2, CliRunner.Run("users", "create", "--email", "bob@example.com", "--db", db).ExitCode);
        Assert.Equal(2, CliRunner.RunWithInput(new string('a', 73) + "\n", "users", "create", "--email", "bob@example.com", "--password-stdin", "--db", db).ExitCode);

        var (listed, list, _) = CliRunner.Run("users", "list", "--db", db);
        Assert.Equal(0, listed);
        Assert.Contains("ann@example.com", list, StringComparison.Ordinal);
        Assert.DoesNotContain("$2b$", list, StringComparison.Ordinal);

        Assert.Equal(0, CliRunner.Run("users", "unlock", "ann@example.com", "--db", db).ExitCode);
        Assert.Equal(1, CliRunner.Run("users", "unlock", "nobody@example.com", "--db", db).ExitCode);

        string keys = db + ".keys.json";
        Assert.True(File.Exists(keys));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        }
    }

    [Fact]
    public void Shipped_auth_flows_bind_every_node_under_strict_validation()
    {
        var (code, output, _) = CliRunner.Run("validate", "--strict", Path.Combine(RepoPaths.Root, "flows", "auth"));
        Assert.Equal(0, code);
        Assert.Contains("0 errors, 0 warnings", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FZ2001", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Login_runs_on_the_real_operations_from_the_command_line()
    {
        using var flows = new TempFlows();
        string db = Path.Combine(flows.Root, "f.db");
        Environment.SetEnvironmentVariable("FLOWRUNNER_BCRYPT_COST", "4");
        try
        {
            Assert.Equal(0, CliRunner.RunWithInput("correct horse battery\n", "users", "create", "--email", "ann@example.com", "--password-stdin", "--db", db).ExitCode);
            string answers = flows.Write("answers.json", """{"answers": {"n2": [{"email": "ann@example.com", "password": "correct horse battery"}]}}""");
            var (code, output, error) = CliRunner.Run("run", Path.Combine(RepoPaths.Root, "flows", "auth", "login.flow"), "--answers", answers, "--format", "json", "--db", db);
            Assert.True(code == 0, error);
            using var json = System.Text.Json.JsonDocument.Parse(output);
            Assert.Equal("completed", json.RootElement.GetProperty("status").GetString());
            Assert.Equal("Bearer", json.RootElement.GetProperty("outputs").GetProperty("token_type").GetString());
            Assert.Equal(3, json.RootElement.GetProperty("outputs").GetProperty("access_token").GetString()!.Split('.').Length);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLOWRUNNER_BCRYPT_COST", null);
        }
    }

    [Fact]
    public void A_key_file_other_users_can_read_is_refused_with_the_fix()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var flows = new TempFlows();
        string db = Path.Combine(flows.Root, "f.db");
        Assert.Equal(0, CliRunner.RunWithInput("correct horse battery\n", "users", "create", "--email", "ann@example.com", "--password-stdin", "--db", db).ExitCode); // makes the key file, mode 0600
        string keys = db + ".keys.json";
        File.SetUnixFileMode(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (exit, _, error) = CliRunner.Run("users", "list", "--db", db);

        Assert.Equal(2, exit);
        Assert.Contains(keys, error, StringComparison.Ordinal);
        Assert.Contains("chmod 600", error, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_file_that_is_not_json_is_refused_with_the_fix()
    {
        using var flows = new TempFlows();
        string db = Path.Combine(flows.Root, "f.db");
        Assert.Equal(0, CliRunner.RunWithInput("correct horse battery\n", "users", "create", "--email", "ann@example.com", "--password-stdin", "--db", db).ExitCode);
        File.WriteAllText(db + ".keys.json", "not json");

        var (exit, _, error) = CliRunner.Run("users", "list", "--db", db);

        Assert.Equal(2, exit);
        Assert.Contains("is not a key file", error, StringComparison.Ordinal);
    }
}
