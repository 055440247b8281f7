#nullable enable
using System;
using System.IO;

namespace LiveDiffusion.IO
{
    /// <summary>
    /// Writes files so that a reader (or a process killed at any moment) sees either the old file or the complete
    /// new one, never a torn write: the bytes go to a temporary file in the same folder, are flushed to disk, and the
    /// temporary file is renamed over the target.
    /// </summary>
    public static class AtomicFile
    {
        /// <summary>Suffix of the temporary files; a crash can leave one behind, never a torn target.</summary>
        public const string TempSuffix = ".partial";

        /// <summary>Writes <paramref name="path"/> through <paramref name="write"/> atomically.</summary>
        public static void Write(string path, Action<Stream> write)
        {
            if (path == null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            if (write == null)
            {
                throw new ArgumentNullException(nameof(write));
            }

            string full = Path.GetFullPath(path);
            string? folder = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            string temp = full + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + TempSuffix;
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }

                Replace(temp, full);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        /// <summary>Writes all of <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
        public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes, 0, bytes.Length));

        /// <summary>Writes <paramref name="text"/> as UTF-8 to <paramref name="path"/> atomically.</summary>
        public static void WriteAllText(string path, string text) => WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));

        /// <summary>Deletes temporary files that a killed writer left in <paramref name="folder"/>; returns how many.</summary>
        public static int CleanUp(string folder)
        {
            if (!Directory.Exists(folder))
            {
                return 0;
            }

            int removed = 0;
            foreach (string file in Directory.EnumerateFiles(folder, "*" + TempSuffix))
            {
                if (TryDelete(file))
                {
                    removed++;
                }
            }

            return removed;
        }

        private static void Replace(string source, string target)
        {
#if NETCOREAPP3_0_OR_GREATER
            File.Move(source, target, overwrite: true);
#else
            // .NET Standard 2.1 and .NET Framework 4.8 (Unity's two API levels) have no File.Move overwrite. rename(2)
            // replaces atomically on POSIX; File.Replace does the same on Windows when the target exists.
            if (File.Exists(target))
            {
                File.Replace(source, target, null, ignoreMetadataErrors: true);
            }
            else
            {
                File.Move(source, target);
            }
#endif
        }

        private static bool TryDelete(string path)
        {
            try
            {
                File.Delete(path);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
