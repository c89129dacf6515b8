using System.Net;
using System.Net.Sockets;

namespace FlowRunner.Hosting.Routes;

/// <summary>
/// Who a request comes from, for per-client limits: the peer, or behind trusted proxies the address they forwarded
/// (X-Forwarded-For read right to left, skipping the trusted proxies themselves); IPv6 clients count per /64, the
/// block one subscriber usually holds.
/// </summary>
internal static class ClientAddress
{
    /// <summary>The limit partition of a request.</summary>
    public static string Partition(IPAddress? peer, string? forwardedFor, IEnumerable<IPNetwork> trustedProxies)
    {
        IPAddress? client = peer is null ? null : Unmap(peer);
        if (client is not null && IsTrusted(client, trustedProxies) && !string.IsNullOrWhiteSpace(forwardedFor))
        {
            foreach (string hop in forwardedFor.Split(',').Reverse())
            {
                if (!IPAddress.TryParse(hop.Trim(), out IPAddress? forwarded))
                {
                    break; // a hop that is no address: trust nothing further left
                }

                client = Unmap(forwarded);
                if (!IsTrusted(client, trustedProxies))
                {
                    break;
                }
            }
        }

        if (client is null)
        {
            return "unknown";
        }

        if (client.AddressFamily == AddressFamily.InterNetworkV6)
        {
            byte[] bytes = client.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return client.ToString();
    }

    private static bool IsTrusted(IPAddress address, IEnumerable<IPNetwork> trustedProxies) =>
        trustedProxies.Any(network => network.Contains(address));

    private static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
