using System;
using System.IO;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>How a <see cref="PanelServer"/> is started: where runs live, which datasets it may read, which port.</summary>
    public sealed class PanelOptions
    {
        /// <summary>The folder holding one subfolder per run (created when missing). Runs started elsewhere (e.g. by <c>livediffusion train --out</c>) are watched when they are in here.</summary>
        public string RunsFolder { get; init; } = Path.Combine(Environment.CurrentDirectory, "runs");

        /// <summary>Dataset folders must lie inside this folder (relative dataset paths are resolved against it).</summary>
        public string DataRoot { get; init; } = Environment.CurrentDirectory;

        /// <summary>TCP port on 127.0.0.1; 0 picks a free one. The server never listens on another interface.</summary>
        public int Port { get; init; }

        /// <summary>The session token; null makes a random one (256 bits). Every API call and the event stream must carry it.</summary>
        public string? Token { get; init; }

        /// <summary>CPU threads for libtorch in panel runs (0: all cores).</summary>
        public int Threads { get; init; }

        /// <summary>Where server messages go (start-up, errors); null discards them.</summary>
        public Action<string>? Log { get; init; }
    }
}
