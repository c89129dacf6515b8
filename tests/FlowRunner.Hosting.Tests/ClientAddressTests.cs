using System.Net;
using System.Net.Http.Json;
using FlowRunner.Hosting.Routes;
using FlowRunner.Testing;

namespace FlowRunner.Hosting.Tests;

/// <summary>Per-client limits behind proxies: X-Forwarded-For is believed from trusted proxies only; IPv6 counts per /64.</summary>
public sealed class ClientAddressTests
{
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.1");

    [Theory]
    [InlineData("203.0.113.9", "", "127.0.0.1")] // nothing trusted: the header is anyone's to send
    [InlineData("203.0.113.9", "127.0.0.1/32", "203.0.113.9")]
    [InlineData("203.0.113.9, 10.1.2.3", "127.0.0.1/32 10.0.0.0/8", "203.0.113.9")] // through two trusted proxies
    [InlineData("1.2.3.4, 203.0.113.9", "127.0.0.1/32", "203.0.113.9")] // what the client wrote itself is not believed
    [InlineData("not-an-address", "127.0.0.1/32", "127.0.0.1")]
    [InlineData("2001:db8:1:2::1", "127.0.0.1/32", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "127.0.0.1/32", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "127.0.0.1/32", "2001:db8:1:3::/64")]
    public void The_partition_is_the_client_the_trusted_proxies_saw(string forwardedFor, string trusted, string expected)
    {
        IPNetwork[] proxies = [.. trusted.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(IPNetwork.Parse)];
        Assert.Equal(expected, ClientAddress.Partition(Proxy, forwardedFor, proxies));
    }

    [Fact]
    public void A_peer_written_as_an_ipv4_mapped_ipv6_address_is_the_ipv4_address() =>
        Assert.Equal("203.0.113.9", ClientAddress.Partition(IPAddress.Parse("::ffff:127.0.0.1"), "203.0.113.9", [IPNetwork.Parse("127.0.0.1/32")]));

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_public_limit()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(configure: o =>
        {
            o.PublicRequestsPerMinute = 2;
            o.TrustedProxies.Add(IPNetwork.Parse("127.0.0.1/32"));
        });

        async Task<HttpStatusCode> LoginFromAsync(string client, int attempt)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
            {
                Content = JsonContent.Create(new { email = $"user{attempt}@example.com", password = "guess" }),
            };
            request.Headers.Add("X-Forwarded-For", client);
            return (await host.Client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await LoginFromAsync("203.0.113.1", 1));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginFromAsync("203.0.113.1", 2));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginFromAsync("203.0.113.1", 3));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginFromAsync("203.0.113.2", 4)); // another client behind the same proxy
    }
}
