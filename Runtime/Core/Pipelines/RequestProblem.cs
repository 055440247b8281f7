#nullable enable
using System;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// One thing wrong with a request, found before any work starts: the setting it concerns (the request property's
    /// name, e.g. <c>Steps</c>, so a host can name its own field or option for it) and a sentence saying what is wrong
    /// and what to give instead.
    /// </summary>
    public sealed class RequestProblem
    {
        /// <summary>Creates a problem with <paramref name="setting"/> (a request property's name) and <paramref name="message"/>.</summary>
        /// <exception cref="ArgumentException">Either is null or empty.</exception>
        public RequestProblem(string setting, string message)
        {
            Setting = string.IsNullOrEmpty(setting) ? throw new ArgumentException("Name the setting.", nameof(setting)) : setting;
            Message = string.IsNullOrEmpty(message) ? throw new ArgumentException("Say what is wrong.", nameof(message)) : message;
        }

        /// <summary>The request property concerned, e.g. <c>ClassName</c>, <c>Steps</c>, <c>Scheduler</c>.</summary>
        public string Setting { get; }

        /// <summary>What is wrong and what to give instead, one sentence without the setting's name.</summary>
        public string Message { get; }

        /// <inheritdoc/>
        public override string ToString() => Setting + ": " + Message;
    }
}
