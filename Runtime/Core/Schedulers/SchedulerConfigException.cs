#nullable enable
using System;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// A scheduler configuration is malformed: a key has a value of the wrong type or outside its allowed set, or
    /// names an unknown scheduler. The message names the key (and file, where known), the value and the fix.
    /// </summary>
    public sealed class SchedulerConfigException : Exception
    {
        /// <summary>Creates the exception with a complete, user-facing message.</summary>
        public SchedulerConfigException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a complete, user-facing message and its cause.</summary>
        public SchedulerConfigException(string message, Exception inner)
            : base(message, inner)
        {
        }
    }
}
