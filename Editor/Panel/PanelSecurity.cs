using System;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// The session token and the request checks that every call passes: the Host header must name the loopback
    /// address the server listens on (so a web page elsewhere cannot reach it through DNS rebinding), and every page,
    /// API call and event stream must carry the token (header <c>X-LiveDiffusion-Token</c>, or <c>?token=</c> where a
    /// browser cannot set headers: the page URL, the event stream and images). Only the static assets (the page's
    /// script, styles and the chart library) are served without it.
    /// </summary>
    internal sealed class PanelSecurity
    {
        /// <summary>The header that carries the token.</summary>
        public const string TokenHeader = "X-LiveDiffusion-Token";

        private readonly byte[] _token;

        public PanelSecurity(string? token)
        {
            Token = string.IsNullOrEmpty(token) ? NewToken() : token;
            _token = Encoding.UTF8.GetBytes(Token);
        }

        /// <summary>The session token.</summary>
        public string Token { get; }

        /// <summary>The port the server listens on (set once it is bound).</summary>
        public int Port { get; set; }

        /// <summary>A random 256-bit token, URL-safe.</summary>
        public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        /// <summary>Null when the request may go on; otherwise the status and the reason.</summary>
        public (int Status, string Reason)? Check(HttpContext context)
        {
            HostString host = context.Request.Host;
            bool loopbackHost = host.Host is "127.0.0.1" or "localhost" or "[::1]";
            if (!loopbackHost || (host.Port.HasValue && host.Port.Value != Port))
            {
                return (400, $"Host '{host}' is not this panel's address; open http://127.0.0.1:{Port}/.");
            }

            string path = context.Request.Path.Value ?? "/";
            if (path.StartsWith("/assets/", StringComparison.Ordinal))
            {
                return null;
            }

            string? presented = context.Request.Headers[TokenHeader].ToString();
            if (string.IsNullOrEmpty(presented))
            {
                presented = context.Request.Query["token"].ToString();
            }

            if (string.IsNullOrEmpty(presented))
            {
                return (401, "This panel needs its session token: open the URL that `livediffusion panel` printed (it ends with ?token=...).");
            }

            byte[] given = Encoding.UTF8.GetBytes(presented);
            if (!CryptographicOperations.FixedTimeEquals(given, _token))
            {
                return (401, "Wrong session token: the panel makes a new one each time it starts; open the URL it printed this time.");
            }

            return null;
        }
    }
}
