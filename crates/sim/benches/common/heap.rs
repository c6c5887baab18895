//! A counting global allocator for the benchmarks: the heap bytes live now and at most, so a
//! benchmark can say what each pod and each Event costs (the process's RSS alone cannot
//! tell them apart, and includes the allocator's own slack). It counts over the allocator the
//! product uses: the CLI's (`kubeplay_heap`: mimalloc) natively, the web page's
//! (`kubeplay_sim::wasm_heap`) in wasm.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct CountingAllocator;

#[cfg(not(target_arch = "wasm32"))]
static INNER: kubeplay_heap::Heap = kubeplay_heap::Heap;
#[cfg(target_arch = "wasm32")]
static INNER: kubeplay_sim::wasm_heap::WasmHeap = kubeplay_sim::wasm_heap::WasmHeap::new();

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the inner allocator unchanged; only counts are kept.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the inner allocator's.
        let pointer = unsafe { INNER.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the inner allocator's.
        let pointer = unsafe { INNER.alloc_zeroed(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is the inner allocator's.
        unsafe { INNER.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract is the inner allocator's.
        let moved = unsafe { INNER.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

/// Sets the inner allocator up as the product does (natively; the wasm heap has no options).
pub fn configure() {
    #[cfg(not(target_arch = "wasm32"))]
    kubeplay_heap::configure();
}

/// Heap bytes allocated and not yet freed.
pub fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The most heap bytes live at once so far.
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// The heap bytes `make` leaves allocated in what it returns (measured by building it: a
/// deep copy of some objects weighs them, boxes and strings included).
pub fn weigh<T>(make: impl FnOnce() -> T) -> (T, usize) {
    let before = live();
    let made = make();
    (made, live().saturating_sub(before))
}
