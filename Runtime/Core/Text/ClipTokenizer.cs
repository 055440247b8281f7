#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using LiveDiffusion.IO.Json;
using System.Text.RegularExpressions;

namespace LiveDiffusion.Text
{
    /// <summary>
    /// CLIP's byte-level BPE tokenizer (OpenAI's SimpleTokenizer, as Stable Diffusion's text encoders expect it):
    /// HTML-unescape, collapse whitespace, lowercase, split with CLIP's pattern (contractions, letter runs, single
    /// digits, runs of other symbols), map each word's UTF-8 bytes to CLIP's printable byte alphabet, mark its end
    /// with <c>&lt;/w&gt;</c>, apply the merges in rank order, and look the pieces up in the vocabulary.
    /// Written here rather than taken from Microsoft.ML.Tokenizers because it must live in the netstandard2.1 runtime
    /// with no extra dependency and reproduce SimpleTokenizer's cleaning and digit splitting exactly; ftfy's mojibake
    /// repair is not reproduced (it changes only broken text).
    /// </summary>
    public sealed class ClipTokenizer
    {
        /// <summary>The token that starts every sequence.</summary>
        public const string StartToken = "<|startoftext|>";

        /// <summary>The token that ends every sequence (and pads SD 1.x sequences).</summary>
        public const string EndToken = "<|endoftext|>";

        /// <summary>CLIP text encoders take 77 tokens, start and end included.</summary>
        public const int DefaultMaxLength = 77;

        /// <summary>
        /// vocab.json as token → id, read with the package's own JSON reader (no reflection, which IL2CPP strips).
        /// </summary>
        /// <exception cref="InvalidDataException">Not a JSON object of token → integer id; the message names the file.</exception>
        private static Dictionary<string, int> ReadVocabulary(string vocabPath)
        {
            if (!(ParseFile(vocabPath) is JsonObject entries))
            {
                throw new InvalidDataException($"{vocabPath} is not a JSON object of token → id.");
            }

            var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, JsonNode?> entry in entries)
            {
                vocab[entry.Key] = entry.Value is JsonValue value && value.TryGetNumber(out double id) && id == Math.Floor(id) && id >= 0 && id <= int.MaxValue
                    ? (int)id
                    : throw new InvalidDataException($"{vocabPath}: token '{entry.Key}' has id {entry.Value?.ToJsonString() ?? "null"}; ids are integers (0 or more).");
            }

            return vocab;
        }

        /// <exception cref="InvalidDataException">Not valid JSON; the message names the file and the place.</exception>
        private static JsonNode? ParseFile(string path)
        {
            try
            {
                return JsonText.Parse(File.ReadAllText(path));
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path} is not valid JSON ({e.Message}).", e);
            }
        }

        private static readonly Regex Pattern = new Regex(
            @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

        private static readonly Regex Whitespace = new Regex(@"\s+", RegexOptions.Compiled);
        private static readonly char[] ByteToChar = BuildByteAlphabet();

        private readonly Dictionary<string, int> _vocab;
        private readonly Dictionary<int, string> _inverse;
        private readonly Dictionary<(string, string), int> _ranks;
        private readonly Dictionary<string, string[]> _cache = new Dictionary<string, string[]>(StringComparer.Ordinal);

        /// <summary>Creates a tokenizer from a vocabulary (token → id) and merges (pairs in rank order).</summary>
        public ClipTokenizer(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, int padTokenId)
        {
            _vocab = vocab.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            _inverse = new Dictionary<int, string>();
            foreach (KeyValuePair<string, int> pair in _vocab)
            {
                _inverse[pair.Value] = pair.Key;
            }

            _ranks = new Dictionary<(string, string), int>();
            for (int i = 0; i < merges.Count; i++)
            {
                _ranks[merges[i]] = i;
            }

            StartTokenId = Id(StartToken);
            EndTokenId = Id(EndToken);
            PadTokenId = padTokenId;
        }

        /// <summary>Id of <c>&lt;|startoftext|&gt;</c> (49406 in CLIP).</summary>
        public int StartTokenId { get; }

        /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (49407 in CLIP).</summary>
        public int EndTokenId { get; }

        /// <summary>The id sequences are padded with: 49407 for SD 1.x exports, 0 for OpenCLIP-based ones (SD 2.x).</summary>
        public int PadTokenId { get; }

        /// <summary>Number of entries in the vocabulary.</summary>
        public int VocabularySize => _vocab.Count;

        /// <summary>
        /// Loads <c>vocab.json</c> and <c>merges.txt</c> from a tokenizer folder; the pad token comes from
        /// <c>tokenizer_config.json</c> / <c>special_tokens_map.json</c> when present (<c>pad_token</c>), else the
        /// end token. Errors name the missing file.
        /// </summary>
        public static ClipTokenizer Load(string folder)
        {
            string vocabPath = Path.Combine(folder, "vocab.json");
            string mergesPath = Path.Combine(folder, "merges.txt");
            foreach (string path in new[] { vocabPath, mergesPath })
            {
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException($"Tokenizer file not found: {path}. A CLIP tokenizer folder needs vocab.json and merges.txt.", path);
                }
            }

            Dictionary<string, int> vocab = ReadVocabulary(vocabPath);
            var merges = new List<(string, string)>();
            foreach (string line in File.ReadLines(mergesPath))
            {
                if (line.StartsWith("#version", StringComparison.Ordinal) || line.Length == 0)
                {
                    continue;
                }

                int space = line.IndexOf(' ');
                if (space <= 0)
                {
                    throw new InvalidDataException($"{mergesPath}: line '{line}' is not a merge ('left right').");
                }

                merges.Add((line.Substring(0, space), line.Substring(space + 1)));
            }

            var tokenizer = new ClipTokenizer(vocab, merges, 0);
            int pad = tokenizer.EndTokenId;
            foreach (string name in new[] { "tokenizer_config.json", "special_tokens_map.json" })
            {
                string path = Path.Combine(folder, name);
                if (!File.Exists(path))
                {
                    continue;
                }

                JsonNode? padToken = ParseFile(path)?["pad_token"];
                if (padToken != null)
                {
                    string? content = padToken is JsonObject token ? (string?)token["content"] : (string?)padToken;
                    if (content != null && vocab.TryGetValue(content, out int id))
                    {
                        pad = id;
                        break;
                    }
                }
            }

            return new ClipTokenizer(vocab, merges, pad);
        }

        /// <summary>The token ids of <paramref name="text"/>, without start/end tokens and without truncation.</summary>
        public IReadOnlyList<int> Encode(string text)
        {
            var ids = new List<int>();
            foreach (string piece in Tokens(text))
            {
                ids.Add(Id(piece));
            }

            return ids;
        }

        /// <summary>The BPE pieces of <paramref name="text"/> (e.g. <c>"cat&lt;/w&gt;"</c>), without start/end tokens.</summary>
        public IReadOnlyList<string> Tokens(string text)
        {
            var pieces = new List<string>();
            string cleaned = Clean(text);
            foreach (Match match in Pattern.Matches(cleaned))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(match.Value);
                var word = new StringBuilder(bytes.Length);
                foreach (byte b in bytes)
                {
                    word.Append(ByteToChar[b]);
                }

                pieces.AddRange(Bpe(word.ToString()));
            }

            return pieces;
        }

        /// <summary>
        /// The model input: start token, the ids, end token, padded with <see cref="PadTokenId"/> to
        /// <paramref name="maxLength"/>. Longer prompts are cut to fit; <see cref="TokenizedPrompt.Truncated"/> says
        /// what was cut.
        /// </summary>
        public TokenizedPrompt EncodeForModel(string text, int maxLength = DefaultMaxLength)
        {
            if (maxLength < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(maxLength), "At least the start and end tokens must fit.");
            }

            IReadOnlyList<string> pieces = Tokens(text);
            int room = maxLength - 2;
            int kept = Math.Min(room, pieces.Count);
            var ids = new int[maxLength];
            ids[0] = StartTokenId;
            for (int i = 0; i < kept; i++)
            {
                ids[i + 1] = Id(pieces[i]);
            }

            ids[kept + 1] = EndTokenId;
            for (int i = kept + 2; i < maxLength; i++)
            {
                ids[i] = PadTokenId;
            }

            string truncated = pieces.Count > room ? Decode(pieces.Skip(room)) : string.Empty;
            return new TokenizedPrompt(ids, kept + 2, pieces.Take(kept).ToArray(), truncated);
        }

        /// <summary>Text of a sequence of pieces (<c>&lt;/w&gt;</c> becomes a space).</summary>
        public string Decode(IEnumerable<string> pieces)
        {
            var bytes = new List<byte>();
            string joined = string.Concat(pieces).Replace("</w>", " ");
            foreach (char c in joined)
            {
                int b = c == ' ' ? ' ' : Array.IndexOf(ByteToChar, c);
                if (b >= 0)
                {
                    bytes.Add((byte)b);
                }
            }

            return Encoding.UTF8.GetString(bytes.ToArray()).Trim();
        }

        /// <summary>Text of token ids (special tokens dropped).</summary>
        public string Decode(IEnumerable<int> ids) =>
            Decode(ids.Where(i => i != StartTokenId && i != EndTokenId && _inverse.ContainsKey(i)).Select(i => _inverse[i].Replace("</w>", " ")));

        private int Id(string piece) =>
            _vocab.TryGetValue(piece, out int id) ? id : throw new InvalidDataException($"Token '{piece}' is not in the vocabulary: vocab.json and merges.txt do not belong together.");

        private static string Clean(string text)
        {
            // SimpleTokenizer: ftfy.fix_text, html.unescape twice, strip; whitespace runs → one space; lowercase.
            string unescaped = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)).Trim();
            return Whitespace.Replace(unescaped, " ").Trim().ToLowerInvariant();
        }

        private string[] Bpe(string token)
        {
            if (_cache.TryGetValue(token, out string[]? cached))
            {
                return cached;
            }

            var word = new List<string>(token.Length);
            for (int i = 0; i < token.Length - 1; i++)
            {
                word.Add(token[i].ToString());
            }

            word.Add(token[token.Length - 1] + "</w>");
            while (word.Count > 1)
            {
                int best = int.MaxValue;
                int at = -1;
                for (int i = 0; i < word.Count - 1; i++)
                {
                    if (_ranks.TryGetValue((word[i], word[i + 1]), out int rank) && rank < best)
                    {
                        best = rank;
                        at = i;
                    }
                }

                if (at < 0)
                {
                    break;
                }

                // Merge every occurrence of the best pair, left to right (as the reference does).
                string left = word[at], right = word[at + 1];
                var merged = new List<string>(word.Count);
                for (int i = 0; i < word.Count; i++)
                {
                    if (i < word.Count - 1 && word[i] == left && word[i + 1] == right)
                    {
                        merged.Add(left + right);
                        i++;
                    }
                    else
                    {
                        merged.Add(word[i]);
                    }
                }

                word = merged;
            }

            string[] result = word.ToArray();
            if (_cache.Count < 10000)
            {
                _cache[token] = result;
            }

            return result;
        }

        private static char[] BuildByteAlphabet()
        {
            // GPT-2/CLIP bytes_to_unicode: printable bytes map to themselves, the rest to 256 + n in order.
            var map = new char[256];
            var printable = new bool[256];
            for (int b = '!'; b <= '~'; b++)
            {
                printable[b] = true;
            }

            for (int b = 0xA1; b <= 0xAC; b++)
            {
                printable[b] = true;
            }

            for (int b = 0xAE; b <= 0xFF; b++)
            {
                printable[b] = true;
            }

            int n = 0;
            for (int b = 0; b < 256; b++)
            {
                map[b] = printable[b] ? (char)b : (char)(256 + n++);
            }

            return map;
        }
    }

    /// <summary>A prompt as the text encoder takes it.</summary>
    public sealed class TokenizedPrompt
    {
        internal TokenizedPrompt(int[] ids, int used, IReadOnlyList<string> pieces, string truncated)
        {
            Ids = ids;
            Used = used;
            Pieces = pieces;
            Truncated = truncated;
        }

        /// <summary>Start, tokens, end, padding: exactly max-length ids.</summary>
        public int[] Ids { get; }

        /// <summary>How many of the ids are not padding (start and end included).</summary>
        public int Used { get; }

        /// <summary>The BPE pieces that were kept.</summary>
        public IReadOnlyList<string> Pieces { get; }

        /// <summary>The text that did not fit (empty when nothing was cut).</summary>
        public string Truncated { get; }
    }
}
