#nullable enable
using System;

namespace LiveDiffusion.Models
{
    /// <summary>A model configuration or model folder is missing a part or holds a value this runtime cannot use; the message names the file, the key and the fix.</summary>
    public sealed class ModelConfigException : Exception
    {
        /// <summary>Creates the exception with its message.</summary>
        public ModelConfigException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with its message and cause.</summary>
        public ModelConfigException(string message, Exception inner)
            : base(message, inner)
        {
        }
    }
}
