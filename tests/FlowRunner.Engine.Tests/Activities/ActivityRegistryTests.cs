using FlowRunner.Engine.Activities;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests.Activities;

public sealed class ActivityRegistryTests
{
    [Fact]
    public void Adding_the_same_handler_twice_does_nothing()
    {
        var registry = new ActivityRegistry().Add(new OutcomeActivity()).Add(new OutcomeActivity());
        Assert.Single(registry.Handlers);
    }

    [Fact]
    public void Two_handlers_claiming_one_type_or_label_is_an_error_naming_both()
    {
        var registry = new ActivityRegistry().Add(new OutcomeActivity());
        var type = Assert.Throws<InvalidOperationException>(() => registry.Add(new SameTypeActivity()));
        Assert.Contains(typeof(OutcomeActivity).FullName!, type.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(SameTypeActivity).FullName!, type.Message, StringComparison.Ordinal);

        var label = Assert.Throws<InvalidOperationException>(() => registry.Add(new SameLabelActivity()));
        Assert.Contains("test.outcome", label.Message, StringComparison.Ordinal);
        Assert.Contains("test.other", label.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Check it", true)]
    [InlineData("  CHECK   it? ", true)]
    [InlineData("check-it", true)]
    [InlineData("Check its", false)]
    public void Labels_bind_after_normalisation(string label, bool binds) =>
        Assert.Equal(binds, new ActivityRegistry().Add(new OutcomeActivity()).FindByLabel(label) is not null);

    [Theory]
    [InlineData("valid", "Yes", true)]
    [InlineData("true", "yes", true)]
    [InlineData("found", "Yes", true)]
    [InlineData("invalid", "No", true)]
    [InlineData("not found", "No", true)]
    [InlineData("approved", "Yes/Approved", true)]
    [InlineData("rejected", "No/Rejected", true)]
    [InlineData("Token issued", "token issued", true)]
    [InlineData("valid", "No", false)]
    [InlineData("maybe", "Yes", false)]
    [InlineData("valid", null, false)]
    public void Outcomes_match_labels_with_synonyms(string outcome, string? label, bool expected) =>
        Assert.Equal(expected, Outcomes.Matches(outcome, label));

    private sealed class SameTypeActivity : IActivityHandler
    {
        public string Type => "test.outcome";

        public IReadOnlyList<string> Outcomes => [];

        public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => ValueTask.FromResult(ActivityResult.Done());
    }

    private sealed class SameLabelActivity : IActivityHandler
    {
        public string Type => "test.other";

        public IReadOnlyList<string> Outcomes => [];

        public IReadOnlyList<string> Labels => ["check it"];

        public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => ValueTask.FromResult(ActivityResult.Done());
    }
}
