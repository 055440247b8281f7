#nullable enable
using UnityEngine;

namespace LiveDiffusion.Unity
{
    /// <summary>
    /// A Texture2D that takes RGBA bytes, bottom row first (what <c>LiveDiffusion.Live.FrameRgba</c> and
    /// <c>LiveTextureFeed</c> write): one <c>LoadRawTextureData</c> and one <c>Apply</c> per upload, recreated only when
    /// the size changes. Repeat wrap and point filtering, so a tileable texture shows its pixels and tiles on a material.
    /// </summary>
    public sealed class LiveTexture
    {
        /// <summary>The texture; null before the first upload.</summary>
        public Texture2D? Texture { get; private set; }

        /// <summary>Uploads <paramref name="rgba"/> (<paramref name="width"/> x <paramref name="height"/> x 4 bytes); returns the texture.</summary>
        public Texture2D Upload(byte[] rgba, int width, int height)
        {
            if (Texture == null || Texture.width != width || Texture.height != height)
            {
                Release();
                Texture = new Texture2D(width, height, TextureFormat.RGBA32, false) { wrapMode = TextureWrapMode.Repeat, filterMode = FilterMode.Point };
            }

            Texture.LoadRawTextureData(rgba);
            Texture.Apply(false);
            return Texture;
        }

        /// <summary>Destroys the texture (engine textures are not collected by the garbage collector).</summary>
        public void Release()
        {
            if (Texture != null)
            {
                Object.Destroy(Texture);
                Texture = null;
            }
        }
    }
}
