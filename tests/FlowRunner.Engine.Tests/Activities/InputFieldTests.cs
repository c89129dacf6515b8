using FlowRunner.Engine.Activities;

namespace FlowRunner.Engine.Tests.Activities;

/// <summary>The one email-address check: the engine's "email" fields and the gateway's public auth both use it.</summary>
public sealed class InputFieldTests
{
    [Theory]
    [InlineData("ann@example.com", true)]
    [InlineData("a@b", true)]
    [InlineData("@example.com", false)]
    [InlineData("ann@", false)]
    [InlineData("ann", false)]
    [InlineData("ann@ex@ample.com", false)]
    [InlineData("ann smith@example.com", false)]
    [InlineData("ann@example.com\n", false)]
    [InlineData("ann\u0000@example.com", false)]
    public void An_email_address_has_one_at_with_text_on_both_sides_and_no_space_or_control_character(string text, bool valid) =>
        Assert.Equal(valid, InputField.IsEmailAddress(text));

    [Fact]
    public void An_email_address_is_at_most_254_characters()
    {
        string domain = "@" + new string('d', 240) + ".com";
        Assert.True(InputField.IsEmailAddress(new string('a', 254 - domain.Length) + domain));
        Assert.False(InputField.IsEmailAddress(new string('a', 255 - domain.Length) + domain));
    }
}
