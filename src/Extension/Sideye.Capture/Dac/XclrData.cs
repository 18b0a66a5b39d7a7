namespace Sideye.Capture.Dac;

/// <summary>
/// Raw calls into the DAC's IXCLRData* interfaces. Linux has no COM runtime, so every call goes
/// through the object's vtable; slot numbers follow the declaration order in xclrdata.h
/// (slots 0-2 are IUnknown). Callers hold <see cref="DacFrameReader"/>'s lock: the DAC is not
/// thread-safe.
/// </summary>
internal static unsafe class XclrData
{
    public const int S_OK = 0;
    public const int S_FALSE = 1;
    public const int E_NOTIMPL = unchecked((int)0x80004001);
    public const int E_NOINTERFACE = unchecked((int)0x80004002);
    public const int E_FAIL = unchecked((int)0x80004005);
    public const int E_INVALIDARG = unchecked((int)0x80070057);
    public const int ErrorBufferOverflow = unchecked((int)0x8007006F); // HRESULT_FROM_WIN32(ERROR_BUFFER_OVERFLOW)
    public const int ErrorReadFault = unchecked((int)0x8007001E);      // HRESULT_FROM_WIN32(ERROR_READ_FAULT)
    public const int CordbgReadVirtualFailure = unchecked((int)0x80131C49);

    /// <summary>CLRDATA_SIMPFRAME_MANAGED_METHOD: a JIT-compiled (frameless) managed method.</summary>
    public const uint SimpleFrameManagedMethod = 0x2;

    /// <summary>All CLRDATA_SIMPFRAME_* kinds: managed methods and the runtime's transition frames, as ClrMD walks.</summary>
    public const uint SimpleFrameAll = 0xF;

    /// <summary>CLRDATA_VLOC_REGISTER (CLRDATA_VLOC_MEMORY is 0).</summary>
    public const uint LocationRegister = 0x1;

    public static readonly Guid IID_IUnknown = new("00000000-0000-0000-C000-000000000046");
    public static readonly Guid IID_IXCLRDataProcess = new("5c552ab6-fc09-4cb3-8e36-22fa03c798b7");

    private static void* Slot(nint self, int slot) => (*(void***)self)[slot];

    public static readonly Guid IID_ISOSDacInterface = new("436f00f2-b42a-4b9f-870c-e73db66ae930");

    public static int QueryInterface(nint unknown, Guid iid, out nint result)
    {
        nint found = 0;
        int hr = ((delegate* unmanaged<nint, Guid*, nint*, int>)Slot(unknown, 0))(unknown, &iid, &found);
        result = found;
        return hr;
    }

    /// <summary>DacpCodeHeaderData.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    public struct CodeHeaderData
    {
        public ulong GCInfo;
        public uint JITType;
        public ulong MethodDescPtr;
        public ulong MethodStart;
        public uint MethodSize;
        public ulong ColdRegionStart;
        public uint ColdRegionSize;
        public uint HotRegionSize;
    }

    // ISOSDacInterface: GetCodeHeaderData follows GetMethodDescTransparencyData (slot 25) in sospriv.idl.
    public static int GetCodeHeaderData(nint sosDac, ulong ip, out CodeHeaderData data)
    {
        CodeHeaderData result = default;
        int hr = ((delegate* unmanaged<nint, ulong, CodeHeaderData*, int>)Slot(sosDac, 26))(sosDac, ip, &result);
        data = result;
        return hr;
    }

    public static uint Release(nint unknown) =>
        unknown == 0 ? 0u : ((delegate* unmanaged<nint, uint>)Slot(unknown, 2))(unknown);

    // IXCLRDataProcess
    public static int Flush(nint process) =>
        ((delegate* unmanaged<nint, int>)Slot(process, 3))(process);

    public static int GetTaskByOSThreadID(nint process, uint osThreadId, out nint task)
    {
        nint result = 0;
        int hr = ((delegate* unmanaged<nint, uint, nint*, int>)Slot(process, 7))(process, osThreadId, &result);
        task = result;
        return hr;
    }

    public static int StartEnumMethodInstancesByAddress(nint process, ulong address, out ulong handle)
    {
        ulong result = 0;
        int hr = ((delegate* unmanaged<nint, ulong, nint, ulong*, int>)Slot(process, 27))(process, address, 0, &result);
        handle = result;
        return hr;
    }

    public static int EnumMethodInstanceByAddress(nint process, ref ulong handle, out nint methodInstance)
    {
        nint result = 0;
        ulong h = handle;
        int hr = ((delegate* unmanaged<nint, ulong*, nint*, int>)Slot(process, 28))(process, &h, &result);
        handle = h;
        methodInstance = result;
        return hr;
    }

    public static int EndEnumMethodInstancesByAddress(nint process, ulong handle) =>
        ((delegate* unmanaged<nint, ulong, int>)Slot(process, 29))(process, handle);

    // IXCLRDataMethodInstance
    public static int GetILOffsetsByAddress(nint methodInstance, ulong address, uint capacity, uint* needed, uint* offsets) =>
        ((delegate* unmanaged<nint, ulong, uint, uint*, uint*, int>)Slot(methodInstance, 12))(methodInstance, address, capacity, needed, offsets);

    // IXCLRDataTask
    public static int CreateStackWalk(nint task, uint flags, out nint stackWalk)
    {
        nint result = 0;
        int hr = ((delegate* unmanaged<nint, uint, nint*, int>)Slot(task, 11))(task, flags, &result);
        stackWalk = result;
        return hr;
    }

    // IXCLRDataStackWalk
    public static int GetContext(nint stackWalk, uint contextFlags, uint bufferSize, uint* contextSize, byte* buffer) =>
        ((delegate* unmanaged<nint, uint, uint, uint*, byte*, int>)Slot(stackWalk, 3))(stackWalk, contextFlags, bufferSize, contextSize, buffer);

    public static int Next(nint stackWalk) =>
        ((delegate* unmanaged<nint, int>)Slot(stackWalk, 5))(stackWalk);

    public static int GetFrameType(nint stackWalk, out uint simpleType)
    {
        uint simple = 0, detailed = 0;
        int hr = ((delegate* unmanaged<nint, uint*, uint*, int>)Slot(stackWalk, 7))(stackWalk, &simple, &detailed);
        simpleType = simple;
        return hr;
    }

    public static int GetFrame(nint stackWalk, out nint frame)
    {
        nint result = 0;
        int hr = ((delegate* unmanaged<nint, nint*, int>)Slot(stackWalk, 8))(stackWalk, &result);
        frame = result;
        return hr;
    }

    // IXCLRDataFrame
    public static int GetNumArguments(nint frame, out uint count)
    {
        uint result = 0;
        int hr = ((delegate* unmanaged<nint, uint*, int>)Slot(frame, 6))(frame, &result);
        count = result;
        return hr;
    }

    public static int GetArgumentByIndex(nint frame, uint index, out nint value, uint nameCapacity, uint* nameLength, char* name)
    {
        nint result = 0;
        int hr = ((delegate* unmanaged<nint, uint, nint*, uint, uint*, char*, int>)Slot(frame, 7))(frame, index, &result, nameCapacity, nameLength, name);
        value = result;
        return hr;
    }

    public static int GetNumLocalVariables(nint frame, out uint count)
    {
        uint result = 0;
        int hr = ((delegate* unmanaged<nint, uint*, int>)Slot(frame, 8))(frame, &result);
        count = result;
        return hr;
    }

    public static int GetLocalVariableByIndex(nint frame, uint index, out nint value, uint nameCapacity, uint* nameLength, char* name)
    {
        nint result = 0;
        int hr = ((delegate* unmanaged<nint, uint, nint*, uint, uint*, char*, int>)Slot(frame, 9))(frame, index, &result, nameCapacity, nameLength, name);
        value = result;
        return hr;
    }

    public static int GetCodeName(nint frame, uint flags, uint capacity, uint* length, char* name) =>
        ((delegate* unmanaged<nint, uint, uint, uint*, char*, int>)Slot(frame, 10))(frame, flags, capacity, length, name);

    // IXCLRDataValue
    public static int GetFlags(nint value, out uint flags)
    {
        uint result = 0;
        int hr = ((delegate* unmanaged<nint, uint*, int>)Slot(value, 3))(value, &result);
        flags = result;
        return hr;
    }

    public static int GetSize(nint value, out ulong size)
    {
        ulong result = 0;
        int hr = ((delegate* unmanaged<nint, ulong*, int>)Slot(value, 5))(value, &result);
        size = result;
        return hr;
    }

    public static int GetBytes(nint value, uint capacity, uint* size, byte* buffer) =>
        ((delegate* unmanaged<nint, uint, uint*, byte*, int>)Slot(value, 6))(value, capacity, size, buffer);

    public static int GetNumLocations(nint value, out uint count)
    {
        uint result = 0;
        int hr = ((delegate* unmanaged<nint, uint*, int>)Slot(value, 28))(value, &result);
        count = result;
        return hr;
    }

    public static int GetLocationByIndex(nint value, uint index, out uint flags, out ulong address)
    {
        uint resultFlags = 0;
        ulong resultAddress = 0;
        int hr = ((delegate* unmanaged<nint, uint, uint*, ulong*, int>)Slot(value, 29))(value, index, &resultFlags, &resultAddress);
        flags = resultFlags;
        address = resultAddress;
        return hr;
    }

    /// <summary>Reads a NUL-terminated UTF-16 name the DAC wrote into <paramref name="buffer"/>.</summary>
    public static string ReadName(ReadOnlySpan<char> buffer)
    {
        int end = buffer.IndexOf('\0');
        return new string(end < 0 ? buffer : buffer[..end]);
    }

    public static string Describe(int hr) => hr switch
    {
        E_NOTIMPL => "E_NOTIMPL",
        E_NOINTERFACE => "E_NOINTERFACE",
        E_FAIL => "E_FAIL",
        E_INVALIDARG => "E_INVALIDARG",
        ErrorReadFault => "ERROR_READ_FAULT",
        CordbgReadVirtualFailure => "CORDBG_E_READVIRTUAL_FAILURE",
        _ => $"0x{hr:X8}",
    };

    public static bool Failed(int hr) => hr < 0;
}
