using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sideye.Capture.Dac;

/// <summary>
/// The three native objects, built by hand, that the DAC's <c>DacDbiInterfaceInstance</c> calls back into:
/// ICorDebugDataTarget (the platform, memory through a <see cref="DacDataTarget"/>; no thread contexts: reading a
/// continuation never needs one), IDacDbiInterface::IAllocator (its output buffers) and IDacDbiInterface::IMetaDataLookup
/// (answered with no importer: GetAsyncLocals needs none, and what would, ParseContinuation, is never called). All
/// three live in one native block with a handle on the managed target.
/// </summary>
/// <remarks>
/// AddRef and Release count nothing and free nothing: the DAC keeps the allocator and the lookup without a reference,
/// so the block must outlive the DAC's instance whatever its counting does. Its owner (<see cref="AsyncLocals"/>)
/// frees it with <see cref="Free"/> after releasing that instance, and nothing calls it after that.
/// </remarks>
internal static unsafe class NativeDacDbiHost
{
    private static readonly Guid IID_ICorDebugDataTarget = new("FE06DC28-49FB-4636-A4A3-E80DB4AE116C");
    private static readonly Guid IID_IDacDbiAllocator = new("97441D33-C82F-4106-B025-A912CB507526");
    private static readonly Guid IID_IDacDbiMetaDataLookup = new("EF037312-925C-4A13-A9B5-3C1BB07B56FD");

    /// <summary>CORDB_PLATFORM_POSIX_AMD64 and CORDB_PLATFORM_POSIX_ARM64 of CorDebugPlatform.</summary>
    private const int PlatformPosixAmd64 = 8;
    private const int PlatformPosixArm64 = 11;

    // Layout of the native block: one interface pointer (a vtable address) per interface, then the handle.
    public const int DataTargetSlot = 0;
    public const int AllocatorSlot = 1;
    public const int MetaDataLookupSlot = 2;
    private const int HandleSlot = 3;
    private const int BlockSlots = 4;

    private static readonly nint s_dataTargetVtable = CreateDataTargetVtable();
    private static readonly nint s_allocatorVtable = CreateAllocatorVtable();
    private static readonly nint s_lookupVtable = CreateLookupVtable();

    /// <summary>Creates the block; pass <c>block + slot * sizeof(nint)</c> as each interface pointer.</summary>
    public static nint Create(DacDataTarget target)
    {
        nint* block = (nint*)NativeMemory.AllocZeroed((nuint)(BlockSlots * sizeof(nint)));
        block[DataTargetSlot] = s_dataTargetVtable;
        block[AllocatorSlot] = s_allocatorVtable;
        block[MetaDataLookupSlot] = s_lookupVtable;
        block[HandleSlot] = GCHandle.ToIntPtr(GCHandle.Alloc(target));
        return (nint)block;
    }

    /// <summary>The interface pointer of <paramref name="slot"/> in a block made by <see cref="Create"/>.</summary>
    public static nint Interface(nint block, int slot) => (nint)((nint*)block + slot);

    /// <summary>Frees the block and its handle; only after the DAC instance that uses it was released.</summary>
    public static void Free(nint block)
    {
        if (block == 0)
            return;
        nint* slots = (nint*)block;
        GCHandle.FromIntPtr(slots[HandleSlot]).Free();
        NativeMemory.Free(slots);
    }

    private static nint* BlockOf(nint self, int slot) => (nint*)self - slot;

    private static DacDataTarget TargetOf(nint self, int slot) => (DacDataTarget)GCHandle.FromIntPtr(BlockOf(self, slot)[HandleSlot]).Target!;

    private static int QueryInterface(nint self, Guid wanted, Guid* iid, nint* result)
    {
        if (result == null)
            return XclrData.E_INVALIDARG;
        if (*iid == wanted || *iid == XclrData.IID_IUnknown)
        {
            *result = self;
            return XclrData.S_OK;
        }
        *result = 0;
        return XclrData.E_NOINTERFACE;
    }

    private static nint AllocVtable(int slots) =>
        (nint)RuntimeHelpers.AllocateTypeAssociatedMemory(typeof(NativeDacDbiHost), slots * sizeof(nint));

    private static nint CreateDataTargetVtable()
    {
        nint* vtable = (nint*)AllocVtable(6);
        vtable[0] = (nint)(delegate* unmanaged<nint, Guid*, nint*, int>)&DataTargetQueryInterface;
        vtable[1] = (nint)(delegate* unmanaged<nint, uint>)&AddRef;
        vtable[2] = (nint)(delegate* unmanaged<nint, uint>)&Release;
        vtable[3] = (nint)(delegate* unmanaged<nint, int*, int>)&GetPlatform;
        vtable[4] = (nint)(delegate* unmanaged<nint, ulong, byte*, uint, uint*, int>)&ReadVirtual;
        vtable[5] = (nint)(delegate* unmanaged<nint, uint, uint, uint, byte*, int>)&GetThreadContext;
        return (nint)vtable;
    }

    private static nint CreateAllocatorVtable()
    {
        nint* vtable = (nint*)AllocVtable(5);
        vtable[0] = (nint)(delegate* unmanaged<nint, Guid*, nint*, int>)&AllocatorQueryInterface;
        vtable[1] = (nint)(delegate* unmanaged<nint, uint>)&AddRef;
        vtable[2] = (nint)(delegate* unmanaged<nint, uint>)&Release;
        vtable[3] = (nint)(delegate* unmanaged<nint, nuint, void*>)&Alloc;
        vtable[4] = (nint)(delegate* unmanaged<nint, void*, void>)&FreeMemory;
        return (nint)vtable;
    }

    private static nint CreateLookupVtable()
    {
        nint* vtable = (nint*)AllocVtable(4);
        vtable[0] = (nint)(delegate* unmanaged<nint, Guid*, nint*, int>)&LookupQueryInterface;
        vtable[1] = (nint)(delegate* unmanaged<nint, uint>)&AddRef;
        vtable[2] = (nint)(delegate* unmanaged<nint, uint>)&Release;
        vtable[3] = (nint)(delegate* unmanaged<nint, ulong, void*>)&LookupMetaData;
        return (nint)vtable;
    }

    [UnmanagedCallersOnly]
    private static uint AddRef(nint self) => 1;

    [UnmanagedCallersOnly]
    private static uint Release(nint self) => 1;

    // ICorDebugDataTarget

    [UnmanagedCallersOnly]
    private static int DataTargetQueryInterface(nint self, Guid* iid, nint* result) =>
        QueryInterface(self, IID_ICorDebugDataTarget, iid, result);

    [UnmanagedCallersOnly]
    private static int GetPlatform(nint self, int* platform)
    {
        try
        {
            int? value = TargetOf(self, DataTargetSlot).MachineType switch
            {
                0x8664 => PlatformPosixAmd64,
                0xAA64 => PlatformPosixArm64,
                _ => null,
            };
            *platform = value ?? 0;
            return value is null ? XclrData.E_NOTIMPL : XclrData.S_OK;
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
            int count = TargetOf(self, DataTargetSlot).Read(address, new Span<byte>(buffer, checked((int)size)));
            if (read != null)
                *read = (uint)Math.Max(count, 0);
            return count > 0 ? XclrData.S_OK : XclrData.CordbgReadVirtualFailure;
        }
        catch (Exception)
        {
            if (read != null)
                *read = 0;
            return XclrData.CordbgReadVirtualFailure;
        }
    }

    // Only a stack walk needs a thread's registers; nothing we ask of this instance walks a stack.
    [UnmanagedCallersOnly]
    private static int GetThreadContext(nint self, uint threadId, uint contextFlags, uint contextSize, byte* context) => XclrData.E_NOTIMPL;

    // IDacDbiInterface::IAllocator: buffers the DAC hands out and frees itself.

    [UnmanagedCallersOnly]
    private static int AllocatorQueryInterface(nint self, Guid* iid, nint* result) =>
        QueryInterface(self, IID_IDacDbiAllocator, iid, result);

    [UnmanagedCallersOnly]
    private static void* Alloc(nint self, nuint size) => NativeMemory.AllocZeroed(size == 0 ? 1 : size);

    [UnmanagedCallersOnly]
    private static void FreeMemory(nint self, void* pointer) => NativeMemory.Free(pointer);

    // IDacDbiInterface::IMetaDataLookup

    [UnmanagedCallersOnly]
    private static int LookupQueryInterface(nint self, Guid* iid, nint* result) =>
        QueryInterface(self, IID_IDacDbiMetaDataLookup, iid, result);

    [UnmanagedCallersOnly]
    private static void* LookupMetaData(nint self, ulong peAssembly) => null;
}
