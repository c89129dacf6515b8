using System.CommandLine;
using System.Globalization;
using FlowRunner.Activities.Identity;
using FlowRunner.Activities.Identity.Data;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Cli.Commands;

/// <summary><c>flowrunner users create --email E --password-stdin</c>, <c>users list</c>, <c>users unlock E</c>.</summary>
internal static class UsersCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> database = EngineOptions.Database();
        database.Recursive = true;

        var email = new Option<string>("--email") { Description = "The user's email address.", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (never from the command line)." };
        var role = new Option<string>("--role") { Description = "The role claim of the user's tokens.", DefaultValueFactory = _ => "user" };
        var mfa = new Option<string?>("--mfa") { Description = "Turn on a second factor sent by email: 'email'. (An authenticator app is set up with flows/auth/2fa-setup.flow.)" };
        mfa.AcceptOnlyFromAmong("email");
        var create = new Command("create", "Create a user with a bcrypt-hashed password.") { email, passwordStdin, role, mfa };
        create.SetAction((r, ct) => CreateAsync(console, r.GetValue(database)!, r.GetValue(email)!, r.GetValue(passwordStdin), r.GetValue(role)!, r.GetValue(mfa), ct));

        var list = new Command("list", "List users: email, role, two-factor and lock state (never hashes or secrets).");
        list.SetAction((r, ct) => ListAsync(console, r.GetValue(database)!, ct));

        var unlockEmail = new Argument<string>("email") { Description = "The locked user's email address." };
        var unlock = new Command("unlock", "Lift a lockout and reset the failed-attempt count.") { unlockEmail };
        unlock.SetAction((r, ct) => UnlockAsync(console, r.GetValue(database)!, r.GetValue(unlockEmail)!, ct));

        return new Command("users", "Manage the users of the identity activities.") { database, create, list, unlock };
    }

    private static async Task<int> CreateAsync(CliConsole console, string database, string email, bool passwordStdin, string role, string? mfa, CancellationToken cancellationToken)
    {
        if (!passwordStdin)
        {
            console.Error.WriteLine("flowrunner: pass the password on standard input with --password-stdin (a password on the command line ends up in shell history)");
            return ExitCodes.UsageOrIo;
        }

        string password = (console.In.ReadLine() ?? string.Empty).TrimEnd('\r', '\n');
        if (IdentityServices.PasswordProblem(password) is { } problem)
        {
            console.Error.WriteLine($"flowrunner: {problem}");
            return ExitCodes.UsageOrIo;
        }

        if (!email.Contains('@', StringComparison.Ordinal))
        {
            console.Error.WriteLine($"flowrunner: '{email}' is not an email address");
            return ExitCodes.UsageOrIo;
        }

        EngineSetup engine = await EngineSetup.OpenAsync(database, cancellationToken, recover: false).ConfigureAwait(false);
        string hash = engine.Identity.HashPassword(password); // bcrypt before the write lock is taken
        await using IUnitOfWork work = await engine.Store.BeginWorkAsync(cancellationToken).ConfigureAwait(false);
        IIdentityStore users = work.Store<IIdentityStore>();
        if (await users.FindByEmailAsync(email).ConfigureAwait(false) is not null)
        {
            console.Error.WriteLine($"flowrunner: a user with email '{UserRecord.NormalizeEmail(email)}' already exists");
            return ExitCodes.Failed;
        }

        DateTimeOffset now = engine.Time.GetUtcNow();
        string id = await users.CreateUserAsync(email, hash, role, now).ConfigureAwait(false);
        if (mfa == "email")
        {
            await users.EnableEmailMfaAsync(id, now).ConfigureAwait(false);
        }

        await users.AuditAsync(id, "user.created", mfa is null ? null : "second factor: " + mfa, now).ConfigureAwait(false);
        await work.CommitAsync(cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine($"created user {UserRecord.NormalizeEmail(email)} ({id})");
        return ExitCodes.Ok;
    }

    private static async Task<int> ListAsync(CliConsole console, string database, CancellationToken cancellationToken)
    {
        if (await EngineSetup.OpenExistingAsync(console, database, cancellationToken, recover: false).ConfigureAwait(false) is not { } engine)
        {
            return ExitCodes.UsageOrIo;
        }

        await using IUnitOfWork work = await engine.Store.BeginWorkAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<UserRecord> users = await work.Store<IIdentityStore>().ListAsync().ConfigureAwait(false);
        DateTimeOffset now = engine.Time.GetUtcNow();
        console.Out.WriteLine($"{"EMAIL",-32}  {"ROLE",-8}  {"2FA",-3}  {"FAILED",6}  LOCKED");
        foreach (UserRecord user in users)
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{user.Email,-32}  {user.Role,-8}  {(user.MfaEnabled == 1 ? "on" : "off"),-3}  {user.FailedAttempts,6}  {(user.IsLockedAt(now) ? "until " + user.LockedUntil : "no")}"));
        }

        console.Out.WriteLine($"{users.Count} user(s)");
        return ExitCodes.Ok;
    }

    private static async Task<int> UnlockAsync(CliConsole console, string database, string email, CancellationToken cancellationToken)
    {
        if (await EngineSetup.OpenExistingAsync(console, database, cancellationToken, recover: false).ConfigureAwait(false) is not { } engine)
        {
            return ExitCodes.UsageOrIo;
        }

        await using IUnitOfWork work = await engine.Store.BeginWorkAsync(cancellationToken).ConfigureAwait(false);
        IIdentityStore users = work.Store<IIdentityStore>();
        DateTimeOffset now = engine.Time.GetUtcNow();
        UserRecord? user = await users.FindByEmailAsync(email).ConfigureAwait(false);
        if (user is null || !await users.UnlockAsync(email, now).ConfigureAwait(false))
        {
            console.Error.WriteLine($"flowrunner: no user has email '{UserRecord.NormalizeEmail(email)}'");
            return ExitCodes.Failed;
        }

        await users.AuditAsync(user.Id, "user.unlocked", "by the operator", now).ConfigureAwait(false);
        await work.CommitAsync(cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine($"unlocked {user.Email}");
        return ExitCodes.Ok;
    }
}
