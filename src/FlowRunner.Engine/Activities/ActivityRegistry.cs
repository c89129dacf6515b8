using System.Text;

namespace FlowRunner.Engine.Activities;

/// <summary>
/// The handlers nodes can bind to. Adding the same handler twice does nothing; two handlers claiming one type
/// or one label is an error naming both.
/// </summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, IActivityHandler> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActivityHandler> _byLabel = new(StringComparer.Ordinal);

    /// <summary>Every registered handler.</summary>
    public IEnumerable<IActivityHandler> Handlers => _byType.Values;

    /// <summary>Registers a handler.</summary>
    /// <exception cref="InvalidOperationException">Another handler already claims its type or one of its labels.</exception>
    public ActivityRegistry Add(IActivityHandler handler)
    {
        if (_byType.TryGetValue(handler.Type, out IActivityHandler? existing))
        {
            if (ReferenceEquals(existing, handler) || existing.GetType() == handler.GetType())
            {
                return this;
            }

            throw new InvalidOperationException(
                $"Activity type '{handler.Type}' is claimed by both {existing.GetType().FullName} and {handler.GetType().FullName}.");
        }

        foreach (string label in handler.Labels)
        {
            string key = Normalize(label);
            if (_byLabel.TryGetValue(key, out IActivityHandler? other))
            {
                throw new InvalidOperationException(
                    $"Label \"{label}\" is claimed by both '{other.Type}' ({other.GetType().FullName}) and '{handler.Type}' ({handler.GetType().FullName}).");
            }
        }

        _byType.Add(handler.Type, handler);
        foreach (string label in handler.Labels)
        {
            _byLabel.Add(Normalize(label), handler);
        }

        return this;
    }

    /// <summary>The handler of a type, or null.</summary>
    public IActivityHandler? Find(string type) => _byType.GetValueOrDefault(type);

    /// <summary>The handler bound to a node label (compared normalised), or null.</summary>
    public IActivityHandler? FindByLabel(string label) => _byLabel.GetValueOrDefault(Normalize(label));

    /// <summary>Lower case, punctuation dropped, runs of white space as one space: "Verify  OTP-code?" is "verify otp code".</summary>
    public static string Normalize(string label)
    {
        var builder = new StringBuilder(label.Length);
        bool space = false;
        foreach (char c in label)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (space && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else
            {
                space = true;
            }
        }

        return builder.ToString();
    }
}
