using System;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// A dataset option that does not fit the folder it is applied to (e.g. rotation classes naming no subfolder).
    /// <see cref="Option"/> names the <see cref="DatasetOptions"/> property, so front ends can point at their own field.
    /// </summary>
    public sealed class DatasetOptionException : ArgumentException
    {
        /// <summary>Creates the exception for <paramref name="option"/>.</summary>
        public DatasetOptionException(string option, string message)
            : base(message)
        {
            Option = option;
        }

        /// <summary>The <see cref="DatasetOptions"/> property at fault (e.g. <c>OrientationClasses</c>).</summary>
        public string Option { get; }
    }
}
