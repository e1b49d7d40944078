using System.Reflection;
using System.Reflection.Emit;
using MountStore.Core.FileSystem;

namespace MountStore.Core.Tests;

/// <summary>
/// Core's folders (one namespace each) form layers: no folder uses one that uses it back, and the
/// bottom layer (Model, Storage, Memory) uses no other folder. Read from the compiled assembly,
/// method bodies included, so a dependency cannot hide in a lambda or an async state machine.
/// </summary>
public sealed class CoreLayeringTests
{
    private static readonly Assembly Core = typeof(MountedFileSystem).Assembly;
    private static readonly Lazy<Dictionary<string, HashSet<string>>> Uses = new(FolderDependencies);

    /// <summary>Folders every other folder may use, which use no folder themselves.</summary>
    private static readonly string[] BottomLayer = ["Model", "Storage", "Memory"];

    [Fact]
    public void No_folder_of_core_uses_one_that_uses_it_back()
    {
        var cycles = Cycles(Uses.Value);
        Assert.True(cycles.Count == 0, "folders of MountStore.Core that use each other: " + string.Join("; ", cycles.Select(c => string.Join(" -> ", c))));
    }

    [Fact]
    public void The_bottom_layer_uses_no_other_folder()
    {
        foreach (var folder in BottomLayer)
            Assert.True(Uses.Value.GetValueOrDefault(folder, []).Count == 0, $"{folder} uses {string.Join(", ", Uses.Value.GetValueOrDefault(folder, []))}");
    }

    [Fact]
    public void The_check_sees_dependencies_in_signatures_and_in_method_bodies()
    {
        // FileSystem uses Writing in fields and in method bodies: if this were not found, the
        // cycle test above would pass for the wrong reason
        Assert.Contains("Writing", Uses.Value["FileSystem"]);
        Assert.Contains("Namespace", Uses.Value["Metadata"]);
    }

    private static string? FolderOf(Type type)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        var ns = type.Namespace ?? "";
        const string root = "MountStore.Core.";
        return ns.StartsWith(root, StringComparison.Ordinal) ? ns[root.Length..].Split('.')[0] : null;
    }

    private static Dictionary<string, HashSet<string>> FolderDependencies()
    {
        var uses = new Dictionary<string, HashSet<string>>();
        foreach (var type in Core.GetTypes())
        {
            if (FolderOf(type) is not { } from)
                continue;
            var into = uses.TryGetValue(from, out var set) ? set : uses[from] = [];
            foreach (var used in TypesUsedBy(type))
            {
                if (FolderOf(used) is { } to && to != from && used.Assembly == Core)
                    into.Add(to);
            }
        }
        return uses;
    }

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        var found = new List<Type>();
        void Add(Type? t)
        {
            if (t is null)
                return;
            if (t.HasElementType)
            {
                Add(t.GetElementType());
                return;
            }
            found.Add(t);
            if (t.IsGenericType)
            {
                foreach (var argument in t.GetGenericArguments())
                    Add(argument);
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
            Add(i);
        foreach (var field in type.GetFields(Everything))
            Add(field.FieldType);
        foreach (var property in type.GetProperties(Everything))
            Add(property.PropertyType);
        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (method is MethodInfo info)
                Add(info.ReturnType);
            foreach (var parameter in method.GetParameters())
                Add(parameter.ParameterType);
            var body = method.GetMethodBody();
            if (body is null)
                continue;
            foreach (var local in body.LocalVariables)
                Add(local.LocalType);
            foreach (var token in MemberTokens(body.GetILAsByteArray() ?? []))
            {
                try
                {
                    var member = type.Module.ResolveMember(token,
                        type.IsGenericType ? type.GetGenericArguments() : null,
                        method.IsGenericMethod ? method.GetGenericArguments() : null);
                    switch (member)
                    {
                        case Type t:
                            Add(t);
                            break;
                        case MethodBase m:
                            Add(m.DeclaringType);
                            if (m is MethodInfo mi)
                                Add(mi.ReturnType);
                            foreach (var p in m.GetParameters())
                                Add(p.ParameterType);
                            break;
                        case FieldInfo f:
                            Add(f.DeclaringType);
                            Add(f.FieldType);
                            break;
                    }
                }
                catch (ArgumentException)
                {
                    // a token of a kind ResolveMember does not take (signatures): no type to see
                }
            }
        }
        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The metadata tokens of the IL's type, method and field operands.</summary>
    private static IEnumerable<int> MemberTokens(byte[] il)
    {
        var at = 0;
        while (at < il.Length)
        {
            short value = il[at++];
            if (value == 0xFE)
                value = (short)(0xFE00 | il[at++]);
            var code = OpCodesByValue[value];
            switch (code.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok:
                    yield return BitConverter.ToInt32(il, at);
                    at += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = BitConverter.ToInt32(il, at);
                    at += 4 + (4 * targets);
                    break;
                default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    at += 4;
                    break;
            }
        }
    }

    /// <summary>Every cycle among the folders, each as the path that closes it.</summary>
    private static List<List<string>> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var cycles = new List<List<string>>();
        var done = new HashSet<string>();
        var path = new List<string>();
        void Visit(string node)
        {
            if (path.Contains(node))
            {
                cycles.Add([.. path[path.IndexOf(node)..], node]);
                return;
            }
            if (!done.Add(node))
                return;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
                Visit(next);
            path.RemoveAt(path.Count - 1);
        }
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
            Visit(node);
        return cycles;
    }
}
