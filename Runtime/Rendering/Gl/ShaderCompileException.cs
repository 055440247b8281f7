using System;

namespace LiveDiffusion.Rendering.Gl
{
    /// <summary>A GLSL shader failed to compile or a program failed to link; the message carries the driver's info log.</summary>
    public sealed class ShaderCompileException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public ShaderCompileException(string stage, string infoLog)
            : base($"{stage} failed: {infoLog.Trim()}")
        {
            Stage = stage;
            InfoLog = infoLog;
        }

        /// <summary>What failed, e.g. "Compiling the fragment shader of 'latent preview'" or "Linking 'latent preview'".</summary>
        public string Stage { get; }

        /// <summary>The info log of the shader or program, as the driver wrote it.</summary>
        public string InfoLog { get; }
    }
}
