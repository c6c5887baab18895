//! The native binaries' allocator — the CLI's, `kubeplay serve`'s, and the one the scale
//! bench counts over: mimalloc (see the workspace `Cargo.toml` for its build features), with
//! one option changed for a heap of a gigabyte in millions of small blocks.
//!
//! Install it with `#[global_allocator] static A: kubeplay_heap::Heap = kubeplay_heap::Heap;`
//! and call [`configure`] first thing in `main`.

pub use mimalloc::MiMalloc as Heap;

/// mimalloc's `mi_option_generic_collect` (`mimalloc.h`'s `mi_option_e`; the sys crate names
/// only the older options). A test checks it still reads the documented default.
const GENERIC_COLLECT: libmimalloc_sys::mi_option_t = 36;

/// mimalloc's most: every this many allocations that miss a page's free list.
const COLLECT_EVERY: std::ffi::c_long = 1_000_000;

/// Sets the allocator's options; call it before the program allocates much.
///
/// Every 10,000 allocations that find no free block in their page (`generic_collect`'s
/// default) mimalloc visits every page of the heap to collect it: at 100,000 pods the heap
/// holds ~14,000 pages, so the visits grew with the cluster (`mi_heap_page_collect`, 1.3% of
/// the 100,000-replica run by perf, none of the 10,000 one). Every million such allocations,
/// the same run was 3.5% faster (the two run side by side, to share the machine's load), its
/// peak RSS unchanged: a page's own free blocks are still collected when it is searched.
pub fn configure() {
    // SAFETY: sets an integer option; mimalloc reads it at its next generic allocation.
    unsafe { libmimalloc_sys::mi_option_set(GENERIC_COLLECT, COLLECT_EVERY) };
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generic_collect_option_is_the_one_mimalloc_h_documents() {
        // SAFETY: reads an integer option.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::GENERIC_COLLECT) };
        assert_eq!(default, 10_000, "mimalloc's option numbers changed");
        super::configure();
        // SAFETY: as above.
        let set = unsafe { libmimalloc_sys::mi_option_get(super::GENERIC_COLLECT) };
        assert_eq!(set, super::COLLECT_EVERY);
    }
}
