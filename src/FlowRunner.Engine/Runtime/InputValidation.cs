using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Engine.Runtime;

/// <summary>Checks an answer against what the wait expects, and redacts it for the journal.</summary>
internal static class InputValidation
{
    public static void Check(string nodeId, WaitRequest wait, ImmutableDictionary<string, JsonElement> input)
    {
        if (!wait.Choices.IsEmpty)
        {
            string? outcome = input.TryGetValue("outcome", out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (outcome is null || !wait.Choices.Any(c => Outcomes.Matches(outcome, c)))
            {
                throw new InvalidInputException($"'{nodeId}' waits for a choice: answer {{\"outcome\": \"...\"}} with one of {string.Join(", ", wait.Choices.Select(c => "\"" + c + "\""))}");
            }

            return;
        }

        foreach ((string name, InputField field) in wait.Fields)
        {
            if (!input.TryGetValue(name, out JsonElement value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                if (field.Required)
                {
                    throw new InvalidInputException($"'{nodeId}' expects field '{name}' ({field.Type}); it is missing");
                }

                continue;
            }

            string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            bool fits = field.Type switch
            {
                "number" => value.ValueKind == JsonValueKind.Number,
                "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                "email" => text is not null && InputField.IsEmailAddress(text),
                _ => text is not null,
            };
            if (!fits)
            {
                throw new InvalidInputException($"'{nodeId}' expects field '{name}' to be {Article(field.Type)}");
            }

            // No database's text can hold U+0000 (PostgreSQL refuses it), and no form sends it.
            if (text is not null && text.Contains('\0', StringComparison.Ordinal))
            {
                throw new InvalidInputException($"'{nodeId}' expects field '{name}' to be {Article(field.Type)} without NUL characters (U+0000)");
            }
        }

        string[] unknown = [.. input.Keys.Where(k => !wait.Fields.ContainsKey(k) && k != "outcome").Order(StringComparer.Ordinal)];
        if (unknown.Length > 0)
        {
            string expected = wait.Fields.IsEmpty ? "no fields (answer {})" : "fields " + string.Join(", ", wait.Fields.Keys);
            throw new InvalidInputException($"'{nodeId}' does not expect {string.Join(", ", unknown.Select(u => "'" + u + "'"))}; it expects {expected}");
        }
    }

    /// <summary>Field names, and values only of fields that are neither secret nor undeclared.</summary>
    public static string Redact(WaitRequest wait, ImmutableDictionary<string, JsonElement> input) =>
        string.Join(", ", input.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            p.Key == "outcome" ? "outcome=" + p.Value.GetRawText()
            : wait.Fields.TryGetValue(p.Key, out InputField? field) && !field.IsSecret && field.Type != "email" ? p.Key + "=" + p.Value.GetRawText()
            : p.Key + "=***"));

    private static string Article(string type) => type switch
    {
        "email" => "an email address",
        "number" => "a number",
        "boolean" => "true or false",
        _ => "a string",
    };
}
