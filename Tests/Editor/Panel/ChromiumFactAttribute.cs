using System.IO;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Panel
{
    /// <summary>
    /// A fact that drives a real browser: skipped, with the reason, when Debian's chromium is not installed
    /// (xunit 2 has no dynamic skip). CI installs it (.ci/run); locally: <c>apt-get install chromium</c>.
    /// Playwright's own browser download is never used.
    /// </summary>
    public sealed class ChromiumFactAttribute : FactAttribute
    {
        /// <summary>The browser the panel tests drive.</summary>
        public const string ChromiumPath = "/usr/bin/chromium";

        public ChromiumFactAttribute()
        {
            if (!File.Exists(ChromiumPath))
            {
                Skip = $"needs Debian's chromium at {ChromiumPath} (apt-get install chromium; CI installs it)";
            }
        }
    }
}
