using System.Runtime.InteropServices;

namespace CityEye.VectorSearch.USearch;

/// <summary>Distance functions of the USearch C API (<c>usearch_metric_kind_t</c>).</summary>
internal enum UsMetric : uint
{
    Unknown = 0,
    Cos = 1,
}

/// <summary>Scalar kinds of the USearch C API (<c>usearch_scalar_kind_t</c>).</summary>
internal enum UsScalar : uint
{
    Unknown = 0,
    F32 = 1,
    F64 = 2,
    F16 = 3,
    I8 = 4,
}

/// <summary><c>usearch_init_options_t</c> (64 bytes on x64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UsInitOptions
{
    public UsMetric MetricKind;
    public nint Metric;
    public UsScalar Quantization;
    public nuint Dimensions;
    public nuint Connectivity;
    public nuint ExpansionAdd;
    public nuint ExpansionSearch;
    public byte Multi;
}

/// <summary>
/// Our own bindings of the USearch C API (<c>c/usearch.h</c> of USearch 2.26), in <c>libusearch_c.so</c> of the NuGet
/// package Cloud.Unum.USearch 2.26.6 (Apache-2.0). The package's C# wrapper is not used: it grows the capacity one
/// vector at a time and hides <c>usearch_reserve</c>, which concurrent adds need. Every function reports failure by
/// writing a static message to <c>error</c> (never freed), which is left untouched on success.
/// </summary>
internal static unsafe partial class UsNative
{
    private const string Library = "libusearch_c";

    [LibraryImport(Library)]
    public static partial nint usearch_init(UsInitOptions* options, nint* error);

    [LibraryImport(Library)]
    public static partial void usearch_free(nint index, nint* error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void usearch_save(nint index, string path, nint* error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void usearch_load(nint index, string path, nint* error);

    [LibraryImport(Library)]
    public static partial nuint usearch_size(nint index, nint* error);

    [LibraryImport(Library)]
    public static partial nuint usearch_capacity(nint index, nint* error);

    [LibraryImport(Library)]
    public static partial nuint usearch_dimensions(nint index, nint* error);

    [LibraryImport(Library)]
    public static partial nuint usearch_memory_usage(nint index, nint* error);

    [LibraryImport(Library)]
    public static partial void usearch_change_expansion_search(nint index, nuint expansion, nint* error);

    [LibraryImport(Library)]
    public static partial void usearch_change_threads_add(nint index, nuint threads, nint* error);

    [LibraryImport(Library)]
    public static partial void usearch_change_threads_search(nint index, nuint threads, nint* error);

    [LibraryImport(Library)]
    public static partial void usearch_reserve(nint index, nuint capacity, nint* error);

    [LibraryImport(Library)]
    public static partial void usearch_add(nint index, ulong key, void* vector, UsScalar vectorKind, nint* error);

    [LibraryImport(Library)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool usearch_contains(nint index, ulong key, nint* error);

    [LibraryImport(Library)]
    public static partial nuint usearch_search(nint index, void* query, UsScalar queryKind, nuint count, ulong* keys, float* distances, nint* error);

    [LibraryImport(Library)]
    public static partial nuint usearch_filtered_search(
        nint index, void* query, UsScalar queryKind, nuint count, delegate* unmanaged[Cdecl]<ulong, void*, int> filter, void* filterState, ulong* keys, float* distances, nint* error);

    [LibraryImport(Library)]
    public static partial nuint usearch_get(nint index, ulong key, nuint count, void* vector, UsScalar vectorKind, nint* error);

    [LibraryImport(Library)]
    public static partial nuint usearch_remove(nint index, ulong key, nint* error);

    /// <summary>Throws when a call wrote an error message.</summary>
    public static void Check(nint error, string what)
    {
        if (error != 0)
        {
            throw new VectorIndexException($"USearch {what} failed: {Marshal.PtrToStringUTF8(error)}");
        }
    }
}
