using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sideye.Capture.Dac;

/// <summary>
/// A native COM object, built by hand, that the DAC calls back into: ICLRDataTarget (memory, thread
/// contexts, image bases), ICLRRuntimeLocator (where libcoreclr is loaded) and ICLRMetadataLocator
/// (metadata from files on disk). Every method forwards to a <see cref="DacDataTarget"/>; none lets an
/// exception cross into native code. The block is freed when the DAC and we have both released it.
/// </summary>
internal static unsafe class NativeDataTarget
{
    private static readonly Guid IID_ICLRDataTarget = new("3E11CCEE-D08B-43e5-AF01-32717A64DA03");
    private static readonly Guid IID_ICLRRuntimeLocator = new("b760bf44-9377-4597-8be7-58083bdc5146");
    private static readonly Guid IID_ICLRMetadataLocator = new("aa8fa804-bc05-4642-b2c5-c353ed22fc63");

    // Layout of the native block: one interface pointer (a vtable address) per interface, then state.
    private const int DataTargetSlot = 0;
    private const int RuntimeLocatorSlot = 1;
    private const int MetadataLocatorSlot = 2;
    private const int HandleSlot = 3;
    private const int RefCountSlot = 4;
    private const int BlockSlots = 5;

    private static readonly nint s_dataTargetVtable = CreateDataTargetVtable();
    private static readonly nint s_runtimeLocatorVtable = CreateRuntimeLocatorVtable();
    private static readonly nint s_metadataLocatorVtable = CreateMetadataLocatorVtable();

    /// <summary>Creates the object with one reference, owned by the caller; returns its ICLRDataTarget pointer.</summary>
    public static nint Create(DacDataTarget target)
    {
        nint* block = (nint*)NativeMemory.AllocZeroed((nuint)(BlockSlots * sizeof(nint)));
        block[DataTargetSlot] = s_dataTargetVtable;
        block[RuntimeLocatorSlot] = s_runtimeLocatorVtable;
        block[MetadataLocatorSlot] = s_metadataLocatorVtable;
        block[HandleSlot] = GCHandle.ToIntPtr(GCHandle.Alloc(target));
        block[RefCountSlot] = 1;
        return (nint)block;
    }

    public static uint Release(nint dataTarget) => ReleaseBlock((nint*)dataTarget);

    private static nint* BlockOf(nint self, int slot) => (nint*)self - slot;

    private static DacDataTarget TargetOf(nint* block) =>
        (DacDataTarget)GCHandle.FromIntPtr(block[HandleSlot]).Target!;

    private static uint AddRefBlock(nint* block) => (uint)Interlocked.Increment(ref *(long*)(block + RefCountSlot));

    private static uint ReleaseBlock(nint* block)
    {
        long count = Interlocked.Decrement(ref *(long*)(block + RefCountSlot));
        if (count == 0)
        {
            GCHandle.FromIntPtr(block[HandleSlot]).Free();
            NativeMemory.Free(block);
        }

        return (uint)count;
    }

    private static int QueryInterfaceBlock(nint* block, Guid* iid, nint* result)
    {
        if (result == null)
            return XclrData.E_INVALIDARG;

        int slot;
        if (*iid == IID_ICLRDataTarget || *iid == XclrData.IID_IUnknown)
            slot = DataTargetSlot;
        else if (*iid == IID_ICLRRuntimeLocator)
            slot = RuntimeLocatorSlot;
        else if (*iid == IID_ICLRMetadataLocator)
            slot = MetadataLocatorSlot;
        else
        {
            *result = 0;
            return XclrData.E_NOINTERFACE;
        }

        AddRefBlock(block);
        *result = (nint)(block + slot);
        return XclrData.S_OK;
    }

    private static nint AllocVtable(int slots) =>
        (nint)RuntimeHelpers.AllocateTypeAssociatedMemory(typeof(NativeDataTarget), slots * sizeof(nint));

    private static nint CreateDataTargetVtable()
    {
        nint* vtable = (nint*)AllocVtable(14);
        vtable[0] = (nint)(delegate* unmanaged<nint, Guid*, nint*, int>)&DataTargetQueryInterface;
        vtable[1] = (nint)(delegate* unmanaged<nint, uint>)&DataTargetAddRef;
        vtable[2] = (nint)(delegate* unmanaged<nint, uint>)&DataTargetRelease;
        vtable[3] = (nint)(delegate* unmanaged<nint, uint*, int>)&GetMachineType;
        vtable[4] = (nint)(delegate* unmanaged<nint, uint*, int>)&GetPointerSize;
        vtable[5] = (nint)(delegate* unmanaged<nint, char*, ulong*, int>)&GetImageBase;
        vtable[6] = (nint)(delegate* unmanaged<nint, ulong, byte*, uint, uint*, int>)&ReadVirtual;
        vtable[7] = (nint)(delegate* unmanaged<nint, ulong, byte*, uint, uint*, int>)&WriteVirtual;
        vtable[8] = (nint)(delegate* unmanaged<nint, uint, uint, ulong*, int>)&GetTLSValue;
        vtable[9] = (nint)(delegate* unmanaged<nint, uint, uint, ulong, int>)&SetTLSValue;
        vtable[10] = (nint)(delegate* unmanaged<nint, uint*, int>)&GetCurrentThreadID;
        vtable[11] = (nint)(delegate* unmanaged<nint, uint, uint, uint, byte*, int>)&GetThreadContext;
        vtable[12] = (nint)(delegate* unmanaged<nint, uint, uint, byte*, int>)&SetThreadContext;
        vtable[13] = (nint)(delegate* unmanaged<nint, uint, uint, byte*, uint, byte*, int>)&Request;
        return (nint)vtable;
    }

    private static nint CreateRuntimeLocatorVtable()
    {
        nint* vtable = (nint*)AllocVtable(4);
        vtable[0] = (nint)(delegate* unmanaged<nint, Guid*, nint*, int>)&RuntimeLocatorQueryInterface;
        vtable[1] = (nint)(delegate* unmanaged<nint, uint>)&RuntimeLocatorAddRef;
        vtable[2] = (nint)(delegate* unmanaged<nint, uint>)&RuntimeLocatorRelease;
        vtable[3] = (nint)(delegate* unmanaged<nint, ulong*, int>)&GetRuntimeBase;
        return (nint)vtable;
    }

    private static nint CreateMetadataLocatorVtable()
    {
        nint* vtable = (nint*)AllocVtable(4);
        vtable[0] = (nint)(delegate* unmanaged<nint, Guid*, nint*, int>)&MetadataLocatorQueryInterface;
        vtable[1] = (nint)(delegate* unmanaged<nint, uint>)&MetadataLocatorAddRef;
        vtable[2] = (nint)(delegate* unmanaged<nint, uint>)&MetadataLocatorRelease;
        vtable[3] = (nint)(delegate* unmanaged<nint, char*, uint, uint, Guid*, uint, uint, uint, byte*, uint*, int>)&GetMetadata;
        return (nint)vtable;
    }

    // ICLRDataTarget

    [UnmanagedCallersOnly]
    private static int DataTargetQueryInterface(nint self, Guid* iid, nint* result) =>
        QueryInterfaceBlock(BlockOf(self, DataTargetSlot), iid, result);

    [UnmanagedCallersOnly]
    private static uint DataTargetAddRef(nint self) => AddRefBlock(BlockOf(self, DataTargetSlot));

    [UnmanagedCallersOnly]
    private static uint DataTargetRelease(nint self) => ReleaseBlock(BlockOf(self, DataTargetSlot));

    [UnmanagedCallersOnly]
    private static int GetMachineType(nint self, uint* machine)
    {
        try
        {
            *machine = TargetOf(BlockOf(self, DataTargetSlot)).MachineType;
            return *machine != 0 ? XclrData.S_OK : XclrData.E_FAIL;
        }
        catch (Exception)
        {
            return XclrData.E_FAIL;
        }
    }

    [UnmanagedCallersOnly]
    private static int GetPointerSize(nint self, uint* size)
    {
        try
        {
            *size = (uint)TargetOf(BlockOf(self, DataTargetSlot)).PointerSize;
            return XclrData.S_OK;
        }
        catch (Exception)
        {
            return XclrData.E_FAIL;
        }
    }

    [UnmanagedCallersOnly]
    private static int GetImageBase(nint self, char* imagePath, ulong* baseAddress)
    {
        try
        {
            string? path = Marshal.PtrToStringUni((nint)imagePath);
            ulong found = path is null ? 0 : TargetOf(BlockOf(self, DataTargetSlot)).GetImageBase(path);
            *baseAddress = found;
            return found != 0 ? XclrData.S_OK : XclrData.E_FAIL;
        }
        catch (Exception)
        {
            return XclrData.E_FAIL;
        }
    }

    [UnmanagedCallersOnly]
    private static int ReadVirtual(nint self, ulong address, byte* buffer, uint size, uint* read)
    {
        try
        {
            int count = TargetOf(BlockOf(self, DataTargetSlot)).Read(address, new Span<byte>(buffer, checked((int)size)));
            if (read != null)
                *read = (uint)Math.Max(count, 0);

            return count > 0 ? XclrData.S_OK : XclrData.E_FAIL;
        }
        catch (Exception)
        {
            if (read != null)
                *read = 0;

            return XclrData.E_FAIL;
        }
    }

    // A snapshot debugger never changes its target.
    [UnmanagedCallersOnly]
    private static int WriteVirtual(nint self, ulong address, byte* buffer, uint size, uint* written)
    {
        if (written != null)
            *written = 0;

        return XclrData.E_NOTIMPL;
    }

    [UnmanagedCallersOnly]
    private static int GetTLSValue(nint self, uint threadId, uint index, ulong* value) => XclrData.E_NOTIMPL;

    [UnmanagedCallersOnly]
    private static int SetTLSValue(nint self, uint threadId, uint index, ulong value) => XclrData.E_NOTIMPL;

    [UnmanagedCallersOnly]
    private static int GetCurrentThreadID(nint self, uint* threadId) => XclrData.E_NOTIMPL;

    [UnmanagedCallersOnly]
    private static int GetThreadContext(nint self, uint threadId, uint contextFlags, uint contextSize, byte* context)
    {
        try
        {
            bool ok = TargetOf(BlockOf(self, DataTargetSlot))
                .GetThreadContext(threadId, contextFlags, new Span<byte>(context, checked((int)contextSize)));
            return ok ? XclrData.S_OK : XclrData.E_FAIL;
        }
        catch (Exception)
        {
            return XclrData.E_FAIL;
        }
    }

    [UnmanagedCallersOnly]
    private static int SetThreadContext(nint self, uint threadId, uint contextSize, byte* context) => XclrData.E_NOTIMPL;

    [UnmanagedCallersOnly]
    private static int Request(nint self, uint requestCode, uint inSize, byte* input, uint outSize, byte* output) =>
        XclrData.E_NOTIMPL;

    // ICLRRuntimeLocator

    [UnmanagedCallersOnly]
    private static int RuntimeLocatorQueryInterface(nint self, Guid* iid, nint* result) =>
        QueryInterfaceBlock(BlockOf(self, RuntimeLocatorSlot), iid, result);

    [UnmanagedCallersOnly]
    private static uint RuntimeLocatorAddRef(nint self) => AddRefBlock(BlockOf(self, RuntimeLocatorSlot));

    [UnmanagedCallersOnly]
    private static uint RuntimeLocatorRelease(nint self) => ReleaseBlock(BlockOf(self, RuntimeLocatorSlot));

    [UnmanagedCallersOnly]
    private static int GetRuntimeBase(nint self, ulong* baseAddress)
    {
        try
        {
            ulong found = TargetOf(BlockOf(self, RuntimeLocatorSlot)).RuntimeBase;
            *baseAddress = found;
            return found != 0 ? XclrData.S_OK : XclrData.E_FAIL;
        }
        catch (Exception)
        {
            return XclrData.E_FAIL;
        }
    }

    // ICLRMetadataLocator

    [UnmanagedCallersOnly]
    private static int MetadataLocatorQueryInterface(nint self, Guid* iid, nint* result) =>
        QueryInterfaceBlock(BlockOf(self, MetadataLocatorSlot), iid, result);

    [UnmanagedCallersOnly]
    private static uint MetadataLocatorAddRef(nint self) => AddRefBlock(BlockOf(self, MetadataLocatorSlot));

    [UnmanagedCallersOnly]
    private static uint MetadataLocatorRelease(nint self) => ReleaseBlock(BlockOf(self, MetadataLocatorSlot));

    [UnmanagedCallersOnly]
    private static int GetMetadata(
        nint self, char* imagePath, uint timeStamp, uint imageSize, Guid* mvid, uint rva, uint flags,
        uint bufferSize, byte* buffer, uint* dataSize)
    {
        try
        {
            string? path = Marshal.PtrToStringUni((nint)imagePath);
            if (path is null || buffer == null)
                return XclrData.E_INVALIDARG;

            int count = TargetOf(BlockOf(self, MetadataLocatorSlot))
                .GetMetadata(path, timeStamp, imageSize, rva, new Span<byte>(buffer, checked((int)bufferSize)));
            if (count < 0)
                return XclrData.E_FAIL;

            if (dataSize != null)
                *dataSize = (uint)count;

            return XclrData.S_OK;
        }
        catch (Exception)
        {
            return XclrData.E_FAIL;
        }
    }
}
