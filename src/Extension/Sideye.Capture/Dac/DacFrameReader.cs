using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Target;

namespace Sideye.Capture.Dac;

/// <summary>
/// Reads the arguments and locals of a thread's managed frames through a DAC instance of our own.
/// </summary>
/// <remarks>
/// ClrMD exposes no arguments or locals, and the host's ClrMD (dotnet-dump carries 4.2.747901) cannot
/// share its DAC instance with us, so this loads the same libmscordaccore.so, creates a second
/// IXCLRDataProcess over a data target that forwards to ClrMD's <see cref="IDataReader"/>, and walks
/// with IXCLRDataStackWalk / IXCLRDataFrame / IXCLRDataValue, as SOS's <c>clrstack -a</c> does. The two
/// instances coexist: the DAC library serializes its entry points itself, and every call into this
/// instance is made under one lock. Per-frame and per-variable failures become reasons in the result,
/// never exceptions.
/// </remarks>
internal sealed unsafe class DacFrameReader : IDisposable
{
    private const int MaxFrames = 8192;
    private const int NameCapacity = 1024;
    private const string NoLocation = "no location at this instruction (optimized away)";
    private const string RegisterNotRestored =
        "held in a register whose value the runtime does not restore across the native transition below this frame";

    private readonly object _sync = new();
    private readonly DacDataTarget _target;
    private readonly ContextLayout _layout;
    private readonly JitDebugInfo.Layout? _debugInfo;
    private nint _process;
    private nint _sosDac;
    private nint _nativeTarget;

    private DacFrameReader(DacDataTarget target, nint nativeTarget, nint process, ContextLayout layout, JitDebugInfo.Layout? debugInfo)
    {
        _debugInfo = debugInfo;
        _target = target;
        _nativeTarget = nativeTarget;
        _process = process;
        _layout = layout;
    }

    /// <summary>
    /// Loads the DAC at <paramref name="dacPath"/> (the one ClrMD uses for the same target is fine) and
    /// creates an instance over <paramref name="target"/>'s data reader.
    /// </summary>
    /// <exception cref="DacLoadException">The DAC cannot be loaded or refuses the target.</exception>
    public static DacFrameReader Create(DataTarget target, string dacPath)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(dacPath);

        ClrInfo? clr = target.ClrVersions.FirstOrDefault(c => c.Flavor == ClrFlavor.Core) ?? target.ClrVersions.FirstOrDefault();
        string runtime = clr is null ? "no .NET runtime found in the target" : DescribeRuntime(clr);
        if (clr is null)
            throw new DacLoadException(dacPath, runtime, "the target has no .NET runtime");

        ContextLayout layout = ContextLayout.For(target.DataReader.Architecture)
            ?? throw new DacLoadException(dacPath, runtime, $"architecture {target.DataReader.Architecture} is not supported");

        if (!NativeLibrary.TryLoad(dacPath, out nint library))
            throw new DacLoadException(dacPath, runtime, "the library could not be loaded (missing file or wrong platform)");

        // Never unloaded: unloading the DAC's PAL on Linux leaves a dangling thread-exit destructor.
        InitializePal(library);
        if (!NativeLibrary.TryGetExport(library, "CLRDataCreateInstance", out nint createInstance))
            throw new DacLoadException(dacPath, runtime, "it does not export CLRDataCreateInstance");

        var managedTarget = new DacDataTarget(target.DataReader, clr.ModuleInfo.ImageBase);
        nint nativeTarget = NativeDataTarget.Create(managedTarget);
        Guid iid = XclrData.IID_IXCLRDataProcess;
        nint process = 0;
        int hr = ((delegate* unmanaged<Guid*, nint, nint*, int>)createInstance)(&iid, nativeTarget, &process);
        if (hr != XclrData.S_OK || process == 0)
        {
            XclrData.Release(process);
            NativeDataTarget.Release(nativeTarget);
            managedTarget.Dispose();
            throw new DacLoadException(dacPath, runtime, $"CLRDataCreateInstance failed with {XclrData.Describe(hr)}");
        }

        // The runtime's version from its folder, else the DAC's own version string (a self-contained app's runtime).
        int? major = RuntimeVersion.MajorOf(clr) ?? DacDbiBuilds.Identify(dacPath)?.Major;
        return new DacFrameReader(managedTarget, nativeTarget, process, layout, major is int m ? JitDebugInfo.LayoutOf(m) : null);
    }

    /// <summary>
    /// The IL offset of the await entry of the IL-to-native map that starts exactly at <paramref name="address"/>, in
    /// the native code that contains it; -1 when no entry starts there.
    /// </summary>
    /// <remarks>
    /// For a runtime-async continuation's <c>DiagnosticIP</c>, which is the start of its await's entry. Not ClrMD's
    /// <c>ClrMethod.ILOffsetMap</c>, which maps the method's current code version, not necessarily the continuation's.
    /// Not the DAC's method instances either: enumerating them walks the method instantiation
    /// table, which a frozen instant of a young .NET 11 process often catches half-written, and the 11.0.0 DAC then
    /// dereferences a null method and the whole process dies of SIGSEGV (<see cref="JitDebugInfo"/>). So JIT-compiled
    /// code only: a ReadyToRun frame (the framework's precompiled async variants) is left without an IL offset, which
    /// costs little there (no framework PDBs, so no line either) and every crash seen came from those.
    /// </remarks>
    public int ILOffsetStartingAt(ulong address)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_process == 0, this);
            // JIT-compiled code (every runtime-async variant we have met): decoded from memory, no instance enumerated.
            return _debugInfo is { } layout && CodeHeaderAt(address) is { } header &&
                   JitDebugInfo.ILOffsetStartingAt(_target.Read, layout, header, address) is int decoded
                ? decoded
                : -1;
        }
    }

    /// <summary>The code header the DAC finds for an address (no instantiation is enumerated for it); null if none.</summary>
    private JitDebugInfo.CodeHeader? CodeHeaderAt(ulong address)
    {
        if (_sosDac == 0)
        {
            if (XclrData.QueryInterface(_process, XclrData.IID_ISOSDacInterface, out nint sos) != XclrData.S_OK || sos == 0)
                return null;
            _sosDac = sos;
        }
        if (XclrData.GetCodeHeaderData(_sosDac, address, out XclrData.CodeHeaderData data) != XclrData.S_OK)
            return null;
        return new JitDebugInfo.CodeHeader(data.GCInfo, data.JITType, data.MethodDescPtr, data.MethodStart, data.MethodSize);
    }

    /// <summary>
    /// The IL offset of the instruction at <paramref name="address"/> in the native code that contains it, or -1
    /// (prolog, epilog, unmapped, not managed code).
    /// </summary>
    /// <remarks>
    /// Not ClrMD's <c>ClrMethod.GetILOffset</c>: it maps through the IL map of the method's first native code, so a
    /// frame running any other code version (tier 1 after tier 0: most hot code in a service) got a wrong offset,
    /// and a wrong line. The code header of the address is its own code version's, and so is the map read through it.
    /// </remarks>
    public int ILOffsetAt(ulong address)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_process == 0, this);
            // JIT-compiled code: decoded from memory. Asking the DAC enumerates the method's instances, which can crash
            // it on a frozen instant of a young .NET 11 process (see ILOffsetStartingAt); ReadyToRun code still asks it.
            return ILOffsetFromDebugInfo(address) ?? ILOffsetByMethodInstance(address);
        }
    }

    /// <summary>
    /// The IL offset at an address decoded from the JIT's debug info (<see cref="JitDebugInfo.ILOffsetAt"/>); null when
    /// the address is not in JIT-compiled code or its map cannot be read.
    /// </summary>
    internal int? ILOffsetFromDebugInfo(ulong address)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_process == 0, this);
            return _debugInfo is { } layout && CodeHeaderAt(address) is { } header
                ? JitDebugInfo.ILOffsetAt(_target.Read, layout, header, address)
                : null;
        }
    }

    /// <summary>The start and size of the code containing an address, as the DAC gives them; null if none.</summary>
    internal (ulong Start, uint Size)? CodeRangeAt(ulong address)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_process == 0, this);
            return CodeHeaderAt(address) is { } header ? (header.MethodStart, header.Size) : null;
        }
    }

    /// <summary>The DAC's answer for <see cref="ILOffsetAt"/>, through the method instances containing the address.</summary>
    internal int ILOffsetByMethodInstance(ulong address)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_process == 0, this);
            if (XclrData.StartEnumMethodInstancesByAddress(_process, address, out ulong handle) != XclrData.S_OK)
                return -1;
            try
            {
                const int Capacity = 8;
                uint* offsets = stackalloc uint[Capacity];
                while (XclrData.EnumMethodInstanceByAddress(_process, ref handle, out nint instance) == XclrData.S_OK && instance != 0)
                {
                    try
                    {
                        uint found = 0;
                        if (XclrData.GetILOffsetsByAddress(instance, address, Capacity, &found, offsets) != XclrData.S_OK)
                            continue;
                        for (int i = 0; i < Math.Min(found, Capacity); i++)
                        {
                            if ((int)offsets[i] >= 0)
                                return (int)offsets[i];
                        }
                        return -1;
                    }
                    finally
                    {
                        XclrData.Release(instance);
                    }
                }
                return -1;
            }
            finally
            {
                XclrData.EndEnumMethodInstancesByAddress(_process, handle);
            }
        }
    }

    /// <summary>
    /// The managed frames of thread <paramref name="osThreadId"/>, innermost first; empty when the
    /// thread is unknown to the runtime or has no managed frames.
    /// </summary>
    /// <param name="stopAt">When given, the walk reads only the managed frame at this stack pointer and stops
    /// there: reading every frame's variables is most of a walk's cost, and a spec wants only its functions' frames.</param>
    public IReadOnlyList<DacFrame> WalkThread(uint osThreadId, ulong? stopAt = null)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_process == 0, this);

            var frames = new List<DacFrame>();
            if (XclrData.GetTaskByOSThreadID(_process, osThreadId, out nint task) != XclrData.S_OK || task == 0)
                return frames;

            try
            {
                if (XclrData.Failed(XclrData.CreateStackWalk(task, XclrData.SimpleFrameAll, out nint walk)) || walk == 0)
                    return frames;

                try
                {
                    WalkFrames(walk, ActiveInstructionPointer(osThreadId), frames, stopAt);
                }
                finally
                {
                    XclrData.Release(walk);
                }
            }
            finally
            {
                XclrData.Release(task);
            }

            return frames;
        }
    }

    /// <summary>Drops the DAC's cached target memory: call after the target ran and paused again.</summary>
    public void Flush()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_process == 0, this);
            XclrData.Flush(_process);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_process == 0)
                return;

            XclrData.Release(_sosDac);
            _sosDac = 0;
            XclrData.Release(_process);
            _process = 0;
            NativeDataTarget.Release(_nativeTarget);
            _nativeTarget = 0;
            _target.Dispose();
        }
    }

    /// <summary>Runs the DAC PAL's DllMain (Linux): needed once per load, harmless again; shared with <see cref="AsyncLocals"/>.</summary>
    internal static void InitializePal(nint library)
    {
        bool hasPal = NativeLibrary.TryGetExport(library, "DAC_PAL_InitializeDLL", out _) ||
                      NativeLibrary.TryGetExport(library, "PAL_InitializeDLL", out _);
        if (hasPal && NativeLibrary.TryGetExport(library, "DllMain", out nint dllMain))
            ((delegate* unmanaged<nint, int, nint, int>)dllMain)(library, 1 /* DLL_PROCESS_ATTACH */, 0);
    }

    private static string DescribeRuntime(ClrInfo clr)
    {
        string? file = clr.ModuleInfo.FileName;
        string version = clr.Version.Major != 0
            ? clr.Version.ToString()
            : Path.GetFileName(Path.GetDirectoryName(file)) ?? "unknown";
        return $"runtime {version} ({file})";
    }

    /// <summary>
    /// Walks managed methods and the runtime's transition frames, reading the managed ones. Registers of a
    /// frame are trusted only when they are real (the walk starts in that frame at the thread's own
    /// context) or were unwound from a managed callee: a transition frame such as an InlinedCallFrame
    /// (every P/Invoke) records no callee-saved registers, so the DAC fills them from the thread's
    /// native context and a value the JIT kept in one of them could be the native code's, not the frame's.
    /// </summary>
    private void WalkFrames(nint walk, ulong? activeIp, List<DacFrame> frames, ulong? stopAt)
    {
        uint contextSize = 0;
        XclrData.GetContext(walk, _layout.Flags, 0, &contextSize, null); // reports the size it needs

        // Exactly the size the DAC reports: it copies as many bytes as the buffer claims to hold.
        byte[] context = new byte[contextSize != 0 ? contextSize : (uint)_layout.MinimumSize];
        if (context.Length < _layout.InstructionPointerOffset + sizeof(ulong))
            return;

        bool first = true, afterTransition = false;
        for (int i = 0; i < MaxFrames; i++)
        {
            if (XclrData.GetFrameType(walk, out uint simpleType) != XclrData.S_OK)
                return; // S_FALSE: the walk is past its last frame

            if (simpleType == XclrData.SimpleFrameManagedMethod)
            {
                int hr;
                fixed (byte* buffer = context)
                {
                    hr = XclrData.GetContext(walk, _layout.Flags, (uint)context.Length, &contextSize, buffer);
                }

                if (hr != XclrData.S_OK)
                    return;

                ulong sp = _layout.StackPointer(context);
                ulong ip = _layout.InstructionPointer(context);
                bool registersTrusted = first ? ip == activeIp : !afterTransition;
                if (stopAt is ulong wanted && sp != wanted)
                {
                    if (sp > wanted)
                        return; // stacks grow down: the wanted frame is not on this walk
                }
                else
                {
                    frames.Add(ReadFrame(walk, sp, ip, registersTrusted));
                    if (stopAt is not null)
                        return;
                }

                afterTransition = false;
            }
            else
            {
                afterTransition = true;
            }

            first = false;
            if (XclrData.Next(walk) != XclrData.S_OK)
                return;
        }
    }

    /// <summary>The instruction pointer of the thread's own context (where it is stopped), or null.</summary>
    private ulong? ActiveInstructionPointer(uint osThreadId)
    {
        byte[] context = new byte[_layout.MinimumSize];
        return _target.GetThreadContext(osThreadId, _layout.Flags, context) ? _layout.InstructionPointer(context) : null;
    }

    private static DacFrame ReadFrame(nint walk, ulong sp, ulong ip, bool registersTrusted)
    {
        int hr = XclrData.GetFrame(walk, out nint frame);
        if (XclrData.Failed(hr) || frame == 0)
            return new DacFrame(sp, ip, null, [], [], $"the DAC gave no frame ({XclrData.Describe(hr)})");

        try
        {
            string? codeName = ReadCodeName(frame);
            var arguments = new List<DacVariable>();
            string? unavailable = null;

            hr = XclrData.GetNumArguments(frame, out uint argumentCount);
            if (XclrData.Failed(hr))
                unavailable = $"arguments: {XclrData.Describe(hr)}";
            else
                for (uint i = 0; i < argumentCount; i++)
                    arguments.Add(ReadArgument(frame, i, registersTrusted));

            // E_FAIL here means the method has no local signature (no locals, or IL-less code).
            var locals = new List<DacVariable>();
            if (!XclrData.Failed(XclrData.GetNumLocalVariables(frame, out uint localCount)))
                for (uint i = 0; i < localCount; i++)
                    locals.Add(ReadLocal(frame, i, registersTrusted));

            return new DacFrame(sp, ip, codeName, arguments, locals, unavailable);
        }
        finally
        {
            XclrData.Release(frame);
        }
    }

    private static string? ReadCodeName(nint frame)
    {
        char* name = stackalloc char[NameCapacity];
        uint length = 0;
        int hr = XclrData.GetCodeName(frame, 0, NameCapacity, &length, name);
        if (XclrData.Failed(hr))
            return null;

        return XclrData.ReadName(new ReadOnlySpan<char>(name, NameCapacity));
    }

    private static DacVariable ReadArgument(nint frame, uint index, bool registersTrusted)
    {
        char* name = stackalloc char[NameCapacity];
        name[0] = '\0';
        uint length = 0;
        int hr = XclrData.GetArgumentByIndex(frame, index, out nint value, NameCapacity, &length, name);
        string? argumentName = XclrData.ReadName(new ReadOnlySpan<char>(name, NameCapacity));
        if (argumentName.Length == 0)
            argumentName = null;

        if (XclrData.Failed(hr) || value == 0)
        {
            XclrData.Release(value);
            return new DacVariable((int)index, argumentName, null, null, 0, $"the DAC could not read it ({XclrData.Describe(hr)})");
        }

        try
        {
            return ReadValue((int)index, argumentName, value, registersTrusted);
        }
        finally
        {
            XclrData.Release(value);
        }
    }

    private static DacVariable ReadLocal(nint frame, uint index, bool registersTrusted)
    {
        char* name = stackalloc char[NameCapacity];
        uint length = 0;
        int hr = XclrData.GetLocalVariableByIndex(frame, index, out nint value, NameCapacity, &length, name);
        if (XclrData.Failed(hr) || value == 0)
        {
            XclrData.Release(value);
            return new DacVariable((int)index, null, null, null, 0, $"the DAC could not read it ({XclrData.Describe(hr)})");
        }

        try
        {
            return ReadValue((int)index, null, value, registersTrusted);
        }
        finally
        {
            XclrData.Release(value);
        }
    }

    private static DacVariable ReadValue(int index, string? name, nint value, bool registersTrusted)
    {
        DacValueKind kind = XclrData.Failed(XclrData.GetFlags(value, out uint flags))
            ? DacValueKind.None
            : (DacValueKind)(flags & 0x7F);

        int hr = XclrData.GetNumLocations(value, out uint count);
        if (XclrData.Failed(hr) || count == 0)
            return new DacVariable(index, name, null, null, 0, NoLocation) { Kind = kind };

        bool inRegister = false, inMemory = false;
        ulong address = 0;
        for (uint i = 0; i < count; i++)
        {
            hr = XclrData.GetLocationByIndex(value, i, out uint locationFlags, out ulong locationAddress);
            if (XclrData.Failed(hr))
                return new DacVariable(index, name, null, null, 0, $"the DAC gave no location ({XclrData.Describe(hr)})") { Kind = kind };

            if ((locationFlags & XclrData.LocationRegister) != 0)
            {
                inRegister = true;
            }
            else
            {
                if (!inMemory)
                    address = locationAddress;
                inMemory = true;
            }
        }

        var location = new DacValueLocation(
            inRegister && inMemory ? DacLocationKind.Split : inRegister ? DacLocationKind.Register : DacLocationKind.Memory,
            inMemory ? address : 0);
        if (inRegister && !registersTrusted)
            return new DacVariable(index, name, location, null, 0, RegisterNotRestored) { Kind = kind };

        uint needed = 0;
        hr = XclrData.GetBytes(value, 0, &needed, null);
        if ((hr != XclrData.ErrorBufferOverflow && XclrData.Failed(hr)) || needed == 0)
            return new DacVariable(index, name, location, null, 0, $"the DAC gave no bytes ({XclrData.Describe(hr)})") { Kind = kind };

        byte[] bytes = new byte[needed];
        uint size = 0;
        fixed (byte* buffer = bytes)
        {
            hr = XclrData.GetBytes(value, needed, &size, buffer);
        }

        if (XclrData.Failed(hr))
        {
            string reason = (hr is XclrData.CordbgReadVirtualFailure or XclrData.ErrorReadFault) && inMemory
                ? $"target memory at 0x{address:X} is not readable"
                : $"the DAC could not read its bytes ({XclrData.Describe(hr)})";
            return new DacVariable(index, name, location, null, 0, reason) { Kind = kind };
        }

        if (size < bytes.Length)
            Array.Resize(ref bytes, (int)size);

        return new DacVariable(index, name, location, bytes, size, null) { Kind = kind };
    }
}
