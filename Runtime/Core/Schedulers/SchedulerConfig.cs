#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// The saved configuration of a scheduler, read from and written to diffusers' <c>scheduler_config.json</c>.
    /// Immutable: set values with an object initializer, e.g. <c>new DDIMSchedulerConfig { ClipSample = false }</c>,
    /// then <see cref="CreateScheduler"/> makes the stateful scheduler. Keys this library does not know are kept
    /// and written back unchanged, so a load/save round trip loses nothing.
    /// </summary>
    public abstract class SchedulerConfig
    {
        private readonly JsonObject _extra;

        private protected SchedulerConfig(ConfigReader reader, in CommonDefaults defaults)
        {
            NumTrainTimesteps = reader.Int("num_train_timesteps", defaults.NumTrainTimesteps);
            BetaStart = reader.Double("beta_start", defaults.BetaStart);
            BetaEnd = reader.Double("beta_end", defaults.BetaEnd);
            BetaSchedule = reader.Enum("beta_schedule", defaults.BetaSchedule, ConfigNames.BetaSchedules);
            TrainedBetas = reader.DoubleArray("trained_betas");
            PredictionType = reader.Enum("prediction_type", PredictionType.Epsilon, ConfigNames.PredictionTypes);
            TimestepSpacing = reader.Enum("timestep_spacing", defaults.TimestepSpacing, ConfigNames.TimestepSpacings);
            StepsOffset = reader.Int("steps_offset", 0);
            _extra = new JsonObject();
            Reader = reader;
        }

        /// <summary>The diffusers class name this configuration belongs to, e.g. <c>DDIMScheduler</c>.</summary>
        public abstract string ClassName { get; }

        /// <summary><c>num_train_timesteps</c>: the number of diffusion steps the model was trained with (T).</summary>
        public int NumTrainTimesteps { get; init; }

        /// <summary><c>beta_start</c>: β at the first training timestep.</summary>
        public double BetaStart { get; init; }

        /// <summary><c>beta_end</c>: β at the last training timestep.</summary>
        public double BetaEnd { get; init; }

        /// <summary><c>beta_schedule</c>: how β is spaced between start and end.</summary>
        public BetaSchedule BetaSchedule { get; init; }

        /// <summary><c>trained_betas</c>: explicit β values that replace the schedule, or null.</summary>
        public IReadOnlyList<double>? TrainedBetas { get; init; }

        /// <summary><c>prediction_type</c>: what the model predicts.</summary>
        public PredictionType PredictionType { get; init; }

        /// <summary><c>timestep_spacing</c>: how inference timesteps are chosen.</summary>
        public TimestepSpacing TimestepSpacing { get; init; }

        /// <summary><c>steps_offset</c>: added to every timestep under leading spacing (1 for SD 1.x).</summary>
        public int StepsOffset { get; init; }

        /// <summary>The keys present in the file that this scheduler does not use, kept for the round trip.</summary>
        public IReadOnlyCollection<string> UnusedKeys => _extra.Select(p => p.Key).ToArray();

        /// <summary>The reader during construction; derived constructors read their own keys through it.</summary>
        private protected ConfigReader? Reader { get; private set; }

        /// <summary>Creates a fresh scheduler with this configuration.</summary>
        /// <exception cref="SchedulerConfigException">A value or combination of values is not supported.</exception>
        public abstract Scheduler CreateScheduler();

        /// <summary>Parses a <c>scheduler_config.json</c> text; <c>_class_name</c> picks the scheduler.</summary>
        /// <param name="json">The JSON text.</param>
        /// <param name="origin">Where the text came from, used in error messages (a file path, say).</param>
        /// <exception cref="SchedulerConfigException">The JSON is malformed, the class is unknown, or a value is invalid.</exception>
        public static SchedulerConfig Parse(string json, string origin = "scheduler_config.json")
        {
            JsonObject obj = ParseObject(json, origin);
            string? className = (string?)obj["_class_name"];
            if (className == null)
            {
                throw new SchedulerConfigException($"{origin}: the key '_class_name' is missing, so the scheduler cannot be chosen. Add e.g. \"_class_name\": \"DDIMScheduler\"; known schedulers: {string.Join(", ", SchedulerRegistry.Names)}.");
            }

            return SchedulerRegistry.Create(className, obj, origin);
        }

        /// <summary>Loads a <c>scheduler_config.json</c> file.</summary>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="SchedulerConfigException">The file is not a valid scheduler configuration.</exception>
        public static SchedulerConfig Load(string path)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Scheduler configuration '{path}' does not exist. A diffusers model folder keeps it at scheduler/scheduler_config.json.", path);
            }

            return Parse(File.ReadAllText(path), path);
        }

        /// <summary>
        /// Reads the configuration of another scheduler as a configuration of <paramref name="className"/>, the way
        /// diffusers' <c>from_config</c> swaps schedulers: shared keys carry over, the rest are kept unused.
        /// </summary>
        /// <exception cref="SchedulerConfigException">The class is unknown or a carried-over value is invalid for it.</exception>
        public SchedulerConfig ConvertTo(string className)
        {
            // Through text, exactly as a saved file would be read.
            JsonObject json = ParseObject(ToJson(), ClassName);
            json["_class_name"] = className;
            return SchedulerRegistry.Create(className, json, $"{ClassName} configuration converted to {className}");
        }

        /// <summary>The configuration as diffusers writes it: sorted keys, <c>_class_name</c> first.</summary>
        internal JsonObject ToJsonObject()
        {
            var values = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, JsonNode?> pair in _extra)
            {
                values[pair.Key] = pair.Value?.DeepClone();
            }

            values["num_train_timesteps"] = NumTrainTimesteps;
            values["beta_start"] = BetaStart;
            values["beta_end"] = BetaEnd;
            values["beta_schedule"] = ConfigNames.Name(ConfigNames.BetaSchedules, BetaSchedule);
            values["trained_betas"] = TrainedBetas == null ? null : new JsonArray(TrainedBetas.Select(b => (JsonNode)b).ToArray());
            values["prediction_type"] = ConfigNames.Name(ConfigNames.PredictionTypes, PredictionType);
            values["timestep_spacing"] = ConfigNames.Name(ConfigNames.TimestepSpacings, TimestepSpacing);
            values["steps_offset"] = StepsOffset;
            WriteSpecific(values);

            var result = new JsonObject { ["_class_name"] = ClassName };
            foreach (KeyValuePair<string, JsonNode?> pair in values)
            {
                result[pair.Key] = pair.Value;
            }

            return result;
        }

        /// <summary>The configuration as indented JSON text.</summary>
        /// <remarks>
        /// Infinite values are written as Python's json module writes them (<c>-Infinity</c>), so diffusers reads them back;
        /// characters are written as they are (<c>"dpmsolver++"</c>, not <c>"dpmsolver\u002B\u002B"</c>).
        /// </remarks>
        public string ToJson() => ToJsonObject().ToJsonString(indented: true);

        /// <summary>Writes the configuration to <paramref name="path"/> atomically (temporary file, flush, rename).</summary>
        public void Save(string path) => LiveDiffusion.IO.AtomicFile.WriteAllText(path, ToJson() + "\n");

        /// <inheritdoc />
        public override string ToString() => ToJsonObject().ToJsonString();

        /// <summary>Adds the scheduler-specific keys.</summary>
        private protected abstract void WriteSpecific(IDictionary<string, JsonNode?> values);

        /// <summary>Called by derived constructors once they have read their own keys: keeps the rest for the round trip.</summary>
        private protected void FinishReading()
        {
            if (Reader == null)
            {
                return;
            }

            foreach (KeyValuePair<string, JsonNode?> pair in Reader.Unused())
            {
                _extra[pair.Key] = pair.Value?.DeepClone();
            }

            Reader = null;
        }

        /// <summary>Checks the values every scheduler shares; derived schedulers call it from their constructors.</summary>
        /// <exception cref="SchedulerConfigException">A value is out of range.</exception>
        internal void ValidateCommon()
        {
            if (NumTrainTimesteps < 1)
            {
                throw Invalid("num_train_timesteps", NumTrainTimesteps.ToString(CultureInfo.InvariantCulture), "a positive integer");
            }

            if (TrainedBetas == null)
            {
                if (!(BetaStart > 0 && BetaStart < 1))
                {
                    throw Invalid("beta_start", BetaStart.ToString("R", CultureInfo.InvariantCulture), "in (0, 1)");
                }

                if (!(BetaEnd > 0 && BetaEnd < 1))
                {
                    throw Invalid("beta_end", BetaEnd.ToString("R", CultureInfo.InvariantCulture), "in (0, 1)");
                }
            }
            else if (TrainedBetas.Count != NumTrainTimesteps)
            {
                throw Invalid("trained_betas", $"an array of {TrainedBetas.Count} values", $"an array of num_train_timesteps ({NumTrainTimesteps}) values");
            }
        }

        internal SchedulerConfigException Invalid(string key, string value, string expected) =>
            new SchedulerConfigException($"{ClassName} configuration: '{key}' is {value}, but it must be {expected}.");

        internal SchedulerConfigException Unsupported(string key, string value, string supported) =>
            new SchedulerConfigException($"{ClassName} configuration: '{key}' = {value} is not supported here; supported: {supported}.");

        private static JsonObject ParseObject(string json, string origin) =>
            ConfigReader.ParseObject(json, origin, (message, inner) => inner == null ? new SchedulerConfigException(message) : new SchedulerConfigException(message, inner));

        /// <summary>The per-scheduler defaults of the shared keys (they differ: LCM defaults to SD's betas, say).</summary>
        private protected readonly struct CommonDefaults
        {
            public CommonDefaults(int numTrainTimesteps, double betaStart, double betaEnd, BetaSchedule betaSchedule, TimestepSpacing timestepSpacing)
            {
                NumTrainTimesteps = numTrainTimesteps;
                BetaStart = betaStart;
                BetaEnd = betaEnd;
                BetaSchedule = betaSchedule;
                TimestepSpacing = timestepSpacing;
            }

            public int NumTrainTimesteps { get; }

            public double BetaStart { get; }

            public double BetaEnd { get; }

            public BetaSchedule BetaSchedule { get; }

            public TimestepSpacing TimestepSpacing { get; }
        }
    }
}
