using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit;

namespace LiveDiffusion.Torch.Tests
{
    /// <summary>
    /// Reads the compiled code of every assembly beside the tests that uses TorchSharp (the product's and the tests'
    /// own) and fails on any Scalar that nothing keeps alive through its native call: an implicit conversion, a
    /// <c>ToScalar()</c> not stored in a local or field, or a call into a TorchSharp method that makes such a Scalar
    /// inside (<c>a + b</c>, <c>square()</c>, <c>arange(n)</c>…). See <see cref="TensorArithmetic"/> for why, and
    /// for what to call instead. This file is linked into each Torch-side test project, so each checks its own folder.
    /// </summary>
    public sealed class ScalarLifetimeTests
    {
        private const string ScalarType = "TorchSharp.Scalar";

        [Fact]
        public void NoAssemblyLeavesAScalarToTheFinalizerDuringANativeCall()
        {
            string folder = AppContext.BaseDirectory;
            var audit = new ScalarAudit(folder);

            // The audit must recognise what it is looking for in the TorchSharp it runs against, or it proves nothing.
            Assert.Contains("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::add(TorchSharp.torch/Tensor)", audit.UnsafeTorchMethods);
            Assert.Contains("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::square()", audit.UnsafeTorchMethods);
            Assert.Contains("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::op_Addition(TorchSharp.torch/Tensor,TorchSharp.torch/Tensor)", audit.UnsafeTorchMethods);
            Assert.DoesNotContain("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::add(TorchSharp.torch/Tensor,TorchSharp.Scalar)", audit.UnsafeTorchMethods);

            string[] audited = audit.AuditedAssemblies.Select(Path.GetFileName).ToArray()!;
            Assert.Contains("LiveDiffusion.Runtime.Torch.dll", audited);
            Assert.Contains(Path.GetFileName(typeof(ScalarLifetimeTests).Assembly.Location), audited);

            Assert.True(audit.Findings.Count == 0,
                $"{audit.Findings.Count} place(s) leave a TorchSharp Scalar to the finalizer while libtorch may still read it; use LiveDiffusion.Torch.TensorArithmetic "
                + "(rooted constants, Plus, Times, Squared, …) or a `using Scalar s = x.ToScalar();` local:\n  " + string.Join("\n  ", audit.Findings));
        }

        /// <summary>The IL scan; <see cref="Findings"/> name the assembly, method and reason.</summary>
        private sealed class ScalarAudit
        {
            public ScalarAudit(string folder)
            {
                var resolver = new DefaultAssemblyResolver();
                resolver.AddSearchDirectory(folder);
                var parameters = new ReaderParameters { AssemblyResolver = resolver };
                string torchPath = Path.Combine(folder, "TorchSharp.dll");
                Assert.True(File.Exists(torchPath), $"TorchSharp.dll is not beside the tests in {folder}");
                using (AssemblyDefinition torch = AssemblyDefinition.ReadAssembly(torchPath, parameters))
                {
                    UnsafeTorchMethods = ClassifyTorchSharp(torch);
                }

                foreach (string path in Directory.GetFiles(folder, "*.dll").OrderBy(p => p, StringComparer.Ordinal))
                {
                    if (Path.GetFileName(path) == "TorchSharp.dll")
                    {
                        continue;
                    }

                    AssemblyDefinition assembly;
                    try
                    {
                        assembly = AssemblyDefinition.ReadAssembly(path, parameters);
                    }
                    catch (BadImageFormatException)
                    {
                        continue; // a native library
                    }

                    using (assembly)
                    {
                        if (!assembly.MainModule.AssemblyReferences.Any(r => r.Name == "TorchSharp"))
                        {
                            continue;
                        }

                        AuditedAssemblies.Add(path);
                        AuditAssembly(assembly, Path.GetFileName(path));
                    }
                }
            }

            public HashSet<string> UnsafeTorchMethods { get; }

            public List<string> AuditedAssemblies { get; } = new List<string>();

            public List<string> Findings { get; } = new List<string>();

            private static bool IsImplicitScalar(MethodReference m) =>
                m.DeclaringType.FullName == ScalarType && m.Name == "op_Implicit" && m.ReturnType.FullName == ScalarType;

            private static bool IsToScalar(MethodReference m) =>
                m.DeclaringType.FullName == "TorchSharp.ScalarExtensionMethods" && m.Name == "ToScalar";

            private static bool StoredNext(Instruction call) => call.Next?.OpCode.Code is
                Code.Stloc or Code.Stloc_S or Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3 or Code.Stsfld or Code.Stfld;

            /// <summary>What in this call makes a Scalar nothing holds, or null.</summary>
            private static string? DirectReason(Instruction instruction, MethodReference callee)
            {
                if (IsImplicitScalar(callee))
                {
                    return "converts a number to a Scalar implicitly";
                }

                if (IsToScalar(callee) && !StoredNext(instruction))
                {
                    return "passes ToScalar()'s result on without holding it";
                }

                return null;
            }

            private static IEnumerable<(Instruction Instruction, MethodReference Callee)> Calls(MethodDefinition method) =>
                method.Body.Instructions
                    .Where(i => i.OpCode.Code is Code.Call or Code.Callvirt or Code.Newobj && i.Operand is MethodReference)
                    .Select(i => (i, (MethodReference)i.Operand));

            /// <summary>TorchSharp methods that make an unheld Scalar, directly or through other TorchSharp methods.</summary>
            private static HashSet<string> ClassifyTorchSharp(AssemblyDefinition torch)
            {
                var result = new HashSet<string>(StringComparer.Ordinal);
                var callees = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                foreach (MethodDefinition method in torch.Modules.SelectMany(m => m.GetTypes()).SelectMany(t => t.Methods).Where(m => m.HasBody))
                {
                    var list = new List<string>();
                    callees[method.FullName] = list;
                    foreach ((Instruction instruction, MethodReference callee) in Calls(method))
                    {
                        if (DirectReason(instruction, callee) != null)
                        {
                            result.Add(method.FullName);
                        }
                        else if (callee.DeclaringType.Scope.Name.StartsWith("TorchSharp", StringComparison.Ordinal))
                        {
                            list.Add(callee.FullName);
                        }
                    }
                }

                bool changed = true;
                while (changed)
                {
                    changed = false;
                    foreach ((string method, List<string> list) in callees)
                    {
                        if (!result.Contains(method) && list.Any(result.Contains))
                        {
                            result.Add(method);
                            changed = true;
                        }
                    }
                }

                return result;
            }

            private void AuditAssembly(AssemblyDefinition assembly, string name)
            {
                foreach (TypeDefinition type in assembly.MainModule.GetTypes())
                {
                    foreach (MethodDefinition method in type.Methods.Where(m => m.HasBody))
                    {
                        foreach ((Instruction instruction, MethodReference callee) in Calls(method))
                        {
                            string? reason = DirectReason(instruction, callee);
                            if (reason == null && callee.DeclaringType.Scope.Name.StartsWith("TorchSharp", StringComparison.Ordinal))
                            {
                                MethodDefinition? resolved = callee.Resolve();
                                if (resolved != null && UnsafeTorchMethods.Contains(resolved.FullName))
                                {
                                    reason = $"calls {callee.DeclaringType.Name}.{callee.Name}({string.Join(", ", callee.Parameters.Select(p => p.ParameterType.Name))}), which makes one inside";
                                }
                            }

                            if (reason != null)
                            {
                                Findings.Add($"{name}: {type.FullName}.{method.Name} {reason}");
                            }
                        }
                    }
                }
            }
        }
    }
}
