using FlowRunner.Engine.Binding;
using FlowRunner.Engine.Graph;

namespace FlowRunner.Engine.Tests.Binding;

public sealed class FlowBindingsTests
{
    [Fact]
    public void Parses_lanes_activities_options_input_and_timeouts()
    {
        FlowBindings bindings = FlowBindings.Parse(
            """
            {
              // comments and trailing commas are fine
              "lanes": { "Billing": "actor" },
              "nodes": {
                "n2": { "input": { "email": "email", "password": "secret", "note": "string?" }, "timeout": "PT15M" },
                "n3": { "activity": "test.record", "options": { "mode": "ok" }, "timeout": "01:00:00" },
              }
            }
            """, "f.bindings.json");
        Assert.Equal(LaneRole.Actor, bindings.Lanes["Billing"]);
        Assert.Equal(TimeSpan.FromMinutes(15), bindings.Nodes["n2"].Timeout);
        Assert.Equal(TimeSpan.FromHours(1), bindings.Nodes["n3"].Timeout);
        Assert.True(bindings.Nodes["n2"].Input["password"].IsSecret);
        Assert.False(bindings.Nodes["n2"].Input["note"].Required);
        Assert.Equal("test.record", bindings.Nodes["n3"].Activity);
        Assert.Equal("ok", bindings.Nodes["n3"].Options.GetProperty("mode").GetString());
    }

    [Theory]
    [InlineData("[]", "JSON object")]
    [InlineData("""{ "node": {} }""", "unknown section \"node\"")]
    [InlineData("""{ "lanes": { "A": "robot" } }""", "must be \"actor\" or \"service\"")]
    [InlineData("""{ "nodes": { "n1": { "activty": "x" } } }""", "unknown key \"activty\"")]
    [InlineData("""{ "nodes": { "n1": { "input": { "x": "colour" } } } }""", "must be one of string, email, secret")]
    [InlineData("""{ "nodes": { "n1": { "timeout": "soon" } } }""", "positive duration")]
    [InlineData("""{ "nodes": { "n1": { "timeout": "-PT5M" } } }""", "positive duration")]
    [InlineData("""{ "nodes": { "n1": { "activity": 3 } } }""", "must be a string")]
    [InlineData("""{ "nodes": """, "invalid JSON at line 1")]
    public void Invalid_files_say_where_and_why(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => FlowBindings.Parse(json, "f.bindings.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bindings_file_sits_beside_the_flow() =>
        Assert.Equal(Path.Combine("flows", "auth", "login.bindings.json"), FlowBindings.PathFor(Path.Combine("flows", "auth", "login.flow")));
}
